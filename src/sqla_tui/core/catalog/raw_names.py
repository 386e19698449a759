"""A schema's table and view names read through the raw driver (asyncpg, aiomysql, sqlite3), no SQLAlchemy needed.

SQLAlchemy's import is ~0.3 s, most of a start-up; the names need only the
driver. So the app lists them this way first, with the query ``list_names``
runs (``core.catalog.names``) in the schema it would pick (the session's
current schema, MySQL's current database, SQLite's ``main``), on a session
opened as the engine opens its own: read-only, named ``sqla-tui``, bounded
in time, one statement per call. The engine's listing replaces this one once
it is up (benchmarks/startup.py).

Only what this module can open exactly as the engine would is read here: a
URL with options it does not pass on the same way (TLS files, multiple
hosts) returns None, and so does any failure. The engine then connects and
says what is wrong in its own words; nothing here ever reports an error.
"""

from __future__ import annotations

import asyncio
import sqlite3
from contextlib import closing
from urllib.parse import quote, urlencode

from sqla_tui.core.catalog.names import NAMES_SQL, TableName, by_name, sqlite_kinds
from sqla_tui.core.connect.libpq import SESSION_ATTRS
from sqla_tui.core.connect.sqlite_target import SqliteTarget, checked_sqlite_url
from sqla_tui.core.connect.target import APPLICATION_NAME, DEFAULT_CONNECT_TIMEOUT
from sqla_tui.core.connect.url_grammar import UrlParts
from sqla_tui.core.errors import UserError

_PASSED_ON = {
    "asyncpg": {"ssl", "passfile", "target_session_attrs", "krbsrvname", "gsslib"},
    "aiomysql": {"unix_socket", "charset", "sql_mode"},
}
"""URL options given to the driver exactly as SQLAlchemy's dialect gives them (as keyword arguments, unchanged)."""

_CURRENT_SCHEMA = {"asyncpg": "SELECT current_schema()", "aiomysql": "SELECT DATABASE()"}
"""What SQLAlchemy's dialect reads as the default schema, which ``list_names`` lists when given none."""


def read_names(url: UrlParts) -> list[TableName] | None:
    """The default schema's tables and views of a checked URL (``core.connect.url.check_url``); None when not read here."""
    driver = url.get_driver_name()
    if driver == "aiosqlite":
        return _sqlite_names(url)
    if driver not in _PASSED_ON or not set(url.query) <= _PASSED_ON[driver]:
        return None
    try:
        return asyncio.run(_server_names(url, driver))
    except Exception:  # noqa: BLE001 - the engine connects next and says what went wrong
        return None


def _sqlite_names(url: UrlParts) -> list[TableName] | None:
    try:
        target = checked_sqlite_url(url.database, url.query)
        if target.path is None:
            return None  # an in-memory database: empty, and the engine's own
        return _read_sqlite(target)
    except (UserError, sqlite3.Error):
        return None


def _read_sqlite(target: SqliteTarget) -> list[TableName]:
    """Open the file as the engine does (``SqliteTarget.database_and_query``, read-only) and list ``main``."""
    database, query = target.database_and_query(read_only=True)
    query.pop("uri")
    timeout = float(query.pop("timeout", 5.0))
    with closing(sqlite3.connect(f"{database}?{urlencode(query, quote_via=quote)}", uri=True, timeout=timeout)) as db:
        return by_name(sqlite_kinds(db.execute(NAMES_SQL["sqlite"].format(schema="main")).fetchall()), "main")


async def _server_names(url: UrlParts, driver: str) -> list[TableName] | None:
    async with asyncio.timeout(DEFAULT_CONNECT_TIMEOUT):
        if driver == "asyncpg":
            return await _postgresql_names(url)
        return await _mysql_names(url)


async def _postgresql_names(url: UrlParts) -> list[TableName] | None:
    import asyncpg

    settings = {"application_name": APPLICATION_NAME, "default_transaction_read_only": "on"}
    given = {"user": url.username, "password": url.password, "host": url.host, "port": url.port, "database": url.database}
    query = dict(url.query)
    if query.get("target_session_attrs") in SESSION_ATTRS:  # as the engine asks (core.connect.libpq)
        query["target_session_attrs"] = SESSION_ATTRS[str(query["target_session_attrs"])]
    connection = await asyncpg.connect(
        **{key: value for key, value in given.items() if value is not None}, **query, server_settings=settings
    )
    try:
        schema = await connection.fetchval(_CURRENT_SCHEMA["asyncpg"])
        if schema is None:
            return None
        rows = await connection.fetch(NAMES_SQL["postgresql"].replace(":schema", "$1"), schema)
    finally:
        await connection.close()
    return by_name([tuple(row) for row in rows], schema)


async def _mysql_names(url: UrlParts) -> list[TableName] | None:
    from sqla_tui.core.internals.single_statement import connect

    given = {"user": url.username, "password": url.password, "host": url.host, "port": url.port, "db": url.database}
    connection = await connect(
        **{key: value for key, value in given.items() if value is not None},
        **url.query,
        program_name=APPLICATION_NAME,
        init_command="SET SESSION TRANSACTION READ ONLY",
    )
    try:
        async with connection.cursor() as cursor:
            await cursor.execute(_CURRENT_SCHEMA["aiomysql"])
            (schema,) = await cursor.fetchone()
            if schema is None:
                return None
            await cursor.execute(NAMES_SQL["mysql"].replace(":schema", "%s"), (schema,))
            rows = await cursor.fetchall()
    finally:
        connection.close()
    return by_name(rows, schema)
