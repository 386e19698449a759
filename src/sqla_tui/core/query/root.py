"""What a query is rooted at: a mapped class, or the Core ``Table`` of a relation the ORM cannot map.

Views, materialized views, partitions and tables without a primary key have
no ORM class, yet their rows are worth reading: a query over one selects
from its reflected ``Table``. Filters, order, limit and EXPLAIN work the same
on both; what needs relationships or an identity map (loaders, touching,
fan-out, scripts) is refused for a ``Table`` with one line saying why.
"""

from __future__ import annotations

import keyword
from collections.abc import Sequence
from typing import Any, TypeAlias

from sqlalchemy import Column, Table, inspect
from sqlalchemy.orm import ColumnProperty
from sqlalchemy.sql.base import ColumnCollection
from typing_extensions import TypeIs

from sqla_tui.core.catalog.mapping import UNMAPPED
from sqla_tui.core.catalog.naming import table_variable
from sqla_tui.core.errors import UserError

Root: TypeAlias = type | Table
"""A mapped class, or the ``Table`` of a relation without one."""


def is_table(root: Root) -> TypeIs[Table]:
    """Whether ``root`` is the ``Table`` of a relation without a class: what a screen asks without importing SQLAlchemy."""
    return isinstance(root, Table)


def root_name(root: Root) -> str:
    """How an error names the root: the class name, or the table's own name."""
    return root.name if isinstance(root, Table) else root.__name__


def root_source(root: Root) -> str:
    """The root in generated Python: ``User``, or ``t_log`` as the models export names a table without a class."""
    return table_variable(root.name) if isinstance(root, Table) else root.__name__


def attribute_source(root: Root, key: str) -> str:
    """``User.name`` / ``t_log.c.msg``, or ``getattr(User, 'user name')`` / ``t_log.c['user name']`` when the
    key is not a Python name (or, for a table, names a method of its column collection, like ``keys``)."""
    plain = key.isidentifier() and not keyword.iskeyword(key)
    if isinstance(root, Table):
        variable = table_variable(root.name)
        return f"{variable}.c.{key}" if plain and not hasattr(ColumnCollection, key) else f"{variable}.c[{key!r}]"
    return f"{root.__name__}.{key}" if plain else f"getattr({root.__name__}, {key!r})"


def column_keys(root: Root) -> list[str]:
    """The root's columns in table order (a class: its column attributes in mapping order)."""
    if isinstance(root, Table):
        return [column.key for column in root.columns]
    keys: list[str] = list(inspect(root).column_attrs.keys())
    return keys


def column_names(root: Root) -> list[str]:
    """The database's name of each of ``column_keys(root)``: a renamed column's own (``user id`` for ``user_id``,
    ``from`` for ``from_``); an attribute that is no one column of a table (a SQL expression) keeps its key."""
    if isinstance(root, Table):
        return [column.name for column in root.columns]
    names: list[str] = []
    attributes: list[ColumnProperty[Any]] = list(inspect(root).column_attrs)
    for attribute in attributes:
        columns = attribute.columns
        column = columns[0] if len(columns) == 1 else None
        names.append(column.name if isinstance(column, Column) else attribute.key)
    return names


def mapped_class(root: Root, refusal: str) -> type:
    """The root's class; for a ``Table``, a UserError: what it is, that it has no class, then ``refusal``.

    ``refusal`` says what cannot be done and what to do instead, e.g. "so no
    relationships to load: drop --load".
    """
    if isinstance(root, Table):
        raise UserError(f"{without_class(root)}, {refusal} (its rows are read with Core select())")
    return root


def without_class(table: Table) -> str:
    """``view 'v' has no ORM class``, with the reason when it is not the kind: ``(no primary key)``."""
    kind, reason = table.info.get(UNMAPPED, ("table", "table"))  # a Table built elsewhere: no reason known
    because = "" if reason == kind else f" ({reason})"
    return f"{kind} {table.name!r} has no ORM class{because}"


def refuse_loading(root: Root, loads: Sequence[object], column_options: Sequence[object]) -> None:
    """Refuse loader paths and column options on a root without a class, naming what to drop."""
    if loads:
        mapped_class(root, "so no relationships to load: drop --load")
    if column_options:
        mapped_class(root, "so no columns to defer or load_only: remove column_options from the spec")
