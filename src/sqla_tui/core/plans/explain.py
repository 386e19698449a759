"""Run the database's own EXPLAIN on a statement and return one PlanNode tree.

The statement's real bound parameters go to the driver next to the EXPLAIN
text, in the driver's paramstyle (what ``CapturedStatement.params`` holds),
so the plan is the one the database picks for those values and no value is
ever spliced into SQL. Every statement passes ``guard`` first: one
explainable statement; EXPLAIN ANALYZE runs it in a transaction that is
always rolled back (read-only unless the caller allows writes), and only
what a rollback undoes. SQLite has no EXPLAIN ANALYZE: there the statement is
run (and rolled back) to report its real row count and time on the root.
"""

from __future__ import annotations

import json
import re
import time
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import event, func, inspect, literal_column, select, text
from sqlalchemy import exc as sa_exc
from sqlalchemy import table as table_clause
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

from sqla_tui.core.catalog.reflected_names import as_named, named_facts
from sqla_tui.core.connect.cancel import stopped_on_cancel
from sqla_tui.core.connect.failures import driver_message
from sqla_tui.core.errors import UserError
from sqla_tui.core.plans import guard
from sqla_tui.core.plans.mysql import from_mysql_json, from_mysql_tree, parse_json
from sqla_tui.core.plans.node import PlanNode, mark_hottest, relations
from sqla_tui.core.plans.pg_params import typed_params
from sqla_tui.core.plans.postgresql import from_postgresql
from sqla_tui.core.plans.sqlite import from_sqlite
from sqla_tui.core.plans.warnings import (
    PlanWarning,
    TableFacts,
    Thresholds,
    WarningContext,
    plan_warnings,
)
from sqla_tui.core.sqltext import as_received

if TYPE_CHECKING:
    from sqlalchemy.sql import Select, TextClause

    from sqla_tui.core.query.root import Root
    from sqla_tui.core.query.spec import QuerySpec

_ANALYZE_COMMAND = {
    "postgresql": "ANALYZE {table}",
    "mariadb": "ANALYZE TABLE {table}",
    "mysql": "ANALYZE TABLE {table}",
    "sqlite": "ANALYZE {table}",
}
_ROW_ESTIMATE = {
    "postgresql": "SELECT reltuples FROM pg_catalog.pg_class WHERE oid = to_regclass(:name)",
    "mariadb": "SELECT table_rows FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = :name",
}
_ROW_ESTIMATE["mysql"] = _ROW_ESTIMATE["mariadb"]
_PARTITION_ROWS = (
    "SELECT partition_name, SUM(table_rows) FROM information_schema.partitions "
    "WHERE table_schema = DATABASE() AND table_name = :name AND partition_name IS NOT NULL GROUP BY partition_name"
)
_READ_ONLY = re.compile(r"read-only transaction|read only transaction|readonly database", re.IGNORECASE)


@dataclass
class ExplainResult:
    """One statement's plan: the normalised tree, its warnings, and the database's raw output."""

    dialect: str  # "postgresql" | "mariadb" | "mysql" | "sqlite"
    statement: str
    params: Any
    analyzed: bool
    plan: PlanNode
    warnings: list[PlanWarning]
    raw: Any


def flavour(dialect: Dialect) -> str:
    """The EXPLAIN dialect: MariaDB and MySQL share SQLAlchemy's dialect but not their EXPLAIN."""
    if dialect.name in ("mysql", "mariadb"):
        return "mariadb" if getattr(dialect, "is_mariadb", False) else "mysql"
    return dialect.name


def _refusal(error: BaseException, analyze: bool) -> UserError:
    message = driver_message(error)
    if _READ_ONLY.search(message):
        what = (
            "EXPLAIN ANALYZE of a write"
            if analyze
            else "this database will not even plan a write in a read-only transaction; EXPLAIN of it"
        )
        return UserError(
            f"{what} needs a writable connection, and this one is read-only ({message}); "
            "connect with read_only=False (the CLI does with --allow-write)"
        )
    if isinstance(error, TypeError):
        return UserError(f"the parameters do not match the statement's placeholders: {message}")
    return UserError(f"the database rejected the statement: {message}")


def _as_json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, (str, bytes)) else value


async def _postgresql(conn: AsyncConnection, sql: str, params: Any, analyze: bool) -> tuple[Any, PlanNode]:
    options = "ANALYZE, BUFFERS, FORMAT JSON" if analyze else "FORMAT JSON"
    raw = _as_json((await conn.exec_driver_sql(f"EXPLAIN ({options}) {sql}", params)).scalar_one())
    return raw, from_postgresql(raw)


async def _mariadb(conn: AsyncConnection, sql: str, params: Any, analyze: bool) -> tuple[Any, PlanNode]:
    prefix = "ANALYZE FORMAT=JSON" if analyze else "EXPLAIN FORMAT=JSON"
    raw = parse_json((await conn.exec_driver_sql(f"{prefix} {sql}", params)).scalar_one())
    return raw, from_mysql_json(raw, sql)


async def _mysql(conn: AsyncConnection, sql: str, params: Any, analyze: bool) -> tuple[Any, PlanNode]:
    """MySQL 8: JSON for the estimate, the EXPLAIN ANALYZE text tree for actuals (untested here)."""
    if not analyze:
        return await _mariadb(conn, sql, params, analyze)
    raw = (await conn.exec_driver_sql(f"EXPLAIN ANALYZE {sql}", params)).scalar_one()
    return raw, from_mysql_tree(raw, sql)


async def _changes(conn: AsyncConnection, rowcount: int) -> int:
    """The rows a SQLite write changed: Python's driver gives a ``rowcount`` only for a statement that starts with
    INSERT, UPDATE, DELETE or REPLACE, and -1 for ``WITH ... DELETE``; SQLite's own ``changes()`` always knows."""
    if rowcount >= 0:
        return rowcount
    return int((await conn.exec_driver_sql("SELECT changes()")).scalar_one())


async def _sqlite(conn: AsyncConnection, sql: str, params: Any, analyze: bool) -> tuple[Any, PlanNode]:
    rows = (await conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", params)).all()
    plan = from_sqlite(rows, sql)
    if analyze:
        started = time.perf_counter()
        result = await conn.exec_driver_sql(sql, params)
        plan.act_rows = len(result.all()) if result.returns_rows else await _changes(conn, result.rowcount)
        plan.ms = (time.perf_counter() - started) * 1000
        plan.loops = 1
    return [list(row) for row in rows], plan


_RUNNERS = {"postgresql": _postgresql, "mariadb": _mariadb, "mysql": _mysql, "sqlite": _sqlite}


def _row_estimate(conn: Connection, name: str, kind: str) -> int | None:
    statement: Select[Any] | TextClause
    if kind == "sqlite":
        # MAX(rowid): O(log n), and close to the count for a rowid table; built, not spliced into
        # text(), where a ':x' in the name would read as a bind parameter
        statement = select(func.max(literal_column("rowid"))).select_from(table_clause(name))
    else:
        quoted = conn.dialect.identifier_preparer.quote(name)  # to_regclass() reads a quoted name
        statement = text(_ROW_ESTIMATE[kind]).bindparams(name=quoted if kind == "postgresql" else name)
    try:
        value = conn.execute(statement).scalar()
    except sa_exc.DBAPIError:
        return None  # e.g. a SQLite WITHOUT ROWID table
    return None if value is None or value < 0 else int(value)


def table_facts(conn: Connection, names: list[str]) -> dict[str, TableFacts]:
    """Row estimate, indexed leading columns, columns and partition estimates of each named table that exists."""
    inspector = inspect(conn)
    kind = flavour(conn.dialect)
    if inspector.default_schema_name is None and kind in ("mariadb", "mysql"):
        return {}  # a URL without a database: a plan's bare table names belong to no schema we can look in
    facts = {}
    for name in names:
        if not inspector.has_table(name):
            continue  # a CTE or derived table the plan names
        try:
            pk = named_facts(inspector.get_pk_constraint(name), conn.dialect)
        except sa_exc.NoSuchTableError:
            continue  # SQLite's table-valued functions (pragma_table_info, json_each): has_table() says they are tables
        keyed = [("the primary key", pk.get("constrained_columns") or [])]
        keyed += [
            (fact.get("name") or "an unnamed index", fact["column_names"])
            for fact in named_facts(
                [*inspector.get_indexes(name), *inspector.get_unique_constraints(name)], conn.dialect
            )
        ]
        leading: dict[str, str] = {}
        for index, columns in keyed:
            if columns and columns[0]:
                leading.setdefault(columns[0], index)
        per_key = _rows_per_key(conn, name) if kind == "sqlite" else {}
        with warnings.catch_warnings():  # only the names are read: a type SQLAlchemy does not know is no news here
            warnings.filterwarnings("ignore", "Did not recognize type", sa_exc.SAWarning)
            columns = inspector.get_columns(name)
        facts[name] = TableFacts(
            _row_estimate(conn, name, kind),
            leading,
            frozenset(as_named(column["name"], conn.dialect) for column in columns),
            _partition_rows(conn, name) if kind in ("mariadb", "mysql") else {},
            {column: per_key[index] for column, index in leading.items() if index in per_key},
        )
    return facts


def _rows_per_key(conn: Connection, name: str) -> dict[str, int]:
    """SQLite: each index's rows per value of its first column, from sqlite_stat1 (none before ANALYZE)."""
    try:
        rows = conn.exec_driver_sql("SELECT idx, stat FROM sqlite_stat1 WHERE tbl = ?", (name,)).all()
    except sa_exc.DBAPIError:
        return {}  # no ANALYZE yet: no sqlite_stat1
    return {index: int(stat.split()[1]) for index, stat in rows if index and len(stat.split()) > 1}


def _partition_rows(conn: Connection, name: str) -> dict[str, int]:
    """MariaDB/MySQL: each partition's row estimate (none for a table that is not partitioned)."""
    rows = conn.execute(text(_PARTITION_ROWS), {"name": name}).all()
    return {partition: int(count or 0) for partition, count in rows}


def received_text(dialect: Dialect, sql: str, params: Any) -> str:
    """How the database reads ``sql``: with parameters it is driver text, whose ``%%`` a %-formatting driver halves."""
    return as_received(sql, dialect.paramstyle) if params else sql


def _driver_params(kind: str, sql: str, params: Any) -> tuple[str, Any]:
    """MySQL drivers %-format the text whenever parameters are passed (even none): escape a bare %."""
    if kind in ("mariadb", "mysql") and not params:
        return sql.replace("%", "%%"), ()
    return sql, params if params is not None else ()


async def explain(
    engine: AsyncEngine,
    sql: str,
    params: Any = None,
    *,
    analyze: bool = False,
    allow_write: bool = False,
    thresholds: Thresholds = Thresholds(),
) -> ExplainResult:
    """The plan of ``sql`` with ``params`` (driver paramstyle), with warnings; ANALYZE always rolled back.

    ``sql`` passes the guard first (one statement, nothing a rollback cannot undo).
    """
    kind = flavour(engine.dialect)
    statement = guard.check(sql, kind, analyze=analyze, allow_write=allow_write)
    sent, bound = _driver_params(kind, statement.text, params)
    async with engine.connect() as conn:
        try:
            async with stopped_on_cancel(conn):
                await guard.begin(conn, statement, bound, analyze=analyze, allow_write=allow_write)
                if kind == "postgresql":
                    bound = await typed_params(conn, sent, bound)
                raw, plan = await _RUNNERS[kind](conn, sent, bound, analyze)
                facts = await conn.run_sync(table_facts, relations(plan))
        except (sa_exc.DBAPIError, TypeError) as error:
            raise _refusal(error, analyze) from None
        finally:
            await conn.rollback()
    mark_hottest(plan)
    context = WarningContext(
        facts=facts,
        statement=sql,
        analyzed=analyze,
        quote=engine.dialect.identifier_preparer.quote,
        analyze_command=_ANALYZE_COMMAND[kind],
        thresholds=thresholds,
    )
    return ExplainResult(
        kind, received_text(engine.dialect, sql, params), params, analyze, plan, plan_warnings(plan, context), raw
    )


class _Captured(Exception):
    """Stops an execution at the cursor, once the driver's SQL and parameters are known."""


async def driver_statement(engine: AsyncEngine, statement: Any) -> tuple[str, Any]:
    """The SQL text and parameters the driver would receive for ``statement``, without running it.

    The ORM compiles the statement exactly as it would for a real run
    (dialect, IN-list expansion, bind processors), and the execution is
    stopped in ``before_cursor_execute``, before the cursor sees it.
    """
    seen: dict[str, Any] = {}

    def grab(conn, cursor, sql, parameters, context, executemany):
        seen["sql"], seen["params"] = sql, parameters
        raise _Captured

    async with engine.connect() as conn:
        event.listen(conn.sync_connection, "before_cursor_execute", grab)
        try:
            async with AsyncSession(bind=conn) as session:
                await session.execute(statement)
        except _Captured:
            pass
        finally:
            await conn.rollback()
    return seen["sql"], seen["params"]


async def explain_spec(
    engine: AsyncEngine,
    root: Root,
    spec: QuerySpec,
    *,
    analyze: bool = False,
    thresholds: Thresholds = Thresholds(),
) -> ExplainResult:
    """The plan of a composed query's main statement (its loader queries are separate statements)."""
    from sqla_tui.core.query.statement import build_select

    sql, params = await driver_statement(engine, build_select(spec, root))
    return await explain(engine, sql, params, analyze=analyze, thresholds=thresholds)
