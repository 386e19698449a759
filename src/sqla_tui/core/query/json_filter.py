"""Filter values for JSON columns, which MariaDB keeps as text and cannot cast to.

A value typed for a JSON column is cast to the column's type, so
PostgreSQL's jsonb and MySQL's JSON compare it as JSON. MariaDB has no
``CAST(... AS JSON)`` (its JSON is LONGTEXT with a ``json_valid`` check):
there the value is bound as text, and ``=``, ``!=`` and ``in`` compare with
``JSON_EQUALS`` (10.7 and later), as JSON rather than as spelling, so
``{"x":1}`` equals ``{"x": 1}`` as it does in jsonb. Which one is written is
decided when the statement is compiled, for the dialect it is compiled for.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, ColumnElement, cast, false, func, literal, not_, or_
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.types import JSON, TypeDecorator, TypeEngine

_JSON_EQUALS_SINCE = (10, 7)


def is_json(type_: TypeEngine[Any]) -> bool:
    """Whether a column's type is JSON (PostgreSQL's json and jsonb, MySQL's, MariaDB's as the catalog maps it)."""
    while isinstance(type_, TypeDecorator):
        type_ = type_.impl_instance
    return isinstance(type_, JSON)


class JsonText(ColumnElement[Any]):
    """``value`` for a JSON column: ``CAST(value AS <its type>)``, or the text itself on MariaDB."""

    inherit_cache = False  # compiled per dialect, from attributes a cache key would not see

    def __init__(self, value: str, type_: TypeEngine[Any]) -> None:
        self.value = literal(value)
        self.type = type_


class JsonEquals(ColumnElement[bool]):
    """``column`` equal to one of the JSON ``values`` (``=``, ``in``), or to none of them with ``negate`` (``!=``, ``not in``)."""

    inherit_cache = False
    type = Boolean()

    def __init__(self, column: Any, values: list[str], *, negate: bool = False) -> None:
        self.column, self.values, self.negate = column, values, negate

    def portable(self) -> ColumnElement[bool]:
        """The comparison as other databases write it: with the values cast to the column's type."""
        typed = [JsonText(value, self.column.type) for value in self.values]
        if len(typed) == 1:
            return self.column != typed[0] if self.negate else self.column == typed[0]
        return self.column.not_in(typed) if self.negate else self.column.in_(typed)


def json_is_text(dialect: Dialect | None) -> bool:
    """Whether ``dialect``'s database keeps JSON as text it cannot cast to (MariaDB): a value is bound as text."""
    return bool(getattr(dialect, "is_mariadb", False))


def compares_with_json_equals(dialect: Dialect | None) -> bool:
    """Whether ``=``, ``!=`` and ``in`` on a JSON column compare with ``JSON_EQUALS`` there (MariaDB 10.7 and
    later); before 10.7 MariaDB compares the text."""
    version = getattr(dialect, "server_version_info", None) or ()
    return json_is_text(dialect) and tuple(version[:2]) >= _JSON_EQUALS_SINCE


@compiles(JsonText)
def _cast(element: JsonText, compiler: SQLCompiler, **kw: Any) -> str:
    if json_is_text(compiler.dialect):
        return compiler.process(element.value, **kw)
    return compiler.process(cast(element.value, element.type), **kw)


@compiles(JsonEquals)
def _equals(element: JsonEquals, compiler: SQLCompiler, **kw: Any) -> str:
    """In parentheses: the element is one condition wherever it stands (``AND``, MariaDB's ``(...) = 1``)."""
    if not compares_with_json_equals(compiler.dialect):
        return f"({compiler.process(element.portable(), **kw)})"
    # = 1 spelled out: MariaDB 10.11 takes a bare JSON_EQUALS(NULL, ...) in a condition as true, a missing value as a match
    matched = or_(false(), *(func.json_equals(element.column, literal(value)) == 1 for value in element.values))
    return f"({compiler.process(not_(matched) if element.negate else matched, **kw)})"
