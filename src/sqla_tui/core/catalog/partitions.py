"""Partitioned tables: how each is partitioned, which tables are its partitions, and what that changes.

A PostgreSQL partition is a table of its own, listed beside its parent, with
copies of the parent's foreign keys, and a foreign key *to* a partitioned
table is copied onto each of its partitions too. Read flat, one declared
link became one relationship per partition, and the parent, which
autovacuum never analyses, showed no row estimate. Here the parent knows
its partitions, its estimate is the sum of its leaves', and a copied
foreign key to a partition is dropped where the declared one to its
ancestor is there. MariaDB/MySQL partitions are not tables: the table
just says how it is partitioned.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol, TypeVar

from sqlalchemy import text
from sqlalchemy.engine import Connection

_PARTITIONING_SQL = {
    "postgresql": (
        "SELECT c.relname, CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END, "
        "CASE WHEN c.relispartition THEN pg_get_expr(c.relpartbound, c.oid) END "
        "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = :schema AND (c.relkind = 'p' OR c.relispartition)"
    ),
    "mysql": (
        "SELECT table_name, CONCAT(MAX(partition_method), ' (', MAX(COALESCE(partition_expression, '')), '), ', "
        "COUNT(*), ' partitions: ', GROUP_CONCAT(partition_name ORDER BY partition_ordinal_position SEPARATOR ', ')), "
        "NULL FROM information_schema.partitions "
        "WHERE table_schema = :schema AND partition_name IS NOT NULL GROUP BY table_name"
    ),
}
_PARTITIONING_SQL["mariadb"] = _PARTITIONING_SQL["mysql"]


@dataclass(frozen=True)
class Partitioning:
    """How the tables of one schema are partitioned, by table name."""

    partitioned_by: dict[str, str]
    """Partitioned table -> its key as the database states it: ``RANGE (created)``."""
    bounds: dict[str, str]
    """Partition -> its bound: ``FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')``."""
    parents: dict[str, str]
    """Partition -> the partitioned table it belongs to."""

    def ancestors(self, name: str) -> list[str]:
        """The partitioned tables above ``name``, nearest first."""
        found = []
        while name in self.parents and self.parents[name] not in found:
            name = self.parents[name]
            found.append(name)
        return found


def read_partitioning(conn: Connection, schema: str, parents: dict[str, str]) -> Partitioning:
    """One query for a schema's partitioned tables and partitions; ``parents`` as the name listing found them."""
    sql = _PARTITIONING_SQL.get(conn.dialect.name)
    if sql is None:
        return Partitioning({}, {}, parents)
    rows = conn.execute(text(sql), {"schema": schema}).all()
    return Partitioning(
        partitioned_by={name: key for name, key, _ in rows if key},
        bounds={name: bound for name, _, bound in rows if bound},
        parents=parents,
    )


def with_leaf_sums(estimates: dict[str, int | None], partitioning: Partitioning) -> dict[str, int | None]:
    """Row estimates where a partitioned table's is the sum of its leaf partitions' (its own when none has one)."""
    sums: dict[str, int] = {}
    for leaf, parent in partitioning.parents.items():
        rows = estimates.get(leaf)
        if leaf in partitioning.partitioned_by or rows is None:
            continue
        for ancestor in [parent, *partitioning.ancestors(parent)]:
            sums[ancestor] = sums.get(ancestor, 0) + rows
    return {**estimates, **sums}


class _Link(Protocol):
    @property
    def columns(self) -> tuple[str, ...]: ...
    @property
    def target_table(self) -> str: ...


_LinkT = TypeVar("_LinkT", bound=_Link)


def declared_links(foreign_keys: Iterable[_LinkT], partitioning: Partitioning) -> list[_LinkT]:
    """A table's foreign keys without the copies PostgreSQL makes onto a partitioned target's partitions."""
    keys = list(foreign_keys)
    return [
        fk
        for fk in keys
        if not any(
            other.columns == fk.columns and other.target_table in partitioning.ancestors(fk.target_table)
            for other in keys
        )
    ]
