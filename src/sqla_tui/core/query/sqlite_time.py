"""Filters on a SQLite date-and-time column, compared as instants rather than as the text each writer chose.

SQLite keeps a DATETIME or TIME as text in whatever format the program that
wrote it picked: SQLAlchemy writes ``2024-01-01 10:00:00.000000``, sqlite3's
``CURRENT_TIMESTAMP``, Django and most others ``2024-01-01 10:00:00``, some
``2024-01-01T10:00:00``. A filter value bound through SQLAlchemy's type is
SQLAlchemy's format, so ``at = '2024-01-01 10:00:00'`` matched no row another
program wrote, silently. On SQLite both sides are read by ``julianday()``,
which takes every ISO 8601 spelling of an instant (and a bare time as on
2000-01-01); no index on the column serves the comparison, which the plan's
warnings say. Every other database compares its own typed values, as before.
"""

from __future__ import annotations

import datetime
import operator
from collections.abc import Callable
from typing import Any

from sqlalchemy import Boolean, cast, func, literal
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnElement

_COMPARED: dict[str, Callable[[Any, Any], Any]] = {
    "=": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge,
}  # fmt: skip
OPERATORS = frozenset((*_COMPARED, "between", "in", "not_in"))
"""The operators compared as instants; ``like`` stays a comparison of the text."""
TEMPORAL = (datetime.datetime, datetime.time)
"""The column types (by Python type) whose text differs by writer; a DATE's, ``2024-01-01``, does not."""


def compares_instants(dialect: Dialect | None) -> bool:
    """Whether ``dialect``'s database keeps dates and times as text of any format (SQLite)."""
    return dialect is not None and dialect.name == "sqlite"


class InstantComparison(ColumnElement[bool]):
    """``column`` ``op`` ``values`` (one, two for ``between``, any for ``in``): on SQLite as ``julianday()`` of each."""

    inherit_cache = False
    type = Boolean()

    def __init__(self, column: Any, op: str, values: list[Any]) -> None:
        self.column, self.comparing, self.values = column, op, values  # not ``op``: ColumnElement.op() is a method

    def portable(self) -> ColumnElement[bool]:
        """The comparison as other databases make it: their own typed values, a TIME given as text cast to one (its
        text bound as a string compared as a string on PostgreSQL, which refuses ``time = character varying``)."""
        values = [cast(literal(value), self.column.type) if isinstance(value, str) else value for value in self.values]
        return _comparison(self.column, self.comparing, values)

    def on_sqlite(self) -> ColumnElement[bool]:
        """Both sides read as instants. A value bound through the column's type is SQLAlchemy's text of it; one still
        text (a TIME, bound as typed) is read by ``julianday()`` as it is."""
        values = [
            func.julianday(value if isinstance(value, str) else literal(value, self.column.type))
            for value in self.values
        ]
        return _comparison(func.julianday(self.column), self.comparing, values)


def _comparison(column: Any, op: str, values: list[Any]) -> ColumnElement[bool]:
    if op == "between":
        return column.between(*values)
    if op in ("in", "not_in"):
        return column.in_(values) if op == "in" else column.not_in(values)
    return _COMPARED[op](column, values[0])


@compiles(InstantComparison)
def _instants(element: InstantComparison, compiler: SQLCompiler, **kw: Any) -> str:
    chosen = element.on_sqlite() if compares_instants(compiler.dialect) else element.portable()
    return f"({compiler.process(chosen, **kw)})"
