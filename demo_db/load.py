"""Load the demo schema and seed rows into any async engine.

This is the only place sqla-tui writes to a database, so it refuses to touch
a database that already holds anything unless the caller asks for a replace,
and even then drops only the demo's own view and tables.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import URL, Connection, bindparam, inspect, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from sqla_tui.core.connect.sqlite_target import check_file
from sqla_tui.core.connect.target import demo_path
from sqla_tui.core.errors import UserError

if TYPE_CHECKING:
    from .seed import Row

# The models and the seed generator are imported by the functions that build:
# opening an already-built demo (every start-up of the app) only checks that
# the file is there.

__all__ = [
    "DEMO_VIEW",  # noqa: F822 - provided by __getattr__ below, imported when first asked for
    "DemoReplaceBlocked",
    "DemoTargetNotEmpty",
    "build_demo_sqlite",
    "demo_table_names",
    "ensure_demo_sqlite",
    "load_demo",
]

Progress = Callable[[str, int], None]

# Rows per executemany call: large enough for the drivers' batching to pay
# off, bounded so no single statement grows with --scale.
_CHUNK_ROWS = 5000
_NAMES_SHOWN = 5


class DemoTargetNotEmpty(UserError):
    """The target already has tables or views and no replace was asked for.

    A UserError, so the CLI prints it as one line and the TUI as a notification.
    """

    def __init__(self, where: str, names: list[str]) -> None:
        self.names = names
        shown = ", ".join(names[:_NAMES_SHOWN])
        more = f" and {len(names) - _NAMES_SHOWN} more" if len(names) > _NAMES_SHOWN else ""
        super().__init__(
            f"{where} is not empty (found {shown}{more}); "
            "use --replace to drop and rebuild the demo tables"
        )


class DemoReplaceBlocked(UserError):
    """--replace would drop a demo table that one of the user's own objects uses; nothing was dropped."""

    def __init__(self, where: str, dependents: list[str]) -> None:
        self.dependents = dependents
        shown = ", ".join(dependents[:_NAMES_SHOWN])
        more = f" and {len(dependents) - _NAMES_SHOWN} more" if len(dependents) > _NAMES_SHOWN else ""
        them = "it" if len(dependents) == 1 else "them"
        super().__init__(
            f"cannot replace the demo in {where}: your {shown}{more} "
            f"{'depends' if len(dependents) == 1 else 'depend'} on its tables, "
            f"and --replace drops only the demo's own; drop or change {them} first"
        )


def __getattr__(name: str) -> Any:
    """``DEMO_VIEW`` re-exported from the models, imported when first asked for."""
    if name == "DEMO_VIEW":
        from .models import DEMO_VIEW

        return DEMO_VIEW
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def demo_table_names() -> list[str]:
    """The demo's tables, parents before children (the order rows are inserted in)."""
    from .models import DEMO_TABLES

    return list(DEMO_TABLES)


async def load_demo(
    engine: AsyncEngine,
    *,
    scale: float = 1.0,
    replace: bool = False,
    progress: Progress | None = None,
) -> dict[str, int]:
    """Create the demo schema and view in one transaction, fill it, return rows per table.

    Raises DemoTargetNotEmpty when the database already has any table or
    view and replace is false, and DemoReplaceBlocked (before dropping
    anything) when one of the user's own tables or views uses a demo table. progress(table, rows) is called once per
    table, right after that table is filled. On MariaDB each DDL statement
    commits on its own; on PostgreSQL and SQLite a failure leaves nothing.
    """
    from .models import DEMO_TABLES, DEMO_VIEW, DEMO_VIEW_SELECT, Base
    from .seed import generate_rows

    rows = generate_rows(scale)
    async with engine.begin() as conn:
        if conn.dialect.name == "sqlite":
            await _begin_sqlite_transaction(conn)
        existing = await conn.run_sync(_existing_names)
        if existing and not replace:
            raise DemoTargetNotEmpty(_describe(engine.url), existing)
        if existing:
            dependents = await conn.run_sync(_dependents)
            if dependents:
                raise DemoReplaceBlocked(_describe(engine.url), dependents)
            await _drop_demo(conn)
        await conn.run_sync(Base.metadata.create_all)
        await conn.execute(text(f"CREATE VIEW {DEMO_VIEW} AS {DEMO_VIEW_SELECT}"))
        counts = {name: await _fill(conn, name, rows[name], progress) for name in DEMO_TABLES}
        if conn.dialect.name == "postgresql":
            await _advance_pg_sequences(conn)
    return counts


async def build_demo_sqlite(
    path: Path | str | None = None,
    *,
    scale: float = 1.0,
    replace: bool = False,
    progress: Progress | None = None,
) -> tuple[Path, dict[str, int]]:
    """Build the demo into a SQLite file (the cache file by default); return it and the row counts.

    An existing file gets exactly what `--url sqlite:///file` would: a refusal
    unless replace is true, and then only the demo's own tables are rebuilt.
    """
    target = Path(path).expanduser() if path is not None else demo_path()
    try:
        missing = not target.exists()
    except OSError as error:  # a name too long, a parent that is a file
        raise _cannot_write(target, error, chosen=path is not None) from None
    if missing:
        return target, await _build_new_file(target, scale, progress, chosen=path is not None)
    check_file(target)
    engine = _sqlite_engine(target)
    try:
        return target, await load_demo(engine, scale=scale, replace=replace, progress=progress)
    finally:
        await engine.dispose()


async def ensure_demo_sqlite(path: Path | str | None = None, progress: Progress | None = None) -> Path:
    """Return the demo SQLite file (the cache file by default), building it only if it is missing."""
    target = Path(path).expanduser() if path is not None else demo_path()
    if not target.exists():
        await _build_new_file(target, 1.0, progress, chosen=path is not None)
    return target


async def _build_new_file(target: Path, scale: float, progress: Progress | None, *, chosen: bool) -> dict[str, int]:
    """Build into a temporary file next to the target and rename it into place when complete.

    A crash or Ctrl-C therefore never leaves a half-built demo that a later
    ensure_demo_sqlite would mistake for a finished one.
    """
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as error:
        raise _cannot_write(target, error, chosen=chosen) from None
    os.close(fd)
    try:
        engine = _sqlite_engine(Path(tmp_name))
        try:
            counts = await load_demo(engine, scale=scale, progress=progress)
        finally:
            await engine.dispose()
        os.replace(tmp_name, target)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return counts


def _cannot_write(target: Path, error: OSError, *, chosen: bool) -> UserError:
    """The demo's file cannot go there; a path the user chose they can change, the cache's by XDG_CACHE_HOME."""
    advice = "choose another path" if chosen else "set XDG_CACHE_HOME to a directory you can write"
    return UserError(f"cannot build the demo at {target}: {error.strerror or error}; {advice}")


def _sqlite_engine(path: Path) -> AsyncEngine:
    return create_async_engine(URL.create("sqlite+aiosqlite", database=str(path)))


def _describe(url: URL) -> str:
    """How a refusal names the target: the file for SQLite, else the URL without its password."""
    if url.get_backend_name() == "sqlite":
        return url.database or "the in-memory database"
    return url.render_as_string(hide_password=True)


async def _begin_sqlite_transaction(conn: AsyncConnection) -> None:
    """Start the transaction explicitly, so it covers the DDL too.

    The sqlite3 module opens a transaction only before DML; CREATE and DROP
    would otherwise commit on their own and survive a failed load.
    """
    raw = await conn.get_raw_connection()
    if not raw.driver_connection.in_transaction:
        await conn.exec_driver_sql("BEGIN")


def _existing_names(conn: Connection) -> list[str]:
    inspector = inspect(conn)
    return sorted(inspector.get_table_names() + inspector.get_view_names())


_PG_VIEWS_ON = """
SELECT DISTINCT dependent.relname, used.relname
FROM pg_depend AS d
JOIN pg_rewrite AS r ON r.oid = d.objid
JOIN pg_class AS dependent ON dependent.oid = r.ev_class
JOIN pg_class AS used ON used.oid = d.refobjid
WHERE used.relnamespace = current_schema()::regnamespace
  AND used.relname IN :tables AND dependent.relname NOT IN :tables
ORDER BY 1, 2
"""
"""PostgreSQL views (and materialized views) that read a demo table: the rules behind them depend on it."""


def _dependents(conn: Connection) -> list[str]:
    """The user's own tables and views that use a demo table, each with what it uses.

    A foreign key blocks everywhere: PostgreSQL and MariaDB refuse the drop,
    and SQLite would leave the user's rows pointing at rebuilt parents. A view
    blocks on PostgreSQL only; MariaDB and SQLite let the table go and the
    view reads the rebuilt one.
    """
    from .models import DEMO_TABLES, DEMO_VIEW

    demo = {*DEMO_TABLES, DEMO_VIEW}
    found = [
        f"table {table} (foreign key {', '.join(fk['constrained_columns'])} -> {fk['referred_table']})"
        for (_, table), foreign_keys in inspect(conn).get_multi_foreign_keys().items()
        if table not in demo
        for fk in foreign_keys
        if fk["referred_table"] in demo
    ]
    if conn.dialect.name == "postgresql":
        query = text(_PG_VIEWS_ON).bindparams(bindparam("tables", expanding=True))
        found += [f"view {view} (on {table})" for view, table in conn.execute(query, {"tables": sorted(demo)})]
    return found


async def _drop_demo(conn: AsyncConnection) -> None:
    """Drop the view first (it depends on users and posts), then whichever demo tables exist."""
    from .models import DEMO_VIEW, Base

    await conn.execute(text(f"DROP VIEW IF EXISTS {DEMO_VIEW}"))
    await conn.run_sync(Base.metadata.drop_all, checkfirst=True)


async def _fill(conn: AsyncConnection, name: str, rows: list[Row], progress: Progress | None) -> int:
    from .models import Base

    table = Base.metadata.tables[name]
    for start in range(0, len(rows), _CHUNK_ROWS):
        await conn.execute(table.insert(), rows[start : start + _CHUNK_ROWS])
    if progress is not None:
        progress(name, len(rows))
    return len(rows)


async def _advance_pg_sequences(conn: AsyncConnection) -> None:
    """Move each SERIAL sequence past the seeded ids, so later inserts get fresh ones.

    The seed supplies its own primary keys, which PostgreSQL sequences do not
    notice; MariaDB and SQLite advance their counters by themselves.
    """
    from .models import Base

    for table in Base.metadata.sorted_tables:
        if "id" not in table.c or not table.c.id.primary_key:
            continue
        await conn.execute(
            text(
                "SELECT setval(pg_get_serial_sequence(:table, 'id'), "
                f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {table.name}), false)"
            ),
            {"table": table.name},
        )
