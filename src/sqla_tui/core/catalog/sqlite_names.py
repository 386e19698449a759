"""A SQLite file's table and view names through the standard library's sqlite3, no SQLAlchemy needed.

``list_names`` runs this same query through SQLAlchemy once connected. The
app also runs it straight on the demo's file while SQLAlchemy (~0.3 s of
imports, most of the start-up) loads, so the first screen lists the demo's
tables without waiting for the engine (benchmarks/startup.py). The file is
opened read-only: a missing one is never created, nothing is written.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

NAMES_SQL = (
    'SELECT name, type FROM "{schema}".sqlite_master '
    "WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
)
"""(name, 'table' | 'view') of one attached schema, SQLite's own tables left out; ``{schema}`` quoted by the caller."""


@dataclass(frozen=True)
class TableName:
    """A table or view as the tree first paints it: no columns yet."""

    schema: str
    name: str
    kind: str  # "table" | "view"
    partition_of: str | None = None
    """The partitioned table this one is a partition of (PostgreSQL), shown under it."""


def by_name(rows: Iterable[Sequence[str | None]], schema: str) -> list[TableName]:
    """(name, kind[, partition_of]) rows as TableNames in name order, the order every list and tree shows."""
    return sorted((TableName(schema, *row) for row in rows), key=lambda table: table.name)  # type: ignore[arg-type]


def read_names(path: Path) -> list[TableName]:
    """The main schema's tables and views of the file at ``path``; sqlite3.Error if it cannot be read."""
    with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as db:
        return by_name(db.execute(NAMES_SQL.format(schema="main")).fetchall(), "main")
