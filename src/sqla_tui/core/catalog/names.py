"""What a schema's name listing is: one query per dialect, and the TableName each row becomes.

SQLAlchemy-free, so the same queries serve ``list_names`` (through the engine)
and ``core.catalog.raw_names`` (through the raw driver, while SQLAlchemy's
~0.3 s of imports are still loading at start-up).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

NAMES_SQL = {
    "postgresql": (
        "SELECT c.relname, CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' "
        "WHEN 'f' THEN 'foreign table' ELSE 'table' END, "
        "p.relname "
        "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
        "LEFT JOIN pg_catalog.pg_inherits i ON i.inhrelid = c.oid AND c.relispartition "
        "LEFT JOIN pg_catalog.pg_class p ON p.oid = i.inhparent "
        "WHERE n.nspname = :schema AND c.relkind IN ('r', 'p', 'f', 'v', 'm')"
    ),
    "mysql": (
        "SELECT table_name, CASE WHEN table_type = 'VIEW' THEN 'view' ELSE 'table' END "
        "FROM information_schema.tables "
        "WHERE table_schema = :schema AND table_type IN ('BASE TABLE', 'VIEW', 'SYSTEM VERSIONED')"
    ),
    "sqlite": (
        'SELECT name, type FROM "{schema}".sqlite_master '
        "WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
    ),
}
"""Per dialect, (name, kind[, partitioned parent]) of one schema, its system tables left out.

PostgreSQL and MySQL bind the schema as ``:schema``; SQLite formats it in as
``{schema}``, quoted by the caller (an attached schema's name is not a bind value).
"""
NAMES_SQL["mariadb"] = NAMES_SQL["mysql"]

VIEW_KINDS = frozenset({"view", "materialized view"})
"""The kinds that are views: PostgreSQL's materialized views are stored, but defined by a query all the same."""


@dataclass(frozen=True)
class TableName:
    """A table or view as the tree first paints it: no columns yet."""

    schema: str
    name: str
    kind: str  # "table" | "view" | "materialized view" | "foreign table" (both PostgreSQL's)
    partition_of: str | None = None
    """The partitioned table this one is a partition of (PostgreSQL), shown under it."""

    @property
    def is_view(self) -> bool:
        return self.kind in VIEW_KINDS


def by_name(rows: Iterable[Sequence[str | None]], schema: str) -> list[TableName]:
    """(name, kind[, partition_of]) rows as TableNames in name order, the order every list and tree shows."""
    return sorted((TableName(schema, *row) for row in rows), key=lambda table: table.name)  # type: ignore[arg-type]  # each row is (name, kind), as the query selects
