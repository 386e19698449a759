"""A QuerySpec as a real ``select()`` and as the Python a user can paste, from one walk.

Both come from the same spec and the same ``LoaderTree``, so the code shown
is the code that ran.
"""

from __future__ import annotations

import decimal
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, Table, func, select

from sqla_tui.core.query.loader_tree import LoaderTree
from sqla_tui.core.query.ordering import ordering
from sqla_tui.core.query.root import Root, attribute_source, refuse_loading, root_source
from sqla_tui.core.query.spec import (
    QuerySpec,
    check_limit,
    column_attribute,
    condition,
    filter_values,
    read_by_database,
)


def build_select(spec: QuerySpec, root: Root) -> Select[Any]:
    """The ``Select`` the spec describes: ORM with loader options over a class, Core over a ``Table``."""
    check_limit(spec)
    refuse_loading(root, spec.loads, spec.column_options)
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
    return repr(value)


def _condition_source(spec: QuerySpec, root: Root, index: int) -> str:
    spec_filter = spec.filters[index]
    attribute = column_attribute(root, spec_filter.column)
    column = attribute_source(root, attribute.key)
    op = spec_filter.op
    if op == "is_null":
        return f"{column}.is_(None)"
    if op == "not_null":
        return f"{column}.is_not(None)"
    values = filter_values(attribute, spec_filter)
    converted = [_literal(value) for value in values]
    if read_by_database(attribute, values[0]):
        converted = [f"cast(literal({text}), {column}.type)" for text in converted]
    if op == "between":
        return f"{column}.between({', '.join(converted)})"
    if op in ("in", "not_in"):
        return f"{column}.{'in_' if op == 'in' else 'not_in'}([{', '.join(converted)}])"
    if op in ("like", "ilike"):
        return f"{column}.{op}({converted[0]})"
    symbol = "==" if op == "=" else op
    return f"{column} {symbol} {converted[0]}"


@dataclass(frozen=True)
class StatementSource:
    """The Python of a spec's ``select()``: the imports it needs and the expression itself."""

    imports: list[str]
    """Import lines, e.g. ``from sqlalchemy import select``, in the order they are printed."""
    expression: str
    """``select(User)`` or a parenthesised chain of ``.where``/``.order_by``/``.options`` lines."""


def statement_source(spec: QuerySpec, root: Root) -> StatementSource:
    """SQLAlchemy 2.0 code equivalent to ``build_select(spec, root)``, as imports and an expression.

    A ``Table`` is named as the models export writes one (``t_log``), its columns ``t_log.c.msg``.
    """
    build_select(spec, root)  # validates the spec with the same rules as running it
    tree = None if isinstance(root, Table) else LoaderTree.from_spec(spec, root)
    options = tree.source() if tree is not None else []
    lines = [f"select({root_source(root)})"]
    lines += [f".where({_condition_source(spec, root, index)})" for index in range(len(spec.filters))]
    for order in ordering(spec, root):
        key = column_attribute(root, order.column).key
        lines.append(f".order_by({attribute_source(root, key)}{'.desc()' if order.descending else ''})")
    if spec.limit is not None:
        lines.append(f".limit({spec.limit})")
    if spec.offset:
        lines.append(f".offset({spec.offset})")
    if options:
        lines.append(f".options({', '.join(options)})")
    imports = [
        "from sqlalchemy import cast, literal, select"
        if "cast(literal(" in "\n".join(lines)
        else "from sqlalchemy import select"
    ]
    if tree is not None and tree.loader_names:
        imports.append(f"from sqlalchemy.orm import {', '.join(sorted(tree.loader_names))}")
    source = "\n".join(lines)
    if "datetime." in source:
        imports.insert(0, "import datetime")
    if "Decimal(" in source:
        imports.insert(0, "from decimal import Decimal")
    body = lines[0] if len(lines) == 1 else "(\n    " + "\n    ".join(lines) + "\n)"
    return StatementSource(imports, body)


def python_source(spec: QuerySpec, root: Root) -> str:
    """SQLAlchemy 2.0 code equivalent to ``build_select(spec, root)``, ready to paste."""
    source = statement_source(spec, root)
    return "\n".join(source.imports) + f"\n\nstmt = {source.expression}\n"
