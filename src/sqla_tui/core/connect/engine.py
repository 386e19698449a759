"""Turn a parsed URL into a working async engine, or one clear line.

Engines are read-only unless the caller asks otherwise, enforced by the
database session itself (PostgreSQL ``default_transaction_read_only``,
MariaDB/MySQL ``SET SESSION TRANSACTION READ ONLY``, SQLite ``mode=ro``), so
"the tool never writes" does not rest on our own discipline alone.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event, text
from sqlalchemy import pool as sa_pool
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from sqla_tui.core.connect.failures import translate_error
from sqla_tui.core.connect.libpq import OPTIONS as LIBPQ_OPTIONS
from sqla_tui.core.connect.libpq import LibpqOptions, libpq_options
from sqla_tui.core.connect.mysql_tls import READ_HERE as MYSQL_READ_HERE
from sqla_tui.core.connect.mysql_tls import MysqlTls, require_tls, tls_context
from sqla_tui.core.connect.pg_temporal import read_exact_temporals
from sqla_tui.core.connect.sqlite_target import checked_sqlite_url
from sqla_tui.core.connect.sqlite_text import read_any_text
from sqla_tui.core.connect.target import (
    APPLICATION_NAME,
    DEFAULT_CONNECT_TIMEOUT,
    DEMO_ALIAS,
    POOLCLASSES,
    PoolOptions,
    demo_url,
)
from sqla_tui.core.connect.url import display_url, parse_url
from sqla_tui.core.connect.url_grammar import last_value
from sqla_tui.core.errors import UserError
from sqla_tui.core.internals import single_statement

logging.getLogger("sqlalchemy.pool").addHandler(logging.NullHandler())
"""SQLAlchemy's pool logs the failures it recovers from itself (a reset or a close on a dead connection,
which it then invalidates) at ERROR with a traceback; unconfigured, Python prints those on stderr,
over the TUI's screen and around the CLI's one line. They stay available to a logging setup."""


def _engine_kwargs(pool: PoolOptions) -> dict[str, object]:
    """Keyword arguments for ``create_async_engine`` from the pool flags, defaults left out."""
    kwargs: dict[str, object] = {"pool_pre_ping": pool.pre_ping}
    if pool.poolclass is not None:
        kwargs["poolclass"] = getattr(sa_pool, POOLCLASSES[pool.poolclass])
    for key in ("pool_size", "max_overflow", "pool_timeout", "pool_recycle"):
        value = getattr(pool, key)
        if value is not None:
            kwargs[key] = value
    return kwargs


def _connect_args(
    url: URL, *, read_only: bool, connect_timeout: float | None, libpq: LibpqOptions, tls: MysqlTls | None
) -> dict[str, object]:
    """Driver arguments that name our sessions, bound connect time and forbid writes.

    ``connect_timeout`` None is the URL's ``connect_timeout`` (libpq's and
    MySQL's, both whole seconds), else ours. The URL's server settings (libpq's ``options`` and
    ``application_name``) come first, read-only last, so no URL turns it off.
    aiomysql connections also never accept several statements in one call,
    read-only or not (asyncpg prepares every statement and sqlite3 runs one
    per call, so the other two drivers refuse a second statement already).
    """
    backend = url.get_backend_name()
    driver = url.get_driver_name()
    if connect_timeout is None:
        given = url.query.get("connect_timeout")
        connect_timeout = float(last_value(given)) if given is not None else DEFAULT_CONNECT_TIMEOUT
    if driver == "asyncpg":
        settings = {"application_name": APPLICATION_NAME, **libpq.settings}
        if read_only:
            settings["default_transaction_read_only"] = "on"
        tls_files = {"dsn": libpq.dsn} if libpq.dsn else {}
        attrs = {"target_session_attrs": libpq.session_attrs} if libpq.session_attrs else {}
        return {"timeout": connect_timeout, "server_settings": settings, **tls_files, **attrs}
    if driver == "aiomysql":
        args: dict[str, object] = {
            "connect_timeout": max(1, round(connect_timeout)),
            "program_name": APPLICATION_NAME,
            "async_creator_fn": _whole_connect_within(
                connect_timeout, single_statement.connect, tls_required=tls is not None and tls.required
            ),
        }
        if tls is not None:
            args["ssl"] = tls.context  # aiomysql takes a context, not the dictionary SQLAlchemy builds
        if read_only:
            args["init_command"] = "SET SESSION TRANSACTION READ ONLY"
        return args
    if backend == "sqlite":
        return {}
    return {}


def _whole_connect_within(
    seconds: float, connect: Callable[..., Coroutine[Any, Any, Any]], *, tls_required: bool
) -> Callable[..., Coroutine[Any, Any, Any]]:
    """``connect`` (aiomysql's, made single-statement), bounded as a whole: aiomysql bounds only the TCP connect.

    A server that accepts the connection and never greets (a hung server, or
    a PostgreSQL port, which waits for the client to speak first) would
    otherwise hold the greeting and the login forever. SQLAlchemy's aiomysql
    adapter takes the coroutine function that connects as ``async_creator_fn``
    among the connect arguments, with the arguments it would give
    ``aiomysql.connect``. ``tls_required``: a server that offers no TLS is
    refused (aiomysql would go on in plain text).
    """

    async def bounded(*args: Any, **kwargs: Any) -> Any:
        async with asyncio.timeout(seconds):
            connection = await connect(*args, **kwargs)
        if tls_required:
            require_tls(connection, f"{kwargs.get('host') or 'localhost'}:{kwargs.get('port') or 3306}")
        return connection

    return bounded


def _not_for_the_driver(engine: AsyncEngine, names: tuple[str, ...]) -> None:
    """Keep the URL options read here out of the driver's ``connect()``, which has no keyword for them.

    The engine's URL keeps them, so an engine made again from it (a cancel's
    own connection) asks for the same session, and a ``--script`` written
    from it opens the same database and schema.
    """

    def drop(dialect: object, record: object, cargs: object, cparams: dict[str, object]) -> None:
        for name in names:
            cparams.pop(name, None)

    event.listen(engine.sync_engine, "do_connect", drop)


def _sqlite_file_url(url: URL, pool: PoolOptions, *, read_only: bool) -> URL:
    """The URL that opens the SQLite file ``url`` names, however it is spelt: checked, never created.

    See ``core.connect.sqlite_target``: every spelling becomes one ``file:``
    URI with ``mode=ro`` (``rw`` when writing is asked for). An in-memory
    database lives on one connection that SQLAlchemy shares (StaticPool), so
    a queue's sizes are refused here in one line rather than by
    ``create_async_engine`` with a TypeError.
    """
    target = checked_sqlite_url(url.database, url.query)
    if target.path is None and pool.poolclass is None:
        for flag, (value, _) in pool.sizing().items():
            if value is not None:
                raise UserError(
                    f"{flag} does not apply to an in-memory SQLite database, which lives on one shared connection; "
                    "use a file (sqlite:///path/to/file.db) to size a pool"
                )
    database, query = target.database_and_query(read_only=read_only)
    return URL.create(url.drivername, database=database, query=query)


def create_engine(
    raw_url: str | URL,
    pool: PoolOptions = PoolOptions(),
    *,
    read_only: bool = True,
    connect_timeout: float | None = None,
    poolclass: type[sa_pool.Pool] | None = None,
) -> AsyncEngine:
    """Build an AsyncEngine from a pasted URL; no connection is opened yet.

    ``connect_timeout`` None: the URL's ``connect_timeout``, else 10 s.
    ``poolclass`` lets the pool monitor substitute its instrumented queue
    pool; it wins over ``pool.poolclass``.
    """
    url = parse_url(raw_url) if isinstance(raw_url, str) else raw_url
    pool.validate()
    libpq, tls = LibpqOptions(), None
    if url.get_backend_name() == "sqlite":
        url = _sqlite_file_url(url, pool, read_only=read_only)
    elif url.get_driver_name() == "asyncpg":
        libpq = libpq_options(url.query)  # asyncpg has no such keywords: they go in as settings
    elif url.get_driver_name() == "aiomysql":
        tls = tls_context(url.query)  # given as one context; ssl_mode aiomysql has no keyword for
    kwargs = _engine_kwargs(pool)
    if poolclass is not None:
        kwargs["poolclass"] = poolclass
    engine = create_async_engine(
        url,
        connect_args=_connect_args(url, read_only=read_only, connect_timeout=connect_timeout, libpq=libpq, tls=tls),
        **kwargs,
    )
    read_here = {"asyncpg": LIBPQ_OPTIONS, "aiomysql": MYSQL_READ_HERE}.get(url.get_driver_name())
    if read_here:
        _not_for_the_driver(engine, read_here)
    if url.get_backend_name() == "sqlite":
        read_any_text(engine)
    elif url.get_driver_name() == "asyncpg":
        read_exact_temporals(engine)
    return engine


@dataclass(frozen=True)
class ServerInfo:
    """What the header shows about the connection."""

    url: str
    dialect: str
    driver: str
    server_version: str
    pool_class: str


_VERSION_QUERY = {
    "postgresql": "SHOW server_version",
    "mysql": "SELECT VERSION()",
    "mariadb": "SELECT VERSION()",
    "sqlite": "SELECT sqlite_version()",
}
_SCHEMA_READ = {"sqlite": "SELECT count(*) FROM sqlite_master"}
"""Reads the file itself (``sqlite_version()`` does not), so a damaged, locked or non-database file fails here."""


async def probe(engine: AsyncEngine, *, display: str | None = None) -> ServerInfo:
    """Open one connection and read the server version, translating failures."""
    url = engine.url
    try:
        async with engine.connect() as conn:
            version = await conn.scalar(text(_VERSION_QUERY.get(url.get_backend_name(), "SELECT 1")))
            if url.get_backend_name() in _SCHEMA_READ:
                await conn.execute(text(_SCHEMA_READ[url.get_backend_name()]))
            dialect = conn.dialect
    except Exception as error:  # noqa: BLE001 - every failure becomes one line
        raise translate_error(error, url) from None
    name = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}.get(dialect.name, "MySQL")
    if dialect.name in ("mysql", "mariadb") and getattr(dialect, "is_mariadb", False):
        name = "MariaDB"
    return ServerInfo(
        url=display or display_url(url),
        dialect=dialect.name,
        driver=dialect.driver,
        server_version=f"{name} {str(version).split('-')[0].split(' ')[0]}",
        pool_class=type(engine.pool).__name__,
    )


async def connect(
    raw_url: str,
    pool: PoolOptions = PoolOptions(),
    *,
    read_only: bool = True,
    connect_timeout: float | None = None,
) -> tuple[AsyncEngine, ServerInfo]:
    """Create an engine and prove it works, or raise a one-line UserError."""
    url = parse_url(raw_url)
    engine = create_engine(url, pool, read_only=read_only, connect_timeout=connect_timeout)
    try:
        info = await probe(engine, display=display_url(url))
    except BaseException:
        await engine.dispose()
        raise
    return engine, info


async def resolve_url(raw_url: str | None, progress: Callable[[str, int], None] | None = None) -> str:
    """Return the URL to open, building the demo database first when it is asked for.

    ``progress(table, rows)`` is passed on to the demo builder so a first run
    can show what it is doing.
    """
    if raw_url is not None and raw_url != DEMO_ALIAS:
        return raw_url
    from sqla_tui.demo_db.load import ensure_demo_sqlite

    path = await ensure_demo_sqlite(progress=progress)
    return demo_url(path)
