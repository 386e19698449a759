"""How a query's rows are ordered, and what goes wrong when a LIMIT has no unique order.

A database may return any rows for a LIMIT without an ORDER BY, and other rows
to the next statement that repeats the query. So a limited query is ordered
by the root's primary key unless the user orders it or turns that off, and a
subqueryload over a limit without a unique order gets a warning: its extra
statement repeats the query and may load the children of rows the main query
never returned (SQLAlchemy's "The Importance of Ordering").
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column, ColumnElement, Table, UniqueConstraint, inspect
from sqlalchemy.orm import Mapper
from sqlalchemy.sql.selectable import FromClause

from sqla_tui.core.query.root import Root
from sqla_tui.core.query.spec import ColumnAttribute, Order, QuerySpec, column_attribute


def ordering(spec: QuerySpec, root: Root) -> list[Order]:
    """The statement's ORDER BY: the spec's own, or for a LIMIT/OFFSET without one the root's primary key.

    ``default_order=False`` leaves a limited query unordered, as the user asked;
    so is one over a relation without a key (a view): it has nothing unique to order by.
    """
    if spec.order_by or not spec.default_order or (spec.limit is None and not spec.offset):
        return list(spec.order_by)
    return primary_key_order(root)


def primary_key_order(root: Root) -> list[Order]:
    """Every primary key column of the root, in the key's order, ascending; none for a relation without a key."""
    if isinstance(root, Table):
        return [Order(column.key) for column in root.primary_key.columns]
    mapper: Mapper[Any] = inspect(root)
    return [Order(mapper.get_property_by_column(column).key) for column in mapper.primary_key]


def limit_is_ambiguous(spec: QuerySpec, root: Root) -> bool:
    """Whether a LIMIT/OFFSET may return other rows to each statement: no ORDER BY on unique columns.

    Unique means every column of the primary key, or of a unique constraint
    or index whose columns are all NOT NULL (NULLs may repeat).
    """
    if spec.limit is None and not spec.offset:
        return False
    ordered = {_column(column_attribute(root, order.column)) for order in ordering(spec, root)}
    table: FromClause
    primary: set[ColumnElement[Any]]
    if isinstance(root, Table):
        table, primary = root, set(root.primary_key.columns)
    else:
        mapper: Mapper[Any] = inspect(root)
        table, primary = mapper.local_table, set(mapper.primary_key)
    if primary and primary <= ordered:
        return False
    if not isinstance(table, Table):
        return True  # mapped to a join or a select: no unique key to prove the order total
    unique = [set(constraint.columns) for constraint in table.constraints if isinstance(constraint, UniqueConstraint)]
    unique += [set(index.columns) for index in table.indexes if index.unique]
    return not any(key and key <= ordered and not any(column.nullable for column in key) for key in unique)


def _column(attribute: ColumnAttribute) -> ColumnElement[Any]:
    """The column an attribute maps (a ``Table``'s column is itself)."""
    return attribute if isinstance(attribute, Column) else attribute.property.columns[0]


def subquery_limit_warning(spec: QuerySpec) -> str:
    """Why subqueryload under an ambiguous LIMIT/OFFSET may load the wrong rows, and what to do."""
    return (
        f"subqueryload with a LIMIT/OFFSET needs an ORDER BY on unique columns such as the primary key: its "
        f"extra statement repeats the query, and without such an order the database may pick other {spec.root} rows "
        "there and load the children of rows the main query did not return (SQLAlchemy's docs: \"The Importance "
        'of Ordering"). Order by the primary key (the default when no order is given) or use selectinload.'
    )
