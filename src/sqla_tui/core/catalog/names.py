"""What a schema's name listing is: one query per dialect, and the TableName each row becomes.

SQLAlchemy-free, so the same queries serve ``list_names`` (through the engine)
and ``core.catalog.raw_names`` (through the raw driver, while SQLAlchemy's
~0.3 s of imports are still loading at start-up).
"""

from __future__ import annotations

import re
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
        "SELECT name, type, CASE WHEN sql LIKE 'CREATE VIRTUAL TABLE%' THEN sql END "
        'FROM "{schema}".sqlite_master '
        "WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
    ),
}
"""Per dialect, (name, kind[, partitioned parent]) of one schema, its system tables left out; SQLite's rows are
(name, type, a virtual table's CREATE statement), which ``sqlite_kinds`` makes (name, kind): only a virtual
table's text is read, not the CREATE TABLE of each of 2,000 tables.

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
    kind: str
    """``table``, ``view``; PostgreSQL's ``materialized view`` and ``foreign table``; SQLite's ``virtual table`` and
    ``shadow table`` (``sqlite_kinds``)."""
    partition_of: str | None = None
    """The partitioned table this one is a partition of (PostgreSQL), shown under it."""

    @property
    def is_view(self) -> bool:
        return self.kind in VIEW_KINDS


_VIRTUAL_USING = re.compile(r"\bUSING\s+(\w+)", re.I)
_SHADOWS = {
    "fts5": re.compile(r"data|idx|content|docsize|config"),
    "fts4": re.compile(r"content|segments|segdir|docsize|stat"),
    "rtree": re.compile(r"node|parent|rowid"),
    "vec0": re.compile(r"chunks|rowids|info|auxiliary|(vector_chunks|metadatachunks|metadatatext)\d+"),
}
"""The tables each module keeps beside a virtual table, by the suffix of their names (``docs_data`` is ``docs``'s):
FTS3/4/5 and R*Tree, built into the SQLite Python ships, and sqlite-vec, the commonest loadable one. By name
rather than by ``pragma_table_list``'s ``shadow`` type, which SQLite before 3.37 lacks and which cannot know a
shadow table of a module it has not loaded."""
_SHADOWS |= {"fts3": _SHADOWS["fts4"], "rtree_i32": _SHADOWS["rtree"], "geopoly": _SHADOWS["rtree"]}


def sqlite_modules(rows: Iterable[Sequence[str | None]]) -> dict[str, str]:
    """Virtual tables by name, each with its module (``fts5``), from sqlite_master's (name, type, sql) rows."""
    modules = {}
    for name, _, sql in rows:
        if name and (sql or "").upper().startswith("CREATE VIRTUAL TABLE"):
            matched = _VIRTUAL_USING.search(sql or "")
            modules[name] = matched[1].lower() if matched else "virtual"
    return modules


def shadow_owner(name: str, modules: dict[str, str]) -> str | None:
    """The virtual table ``name`` is a shadow table of (its module keeps it), or None."""
    for owner, module in modules.items():
        suffixes = _SHADOWS.get(module)
        if suffixes is not None and name.startswith(f"{owner}_") and suffixes.fullmatch(name[len(owner) + 1 :]):
            return owner
    return None


def sqlite_kinds(rows: Sequence[Sequence[str | None]]) -> list[tuple[str | None, str]]:
    """sqlite_master's (name, type, sql) rows as (name, kind): a virtual table (FTS5, R*Tree, a loadable module's)
    is a ``virtual table``, a table its module keeps a ``shadow table``, as ``pragma_table_list`` says them."""
    modules = sqlite_modules(rows)
    return [
        (
            name,
            "virtual table"
            if name in modules
            else "shadow table"
            if kind == "table" and name is not None and shadow_owner(name, modules) is not None
            else str(kind),
        )
        for name, kind, _ in rows
    ]


def by_name(rows: Iterable[Sequence[str | None]], schema: str) -> list[TableName]:
    """(name, kind[, partition_of]) rows as TableNames in name order, the order every list and tree shows."""
    return sorted((TableName(schema, *row) for row in rows), key=lambda table: table.name)  # type: ignore[arg-type]  # each row is (name, kind), as the query selects
