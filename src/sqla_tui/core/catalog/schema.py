"""Catalog reflection into plain dataclasses: names first, then everything in bulk.

A 2,000-table schema is normal in production, so the tree paints from one
catalog query (``list_names``) and the full catalog (``load_catalog``) comes
from one bulk query per kind of fact, never one query per table: on
PostgreSQL pg_catalog queries of our own (``pg_facts``: types exactly as
``format_type`` spells them, enums, domains and arrays included), on SQLite
pragma functions over a whole chunk (``sqlite_facts``), elsewhere the
Inspector's ``get_multi_*`` calls, with unknown column types shown by their
database name, so an exotic column shows instead of crashing the screen.
"""

from __future__ import annotations

import asyncio
import difflib
import re
import warnings
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from sqlalchemy import exc as sa_exc
from sqlalchemy import func, inspect, select, text
from sqlalchemy import table as table_clause
from sqlalchemy.engine import Connection, Dialect, Inspector
from sqlalchemy.engine.reflection import ObjectKind
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.types import NullType, TypeEngine

from sqla_tui.core.catalog.mariadb_defaults import server_defaults
from sqla_tui.core.catalog.mariadb_json import CheckRows, check_rows, json_checked, json_columns, mariadb_checks
from sqla_tui.core.catalog.names import NAMES_SQL, VIEW_KINDS, TableName, by_name, sqlite_kinds
from sqla_tui.core.catalog.partitions import Partitioning, declared_links, read_partitioning, with_leaf_sums
from sqla_tui.core.catalog.pg_facts import pg_described, pg_oids
from sqla_tui.core.catalog.reflected_names import as_named, named_facts
from sqla_tui.core.catalog.sqlite_facts import sqlite_described
from sqla_tui.core.catalog.sqlite_generated import generated_expressions
from sqla_tui.core.connect.failures import database_errors_explained
from sqla_tui.core.errors import UserError

CATALOG_CHUNK = 200
"""Tables reflected per step of ``load_catalog``: each step holds the event loop ~10-20 ms on 2 CPUs."""

CATALOG_CHUNK_BESIDE_A_UI = 100
"""The step when the loop also draws a screen: ~5-11 ms each, in about the same total time (2,000 tables,
1.65-2.03 s against 1.70-2.05 s for the schema screen's whole load)."""

NO_COLUMNS = "the database returned no columns for it (a view over a dropped or changed table?)"
"""Why a listed table or view is in ``Catalog.undescribed`` when the database raised nothing."""

SQLITE_COUNT_LIMIT = 50
"""SQLite has no row statistics; exact COUNT(*) is only run on schemas this small."""

_COUNTED_KINDS = frozenset({"table", "shadow table"})

_SYSTEM_SCHEMAS = {
    "postgresql": {"information_schema"},
    "mysql": {"information_schema", "mysql", "performance_schema", "sys"},
    "mariadb": {"information_schema", "mysql", "performance_schema", "sys"},
}

_ESTIMATE_SQL = {
    "postgresql": (
        "SELECT c.relname, c.reltuples FROM pg_catalog.pg_class c "
        "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = :schema AND c.relkind IN ('r', 'p', 'm')"
    ),
    "mysql": (
        "SELECT table_name, table_rows FROM information_schema.tables "
        "WHERE table_schema = :schema AND table_type <> 'VIEW'"
    ),
}
_ESTIMATE_SQL["mariadb"] = _ESTIMATE_SQL["mysql"]

_UNRECOGNIZED = re.compile(r"Did not recognize type '(?P<type>.+?)' of (?:column )?'?(?P<column>[^']+)'?")


@dataclass(frozen=True)
class ColumnInfo:
    """One column, its type as text in the database's own words."""

    name: str
    type: str
    nullable: bool
    default: str | None
    primary_key: bool
    comment: str | None = None
    generated: str | None = None  # the expression of a generated/computed column
    stored: bool | None = None
    """A generated column's values kept on disk (``STORED``) or computed when read (``VIRTUAL``); None otherwise,
    or when the database does not say."""


@dataclass(frozen=True)
class ForeignKeyInfo:
    """A foreign key: local columns to the target's columns, with its actions."""

    name: str | None
    columns: tuple[str, ...]
    target_schema: str
    target_table: str
    target_columns: tuple[str, ...]
    ondelete: str | None = None
    onupdate: str | None = None
    deferrable: bool | None = None
    """Whether it may be checked at commit (PostgreSQL, SQLite); None where the database did not say."""
    initially: str | None = None
    """``DEFERRED`` or ``IMMEDIATE`` as declared, for a deferrable key."""
    match: str | None = None
    """``FULL`` or ``PARTIAL`` (PostgreSQL); None for the default, SIMPLE."""


@dataclass(frozen=True)
class UniqueInfo:
    """A unique constraint."""

    name: str | None
    columns: tuple[str, ...]
    nulls_not_distinct: bool = False
    """PostgreSQL 15's ``UNIQUE NULLS NOT DISTINCT``: two rows of NULLs collide, where a plain UNIQUE allows them."""


@dataclass(frozen=True)
class IndexInfo:
    """An index; expression indexes show their expression in place of a column name."""

    name: str | None
    columns: tuple[str, ...]
    unique: bool
    where: str | None = None
    """A partial index's predicate, as the database spells it (PostgreSQL, SQLite); a partial unique index allows
    what a whole one would refuse, so it is never shown or written without it."""
    lengths: tuple[tuple[str, int], ...] = ()
    """MariaDB's and MySQL's prefix lengths, by column (``KEY (d(10))``): a TEXT column is indexed by a prefix only,
    and a unique key on a prefix is unique on that prefix."""
    method: str | None = None
    """PostgreSQL's access method where it is not btree: ``gin``, ``gist``, ``hash``, ``brin``..."""
    include: tuple[str, ...] = ()
    """PostgreSQL's INCLUDE columns: stored in the index, not its keys."""
    ops: tuple[tuple[str, str], ...] = ()
    """PostgreSQL's operator classes, by key column, where not its type's default (``text_pattern_ops``)."""
    nulls_not_distinct: bool = False
    """A unique index's ``NULLS NOT DISTINCT`` (``UniqueInfo``'s)."""
    sorting: tuple[tuple[str, str], ...] = ()
    """Keys not in ascending order with NULLs last, and how: ``("created_at", "DESC NULLS LAST")`` (PostgreSQL,
    SQLite)."""
    kind: str | None = None
    """MariaDB's and MySQL's ``FULLTEXT`` or ``SPATIAL`` index: what serves ``MATCH ... AGAINST`` or a geometry's
    search, and what a TEXT column may have without a prefix length."""


@dataclass(frozen=True)
class CheckInfo:
    """A CHECK constraint: what every row must satisfy, which a model written without it would let in."""

    name: str | None
    """As the database names it (PostgreSQL and MariaDB name every check, SQLite only those declared with a name)."""
    sqltext: str
    """The expression as the database spells it back, not as it was written: ``x > 0``, ```x` > 0``."""


@dataclass(frozen=True)
class TableInfo:
    """Everything the schema screen and the mapper need to know about one table or view."""

    schema: str
    name: str
    kind: str  # as ``TableName.kind``
    columns: tuple[ColumnInfo, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKeyInfo, ...]
    unique_constraints: tuple[UniqueInfo, ...]
    indexes: tuple[IndexInfo, ...]
    row_estimate: int | None  # None when the database has no estimate yet
    comment: str | None = None
    row_count_exact: bool = False
    """``row_estimate`` is the table's exact count (a small SQLite schema's ``COUNT(*)``), not statistics."""
    partitioned_by: str | None = None
    """How a partitioned table is partitioned, as the database states it: ``RANGE (created)``."""
    partition_of: str | None = None
    """The partitioned table this table is a partition of (PostgreSQL)."""
    partition_bound: str | None = None
    """Which rows a partition holds: ``FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')``."""
    checks: tuple[CheckInfo, ...] = ()

    def column_names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)

    @property
    def is_view(self) -> bool:
        return self.kind in VIEW_KINDS

    def unique_column_sets(self) -> list[frozenset[str]]:
        """Column sets the database guarantees unique: PK, unique constraints, unique indexes."""
        sets = [frozenset(self.primary_key)] if self.primary_key else []
        sets += [frozenset(unique.columns) for unique in self.unique_constraints]
        sets += [frozenset(index.columns) for index in self.indexes if index.unique]
        return sets


@dataclass(frozen=True, eq=False)
class Catalog:
    """One schema's tables and views, plus the other schemas that can be browsed.

    A snapshot compared by identity, so what is derived from it (the
    relationship plan) can be cached per catalog without hashing 2,000 tables.
    """

    dialect: str
    default_schema: str
    schema: str
    schemas: tuple[str, ...]
    tables: tuple[TableInfo, ...]
    undescribed: dict[str, str] = field(default_factory=dict)
    """Listed names the database could not describe, and why: typically a view over a dropped table."""

    def partitions(self, name: str) -> list[TableInfo]:
        """The tables that are partitions of ``name``, in name order."""
        return self._partitions_by_parent.get(name, [])

    @cached_property
    def _partitions_by_parent(self) -> dict[str, list[TableInfo]]:
        """Every parent's partitions, found in one pass: asked per table, a scan each would be quadratic."""
        found: dict[str, list[TableInfo]] = defaultdict(list)
        for table in self.tables:
            if table.partition_of is not None:
                found[table.partition_of].append(table)
        return dict(found)

    def table(self, name: str) -> TableInfo:
        """The table or view called ``name``, or a UserError saying why it is not described or naming close matches."""
        for table in self.tables:
            if table.name == name:
                return table
        raise self.missing(name)

    def missing(self, name: str) -> UserError:
        """Why no described table is called ``name``: the database could not describe it (a view over a dropped
        table, say), or there is none, with close matches."""
        if name in self.undescribed:
            return UserError(f"{name} is listed but the database could not describe it: {self.undescribed[name]}")
        return unknown_name(f"table {name!r} in schema {self.schema!r}", name, [t.name for t in self.tables])

    @property
    def is_default_schema(self) -> bool:
        return self.schema == self.default_schema


def unknown_name(what: str, name: str, choices: Iterable[str]) -> UserError:
    """A one-line "no such X" error that suggests the closest valid names."""
    choices = sorted(choices)
    close = difflib.get_close_matches(name, choices, n=3)
    if close:
        hint = "did you mean " + ", ".join(close) + "?"
    elif choices:
        hint = "valid names: " + ", ".join(choices[:10]) + (", ..." if len(choices) > 10 else "")
    else:
        hint = "there are none"
    return UserError(f"no {what}; {hint}")


async def list_schemas(engine: AsyncEngine) -> list[str]:
    """The schemas (MySQL/MariaDB: databases) a person can browse, system ones left out."""
    with database_errors_explained(engine.url):
        async with engine.connect() as conn:
            return await conn.run_sync(lambda sync_conn: _schemas(inspect(sync_conn)))


async def list_names(engine: AsyncEngine, schema: str | None = None) -> list[TableName]:
    """Table and view names of one schema (default: the connection's), sorted; one query."""
    with database_errors_explained(engine.url):
        async with engine.connect() as conn:
            return await conn.run_sync(_names, schema)


_Described = tuple[list[TableInfo], dict[str, str]]
"""Tables described, and the names the database refused to describe with its one-line reason."""


async def load_catalog(
    engine: AsyncEngine,
    schema: str | None = None,
    *,
    on_tables: Callable[[list[TableInfo]], None] | None = None,
    chunk: int | None = None,
) -> Catalog:
    """Read one schema completely (default: the connection's): bulk queries, ``chunk`` (``CATALOG_CHUNK``) tables at a time.

    The sync part of reflection runs on the event loop (SQLAlchemy's
    greenlet), so a 2,000-table schema read in one go holds the loop for
    half a second; chunk by chunk keeps each stretch short enough for a TUI
    to keep drawing. About half of each chunk is the server's (PostgreSQL
    plans and runs six catalog queries per chunk), so when the pool can lend
    a second connection, two connections take turns: one waits on the server
    while the other's rows are turned into tables (benchmarks/large_schema.py).
    ``on_tables`` sees each chunk's tables as they arrive (the model export
    writes their columns while the server reads the next chunk).
    """
    with database_errors_explained(engine.url):
        return await _load_catalog(engine, schema, on_tables, chunk)


async def _load_catalog(
    engine: AsyncEngine, schema: str | None, on_tables: Callable[[list[TableInfo]], None] | None, chunk: int | None
) -> Catalog:
    async with engine.connect() as conn:
        head = await conn.run_sync(_catalog_head, schema)
        step = chunk or CATALOG_CHUNK
        chunks = [head.names[start : start + step] for start in range(0, len(head.names), step)]
        async with AsyncExitStack() as borrowed:
            connections = [conn]
            if len(chunks) > 1 and _can_lend_another(engine):
                connections.append(await borrowed.enter_async_context(engine.connect()))
            tables, refused = await _read_chunks(connections, head, chunks, on_tables)
        described = {table.name for table in tables}
        silent = [name for name in head.names if name.name not in described and name.name not in refused]
        if silent:
            refused |= await conn.run_sync(_reasons, head, silent[:_REASONS_ASKED])
    return Catalog(
        dialect=head.dialect,
        default_schema=head.default,
        schema=head.schema,
        schemas=head.schemas,
        tables=tuple(tables),
        undescribed={name.name: refused.get(name.name, NO_COLUMNS) for name in head.names if name.name not in described},
    )


_REASONS_ASKED = 20
"""Relations that came back without columns whose own error is asked for, one zero-row SELECT each."""


def _reasons(conn: Connection, head: _Head, names: list[TableName]) -> dict[str, str]:
    """The database's own words for each relation the reflection returned no columns for (MariaDB reads a view
    over a dropped table as one without columns): the error a zero-row SELECT of it raises."""
    from sqla_tui.core.observe.pool import error_text  # only when something could not be described

    quote = conn.dialect.identifier_preparer.quote
    found = {}
    for name in names:
        qualified = f"{quote(head.reflect_schema)}.{quote(name.name)}" if head.reflect_schema else quote(name.name)
        try:
            conn.exec_driver_sql(f"SELECT * FROM {qualified} WHERE 1 = 0").close()
        except sa_exc.DBAPIError as error:
            conn.rollback()  # PostgreSQL refuses every later query of an aborted transaction
            found[name.name] = error_text(error)
    return found


def _can_lend_another(engine: AsyncEngine) -> bool:
    """Whether a second connection comes without waiting: never StaticPool's one shared connection, nor a full queue's."""
    from sqla_tui.core.observe.pool import (
        pool_settings,  # ~8 ms of imports the start-up's name listing does without
    )

    settings = pool_settings(engine.pool)
    if settings.pool_class == "StaticPool":
        return False
    return settings.capacity is None or engine.pool.checkedout() < settings.capacity  # type: ignore[attr-defined]  # capacity is known only for a QueuePool


async def _read_chunks(
    connections: list[AsyncConnection],
    head: _Head,
    chunks: list[list[TableName]],
    on_tables: Callable[[list[TableInfo]], None] | None = None,
) -> _Described:
    """Every chunk's tables, in order, and why any were refused; each connection takes the next chunk when free."""
    read: list[_Described] = [([], {}) for _ in chunks]
    waiting = iter(range(len(chunks)))

    async def take_turns(conn: AsyncConnection) -> None:
        for index in waiting:
            read[index] = await conn.run_sync(_tables, head, chunks[index])
            if on_tables is not None:
                on_tables(read[index][0])

    await asyncio.gather(*(take_turns(conn) for conn in connections))
    tables = [table for described, _ in read for table in described]
    refused = {name: why for _, chunk_refused in read for name, why in chunk_refused.items()}
    return tables, refused


def _schemas(inspector: Inspector) -> list[str]:
    system = _SYSTEM_SCHEMAS.get(inspector.dialect.name, set())
    names = inspector.get_schema_names()
    return sorted(name for name in names if name not in system and not name.startswith("pg_"))


class NoDefaultSchema(UserError):
    """The connection has no default schema (a MySQL/MariaDB URL without a database): name one to read."""


def _resolve_schema(inspector: Inspector, schema: str | None) -> str:
    """The schema to read, refusing one that does not exist with close matches.

    A MySQL/MariaDB URL without a database has no default schema: asked for
    none, the answer names the databases to choose from (SQLite's ``main``
    would list nothing, as if the server were empty).
    """
    if inspector.default_schema_name is None and schema is None and inspector.dialect.name != "sqlite":
        listed = ", ".join(_schemas(inspector)) or "none"
        if inspector.dialect.name == "postgresql":  # its current_schema(): the first of search_path that exists
            raise NoDefaultSchema(
                "no schema in the connection's search_path exists (is it set in the URL's options, or for the role?): "
                f"pass --schema, or choose one of: {listed}"
            )
        raise NoDefaultSchema(f"the URL names no database: add one to the URL (…/NAME), or choose one of: {listed}")
    default = inspector.default_schema_name or "main"
    if schema is None or schema == default:
        return default
    schemas = inspector.get_schema_names()
    if schema not in schemas:
        raise unknown_name(f"schema {schema!r}", schema, _schemas(inspector))
    return schema


def _names(conn: Connection, schema: str | None) -> list[TableName]:
    inspector = inspect(conn)
    return _read_names(conn, inspector, _resolve_schema(inspector, schema))


def _read_names(conn: Connection, inspector: Inspector, schema: str) -> list[TableName]:
    sql = NAMES_SQL.get(conn.dialect.name)
    rows: Sequence[Sequence[str | None]]
    if sql is None:
        rows = [(name, "table") for name in inspector.get_table_names(schema)]
        rows += [(name, "view") for name in inspector.get_view_names(schema)]
    elif conn.dialect.name == "sqlite":
        # the driver's own text: text() would read ':x' in an attached schema's name as a parameter
        rows = sqlite_kinds(conn.exec_driver_sql(sql.format(schema=schema.replace('"', '""'))).all())
    else:
        rows = conn.execute(text(sql), {"schema": schema}).all()
    return by_name(rows, schema)


@dataclass(frozen=True)
class _Head:
    """What one catalog load learns before reading tables: where, which names, their row estimates."""

    dialect: str
    default: str
    schema: str
    reflect_schema: str | None  # None means "the default schema" to the Inspector and keeps its keys unqualified
    schemas: tuple[str, ...]
    names: list[TableName]
    estimates: dict[str, int | None]
    partitioning: Partitioning
    oids: dict[str, int]
    """PostgreSQL's oid of each table and view, by name; empty elsewhere."""


def _catalog_head(conn: Connection, schema: str | None) -> _Head:
    inspector = inspect(conn)
    resolved = _resolve_schema(inspector, schema)
    names = _read_names(conn, inspector, resolved)
    default = inspector.default_schema_name or "main"
    parents = {table.name: table.partition_of for table in names if table.partition_of is not None}
    partitioning = read_partitioning(conn, resolved, parents)
    # a virtual table is left uncounted: its module may not be loaded here, or may read a file or a network to count
    estimates = _row_estimates(conn, resolved, [t.name for t in names if t.kind in _COUNTED_KINDS])
    return _Head(
        dialect=conn.dialect.name,
        default=default,
        schema=resolved,
        reflect_schema=None if resolved == default else resolved,
        schemas=tuple(_schemas(inspector)),
        names=names,
        estimates=with_leaf_sums(estimates, partitioning),
        partitioning=partitioning,
        oids=pg_oids(conn, resolved) if conn.dialect.name == "postgresql" else {},
    )


def _tables(conn: Connection, head: _Head, names: list[TableName]) -> _Described:
    """Some tables of the schema, described; a chunk the database refuses is halved until each refusal is alone.

    One view over a dropped table makes SQLite's (and PostgreSQL's) bulk
    reflection of its whole chunk fail; the other tables are still worth
    showing, and halving finds the culprit in a few queries.
    """
    try:
        return _described(conn, head, names), {}
    except sa_exc.DBAPIError as error:
        conn.rollback()  # PostgreSQL refuses every later query of an aborted transaction
        if len(names) == 1:
            from sqla_tui.core.observe.pool import (
                error_text,  # only once something fails
            )

            why = error_text(error)
            if names[0].kind == "virtual table":  # "no such module: vec0": a loadable extension's, say
                why += " (a virtual table whose module this SQLite has not loaded; sqla-tui loads no extensions)"
            return [], {names[0].name: why}
        half = len(names) // 2
        first, first_refused = _tables(conn, head, names[:half])
        rest, rest_refused = _tables(conn, head, names[half:])
        return first + rest, {**first_refused, **rest_refused}


def _described(conn: Connection, head: _Head, names: list[TableName]) -> list[TableInfo]:
    """The full facts of some tables of the schema: one query per kind of fact, filtered to them.

    On PostgreSQL by their oids (``pg_facts``); on SQLite by pragma functions
    over the whole chunk (``sqlite_facts``), where the Inspector runs several
    statements per table; elsewhere by name, through an Inspector of this
    chunk's own: it runs its queries on ``conn``, which is one of several
    taking turns (``_read_chunks``).
    """
    if conn.dialect.name == "postgresql":
        oids = [head.oids[table.name] for table in names if table.name in head.oids]
        columns, bulk = pg_described(conn, oids)
        # a relation PostgreSQL lists is always described, and may have no columns: CREATE TABLE t ()
        return [_table(head, table, columns.get(table.name, []), bulk) for table in names if table.name in head.oids]
    if conn.dialect.name == "sqlite":
        columns, bulk = _sqlite_described(conn, head.schema, head.reflect_schema, [table.name for table in names])
    else:
        filter_names = [table.name for table in names]
        inspector = inspect(conn)
        checks = check_rows(conn, head.schema, filter_names)  # MariaDB's: its JSON columns' and the others
        columns = _columns(conn, inspector, head.schema, head.reflect_schema, filter_names, checks)
        bulk = _bulk(inspector, head.reflect_schema, filter_names)
        bulk["checks"] |= mariadb_checks(checks)  # those on a column too
    return [_table(head, table, columns[table.name], bulk) for table in names if table.name in columns]


def _sqlite_described(
    conn: Connection, schema: str, reflect_schema: str | None, names: list[str]
) -> tuple[dict[str, list[_RawColumn]], dict[str, dict[str, Any]]]:
    """``sqlite_facts.sqlite_described``, a column declared without a type named as the Inspector's NullType is."""
    columns, bulk = sqlite_described(conn, schema, reflect_schema, names)
    untyped = type_text(NullType(), conn.dialect)
    return {
        table: [
            (name, declared or untyped, nullable, default, comment, generated, stored)
            for name, declared, nullable, default, comment, generated, stored in listed
        ]
        for table, listed in columns.items()
    }, bulk


_RawColumn = tuple[str, str, bool, "str | None", "str | None", "str | None", "bool | None"]
"""(name, type text, nullable, default, comment, generated expression, stored) of one column."""


def _columns(
    conn: Connection,
    inspector: Inspector,
    schema: str,
    reflect_schema: str | None,
    names: list[str],
    checks: CheckRows | None = None,
) -> dict[str, list[_RawColumn]]:
    """Every column of the named tables by the Inspector's bulk call (PostgreSQL's: ``pg_facts.pg_described``);
    ``checks`` are MariaDB's ``check_rows`` of them, which say which LONGTEXT is JSON.

    SQLite's come from ``sqlite_facts`` instead; its branches here are the
    reference tests/test_sqlite_facts.py compares that with.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", sa_exc.SAWarning)
        reflected = inspector.get_multi_columns(schema=reflect_schema, filter_names=names, kind=ObjectKind.ANY)
    unknown = _unrecognized_types(caught)
    declared = _sqlite_declared_types(conn, schema, names) if conn.dialect.name == "sqlite" else {}
    longtext = [table for (_, table), columns in reflected.items() if any(_is_longtext(column) for column in columns)]
    json_typed = json_columns(conn, schema, checks, longtext)  # MariaDB's LONGTEXT that is JSON, by the database's names
    dropped = server_defaults(conn, schema, names)  # MariaDB's defaults, for those SQLAlchemy could not read
    computed = [table for (_, table), columns in reflected.items() if any(column.get("computed") for column in columns)]
    generated = _sqlite_generated(conn, schema, computed) if conn.dialect.name == "sqlite" and computed else {}
    return {
        table: [
            (
                (name := as_named(column["name"], conn.dialect)),
                "JSON"
                if (table, name) in json_typed
                else declared.get((table, column["name"]))
                or type_text(column["type"], conn.dialect, unknown.get(column["name"])),
                bool(column.get("nullable", True)),
                dropped.get((table, name)) if column.get("default") is None else str(column["default"]),
                column.get("comment"),
                *(generated.get((table, column["name"])) or _computed(column.get("computed"))),
            )
            for column in table_columns
        ]
        for (_, table), table_columns in reflected.items()
    }


def _is_longtext(column: Mapping[str, Any]) -> bool:
    """Whether a reflected column is MySQL's LONGTEXT, the type MariaDB keeps a JSON column as."""
    return getattr(column["type"], "__visit_name__", None) == "LONGTEXT"


def _computed(computed: Mapping[str, Any] | None) -> tuple[str | None, bool | None]:
    """A generated column's expression and whether it is stored, as the Inspector reflected them."""
    if computed is None:
        return None, None
    persisted = computed.get("persisted")
    return str(computed["sqltext"]), None if persisted is None else bool(persisted)


def _sqlite_generated(conn: Connection, schema: str, names: list[str]) -> dict[tuple[str, str], tuple[str, bool]]:
    """(table, column) -> a generated column's expression, read from the CREATE TABLE (``sqlite_generated``)."""
    marks = ", ".join("?" for _ in names)
    rows = conn.exec_driver_sql(
        f'SELECT name, sql FROM "{schema.replace(chr(34), chr(34) * 2)}".sqlite_master '
        f"WHERE type = 'table' AND name IN ({marks})",
        tuple(names),
    ).all()
    return {(table, column): sql for table, create in rows for column, sql in generated_expressions(create or "").items()}


def _sqlite_declared_types(conn: Connection, schema: str, names: list[str]) -> dict[tuple[str, str], str]:
    """(table, column) -> the type as the CREATE TABLE declared it, in one query.

    SQLAlchemy reads SQLite's declared type into the nearest type it knows,
    so ``VARCHAR(10,2)`` showed as VARCHAR, ``DATETIME(6)`` as DATETIME and
    ``FOO BAR`` as NUMERIC; SQLite keeps the words as written.
    """
    marks = ", ".join("?" for _ in names)
    rows = conn.exec_driver_sql(
        f'SELECT m.name, p.name, p.type FROM "{schema.replace(chr(34), chr(34) * 2)}".sqlite_master AS m, '
        f"pragma_table_xinfo(m.name, ?) AS p WHERE m.type IN ('table', 'view') AND m.name IN ({marks})",
        (schema, *names),
    ).all()
    return {(table, column): declared for table, column, declared in rows if declared}


def _bulk(inspector: Inspector, schema: str | None, names: list[str]) -> dict[str, dict[str, Any]]:
    """One bulk Inspector call per kind of constraint for the named tables, each keyed by table name.

    PostgreSQL's come from ``pg_facts.pg_described`` instead, SQLite's from
    ``sqlite_facts`` (tests/test_sqlite_facts.py compares it with this).
    """
    common = {"schema": schema, "filter_names": names, "kind": ObjectKind.ANY}
    calls: dict[str, Callable[..., Mapping[tuple[str | None, str], Any]]] = {
        "fks": inspector.get_multi_foreign_keys,
        "indexes": inspector.get_multi_indexes,
        "pk": inspector.get_multi_pk_constraint,
        "uniques": inspector.get_multi_unique_constraints,
        "checks": inspector.get_multi_check_constraints,
    }
    if inspector.dialect.supports_comments:
        calls["comments"] = inspector.get_multi_table_comment
    dialect = inspector.dialect
    bulk = {
        fact: {table: named_facts(value, dialect) for (_, table), value in call(**common).items()}
        for fact, call in calls.items()
    }
    bulk.setdefault("comments", {})
    return bulk


def _unrecognized_types(caught: list[warnings.WarningMessage]) -> dict[str, str]:
    """Column name -> the database's type name, for types SQLAlchemy reflected as NullType; any other warning of
    the reflection is warned again, so it reaches the user (MySQL's parse of a CREATE TABLE it could not read
    whole, "Unknown schema content: ... REFERENCES `my``tab`": a foreign key it left out)."""
    found = {}
    for warning in caught:
        match = _UNRECOGNIZED.search(str(warning.message))
        if match:
            found[match["column"]] = match["type"]
        else:
            warnings.warn(warning.message, stacklevel=1)
    return found


def _row_estimates(conn: Connection, schema: str, tables: list[str]) -> dict[str, int | None]:
    """Rows per table from the statistics, or an exact count on a small SQLite schema (SQLite keeps no statistics:
    every figure it has is a count)."""
    sql = _ESTIMATE_SQL.get(conn.dialect.name)
    if sql is not None:
        rows = conn.execute(text(sql), {"schema": schema}).all()
        return {name: (None if rows is None or rows < 0 else int(rows)) for name, rows in rows}
    if conn.dialect.name == "sqlite" and len(tables) < SQLITE_COUNT_LIMIT:
        # built, not spliced into text(): a ':x' in a table name would read as a bind parameter there
        return {
            name: conn.execute(select(func.count()).select_from(table_clause(name, schema=schema))).scalar_one()
            for name in tables
        }
    return {}


def type_text(type_: TypeEngine[Any], dialect: Dialect, unknown: str | None = None) -> str:
    """A column type as the database would spell it, never an exception."""
    if isinstance(type_, NullType):
        return unknown or "unknown"
    try:
        return type_.compile(dialect=dialect)
    except Exception:  # noqa: BLE001 - a dialect's type that cannot render here is named, not fatal
        return unknown or getattr(type_, "name", None) or type(type_).__name__.upper()


def _table(head: _Head, listed: TableName, raw_columns: list[_RawColumn], bulk: dict[str, dict[str, Any]]) -> TableInfo:
    schema, name, kind = head.schema, listed.name, listed.kind
    pk = tuple(bulk["pk"].get(name, {}).get("constrained_columns") or ())
    indexes = bulk["indexes"].get(name, [])
    prefixed = {index.get("name") for index in indexes if (index.get("dialect_options") or {}).get("mysql_length")}
    # a unique key on column prefixes is unique on the prefixes, not the values: an index, never a constraint
    uniques = [unique for unique in bulk["uniques"].get(name, []) if unique.get("name") not in prefixed]
    unique_names = {unique.get("name") for unique in uniques}
    estimate = head.estimates.get(name) if kind != "view" else None  # a materialized view has its rows
    return TableInfo(
        schema=schema,
        name=name,
        kind=kind,
        columns=tuple(
            ColumnInfo(column, type_, nullable, default, column in pk, comment, generated, stored)
            for column, type_, nullable, default, comment, generated, stored in raw_columns
        ),
        primary_key=pk,
        foreign_keys=tuple(
            declared_links((_foreign_key(fk, schema) for fk in bulk["fks"].get(name, [])), head.partitioning)
        ),
        unique_constraints=tuple(
            UniqueInfo(unique.get("name"), tuple(unique["column_names"]), _nulls_not_distinct(unique))
            for unique in uniques
        ),
        indexes=tuple(
            _index_info(index)
            for index in indexes
            # MySQL reports a unique constraint as an index too; show it once.
            if not index.get("duplicates_constraint") and not (index.get("unique") and index.get("name") in unique_names)
        ),
        row_estimate=estimate,
        row_count_exact=estimate is not None and head.dialect == "sqlite",  # SQLite's figures are all counts
        comment=(bulk["comments"].get(name) or {}).get("text"),
        partitioned_by=head.partitioning.partitioned_by.get(name),
        partition_of=listed.partition_of,
        partition_bound=head.partitioning.bounds.get(name),
        checks=_checks(bulk["checks"].get(name, []), {column for column, type_, *_ in raw_columns if type_ == "JSON"}),
    )


def _checks(reflected: list[dict], json_typed: set[str]) -> tuple[CheckInfo, ...]:
    """A table's checks as the catalog keeps them, the ``json_valid`` check of each of ``json_typed`` left out:
    MariaDB keeps one for every JSON column, which the column's type says, and a model's JSON column makes again."""
    return tuple(
        CheckInfo(check.get("name"), str(check["sqltext"]))
        for check in reflected
        if json_checked(str(check["sqltext"])) not in json_typed
    )


def _foreign_key(fk: dict, schema: str) -> ForeignKeyInfo:
    options = fk.get("options") or {}
    return ForeignKeyInfo(
        name=fk.get("name"),
        columns=tuple(fk["constrained_columns"]),
        target_schema=fk.get("referred_schema") or schema,
        target_table=fk["referred_table"],
        target_columns=tuple(fk["referred_columns"]),
        ondelete=options.get("ondelete"),
        onupdate=options.get("onupdate"),
        deferrable=options.get("deferrable"),
        initially=options.get("initially"),
        match=options.get("match"),
    )


def _index_info(index: dict) -> IndexInfo:
    """One reflected index as the catalog keeps it: the Inspector's shape, which ``pg_facts`` and ``sqlite_facts``
    give theirs too, its dialect options (a partial index's predicate, a ``text()`` on SQLite and a str on
    PostgreSQL; MariaDB's prefix lengths; PostgreSQL's access method, INCLUDE columns and operator classes) read once."""
    options = index.get("dialect_options") or {}
    where = options.get("postgresql_where")
    if where is None:
        where = options.get("sqlite_where")
    return IndexInfo(
        name=index.get("name"),
        columns=_index_columns(index),
        unique=bool(index.get("unique")),
        where=None if where is None else str(where),
        lengths=tuple(sorted((str(column), int(length)) for column, length in (options.get("mysql_length") or {}).items())),
        method=options.get("postgresql_using"),
        kind=options.get("mysql_prefix"),
        include=tuple(options.get("postgresql_include") or ()),
        ops=tuple(sorted((options.get("postgresql_ops") or {}).items())),
        nulls_not_distinct=_nulls_not_distinct(index),
        sorting=tuple(  # ("desc", "nulls_last") as SQL spells it: DESC NULLS LAST
            (str(key), " ".join(word.replace("_", " ").upper() for word in words))
            for key, words in (index.get("column_sorting") or {}).items()
        ),
    )


def _nulls_not_distinct(found: dict) -> bool:
    """Whether a reflected unique constraint or index has PostgreSQL's NULLS NOT DISTINCT."""
    return bool((found.get("dialect_options") or {}).get("postgresql_nulls_not_distinct"))


def _index_columns(index: dict) -> tuple[str, ...]:
    expressions = index.get("expressions") or []
    names = index.get("column_names") or []
    return tuple(
        name if name is not None else (expressions[i] if i < len(expressions) else "?") for i, name in enumerate(names)
    )
