"""A QuerySpec as a real ``select()`` and as the Python a user can paste, from one walk.

Both come from the same spec and the same ``LoaderTree``, so the code shown
is the code that ran.
"""

from __future__ import annotations

import decimal
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, Table, func, select
from sqlalchemy.engine import Dialect

from sqla_tui.core.errors import UserError
from sqla_tui.core.query.json_filter import compares_with_json_equals, is_json, json_is_text
from sqla_tui.core.query.loader_tree import LoaderTree
from sqla_tui.core.query.ordering import ordering
from sqla_tui.core.query.root import Root, attribute_source, column_keys, refuse_loading, root_name, root_source
from sqla_tui.core.query.spec import (
    QuerySpec,
    binds_bytes_as_text,
    check_limit,
    column_attribute,
    compares_instants_of,
    condition,
    filter_values,
    json_equality,
    read_as_the_column,
    read_by_database,
)
from sqla_tui.core.query.sqlite_time import compares_instants


def build_select(spec: QuerySpec, root: Root) -> Select[Any]:
    """The ``Select`` the spec describes: ORM with loader options over a class, Core over a ``Table``."""
    check_limit(spec)
    refuse_loading(root, spec.loads, spec.column_options)
    if not column_keys(root):  # PostgreSQL's CREATE TABLE t (): its rows have nothing a result could hold
        raise UserError(f"{root_name(root)} has no columns, so a query of it has nothing to show; count its rows in SQL")
    statement: Select[Any] = select(root)
    for spec_filter in spec.filters:
        statement = statement.where(condition(root, spec_filter))
    for order in ordering(spec, root):
        attribute = column_attribute(root, order.column)
        statement = statement.order_by(attribute.desc() if order.descending else attribute)
    if spec.limit is not None:
        statement = statement.limit(spec.limit)
    if spec.offset:
        statement = statement.offset(spec.offset)
    if isinstance(root, Table):
        return statement
    options = LoaderTree.from_spec(spec, root).options()
    return statement.options(*options) if options else statement


def count_select(spec: QuerySpec, root: Root) -> Select[Any]:
    """How many root rows the spec's filters match, before its limit and offset: the 275 of "100 of 275"."""
    statement = select(func.count()).select_from(root)
    for spec_filter in spec.filters:
        statement = statement.where(condition(root, spec_filter))
    return statement


def _literal(value: Any) -> str:
    """Source for a filter value; a date's repr is already ``datetime.date(...)``, so ``import datetime`` is all it needs."""
    if isinstance(value, decimal.Decimal):
        return f"Decimal({str(value)!r})"
    if isinstance(value, uuid.UUID):
        return f"uuid.UUID({str(value)!r})"
    return repr(value)


def _condition_source(spec: QuerySpec, root: Root, index: int, dialect: Dialect | None) -> tuple[str, set[str]]:
    """One filter's condition as source, and the names it takes from ``sqlalchemy``.

    What ``condition`` binds, written for the database it runs on: a JSON
    value is cast to the column's type, except on MariaDB, which keeps JSON
    as text, has no ``CAST(... AS JSON)``, and compares JSON with
    ``JSON_EQUALS`` (``json_filter``); a date and time compares
    ``julianday()`` of both sides on SQLite (``sqlite_time``); a binary
    value is bound as text on MariaDB (``spec.BinaryValue``).
    """
    spec_filter = spec.filters[index]
    attribute = column_attribute(root, spec_filter.column)
    column = attribute_source(root, attribute.key)
    op = spec_filter.op
    if op == "is_null":
        return f"{column}.is_(None)", set()
    if op == "not_null":
        return f"{column}.is_not(None)", set()
    values = filter_values(attribute, spec_filter)
    converted = [_literal(value) for value in values]
    equality = json_equality(attribute, spec_filter, values)
    if equality is not None and compares_with_json_equals(dialect):
        return _json_equals_source(column, converted, negate=equality.negate)
    names = set()
    if compares_instants_of(attribute, op, values):  # as ``sqlite_time`` compiles it
        if compares_instants(dialect):
            column, converted, names = f"func.julianday({column})", [f"func.julianday({t})" for t in converted], {"func"}
        elif any(isinstance(value, str) for value in values):  # a TIME given as text
            converted = [
                _cast_source(text, column) if isinstance(value, str) else text
                for value, text in zip(values, converted, strict=True)
            ]
            names = {"cast", "literal"}
    elif read_by_database(attribute, values[0]) and not (is_json(attribute.type) and json_is_text(dialect)):
        converted = [_cast_source(text, column) for text in converted]
        names = {"cast", "literal"}
    elif read_as_the_column(attribute, values[0]):  # as ``spec._bound`` binds it
        converted = [
            f"literal({text}, {column}.type)" if isinstance(value, str) else text
            for value, text in zip(values, converted, strict=True)
        ]
        names = {"literal"}
    elif isinstance(values[0], bytes) and binds_bytes_as_text(dialect):  # as ``spec.BinaryValue`` binds it there
        converted = [
            f"literal({value.decode()!r})" if isinstance(value, bytes) else text
            for value, text in zip(values, converted, strict=True)
        ]
        names = {"literal"}
    if op == "between":
        return f"{column}.between({', '.join(converted)})", names
    if op in ("in", "not_in"):
        return f"{column}.{'in_' if op == 'in' else 'not_in'}([{', '.join(converted)}])", names
    if op in ("like", "ilike"):
        return f"{column}.{op}({converted[0]})", names
    symbol = "==" if op == "=" else op
    return f"{column} {symbol} {converted[0]}", names


def _cast_source(text: str, column: str) -> str:
    """A value's source read by the database as ``column``'s type, as ``spec._bound`` binds it."""
    return f"cast(literal({text}), {column}.type)"


def _json_equals_source(column: str, values: list[str], *, negate: bool) -> tuple[str, set[str]]:
    """MariaDB's JSON comparison as ``json_filter`` compiles it, ``= 1`` spelled out as there."""
    if len(values) == 1:
        return f"func.json_equals({column}, {values[0]}) {'!=' if negate else '=='} 1", {"func"}
    either = f"or_({', '.join(f'func.json_equals({column}, {value}) == 1' for value in values)})"
    return f"~{either}" if negate else either, {"func", "or_"}


@dataclass(frozen=True)
class StatementSource:
    """The Python of a spec's ``select()``: the imports it needs and the expression itself."""

    imports: list[str]
    """Import lines, e.g. ``from sqlalchemy import select``, in the order they are printed."""
    expression: str
    """``select(User)`` or a parenthesised chain of ``.where``/``.order_by``/``.options`` lines."""


def statement_source(spec: QuerySpec, root: Root, dialect: Dialect | None = None) -> StatementSource:
    """SQLAlchemy 2.0 code equivalent to ``build_select(spec, root)``, as imports and an expression.

    A ``Table`` is named as the models export writes one (``t_log``), its columns ``t_log.c.msg``.
    ``dialect`` is the connected database's, where the statement compiles
    differently there (a JSON filter on MariaDB); without one the code is
    the portable form.
    """
    build_select(spec, root)  # validates the spec with the same rules as running it
    tree = None if isinstance(root, Table) else LoaderTree.from_spec(spec, root)
    options = tree.source() if tree is not None else []
    lines = [f"select({root_source(root)})"]
    names = {"select"}
    for index in range(len(spec.filters)):
        condition_source, taken = _condition_source(spec, root, index, dialect)
        lines.append(f".where({condition_source})")
        names |= taken
    for order in ordering(spec, root):
        key = column_attribute(root, order.column).key
        lines.append(f".order_by({attribute_source(root, key)}{'.desc()' if order.descending else ''})")
    if spec.limit is not None:
        lines.append(f".limit({spec.limit})")
    if spec.offset:
        lines.append(f".offset({spec.offset})")
    if options:
        lines.append(f".options({', '.join(options)})")
    imports = [f"from sqlalchemy import {', '.join(sorted(names))}"]
    if tree is not None and tree.loader_names:
        imports.append(f"from sqlalchemy.orm import {', '.join(sorted(tree.loader_names))}")
    source = "\n".join(lines)
    if "datetime." in source:
        imports.insert(0, "import datetime")
    if "Decimal(" in source:
        imports.insert(0, "from decimal import Decimal")
    if "uuid.UUID(" in source:
        imports.insert(0, "import uuid")
    body = lines[0] if len(lines) == 1 else "(\n    " + "\n    ".join(lines) + "\n)"
    return StatementSource(imports, body)


def python_source(spec: QuerySpec, root: Root, dialect: Dialect | None = None) -> str:
    """SQLAlchemy 2.0 code equivalent to ``build_select(spec, root)``, ready to paste (``statement_source``)."""
    source = statement_source(spec, root, dialect)
    return "\n".join(source.imports) + f"\n\nstmt = {source.expression}\n"
