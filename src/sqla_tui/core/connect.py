"""Turn the URL a person pasted into a working async engine, or one clear line.

People paste sync URLs (``postgres://``, ``mysql+pymysql://``, ``sqlite:///x.db``);
the app is async all the way, so each is mapped to the async driver of its
dialect. Engines are read-only unless the caller asks otherwise, enforced by
the database session itself (PostgreSQL ``default_transaction_read_only``,
MariaDB/MySQL ``SET SESSION TRANSACTION READ ONLY``, SQLite ``mode=ro``), so
"the tool never writes" does not rest on our own discipline alone.
"""

from __future__ import annotations

import asyncio
import errno
import importlib.util
import socket
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import exc as sa_exc
from sqlalchemy import pool as sa_pool
from sqlalchemy import text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from sqla_tui.core.errors import UserError
from sqla_tui.core.target import DEMO_ALIAS, POOLCLASSES, PoolOptions, Target, mask_url_text  # noqa: F401  (Target re-exported)

APPLICATION_NAME = "sqla-tui"
"""How our sessions are named server-side (pg_stat_activity, processlist)."""

DEFAULT_CONNECT_TIMEOUT = 10.0

_ASYNC_DRIVER_FOR = {
    "postgresql": "asyncpg",
    "mysql": "aiomysql",
    "mariadb": "aiomysql",
    "sqlite": "aiosqlite",
    "mssql": "aioodbc",
    "oracle": "oracledb_async",
}
_ASYNC_DRIVERS = {"asyncpg", "psycopg_async", "aiomysql", "asyncmy", "aiosqlite", "aioodbc", "oracledb_async"}
_DRIVER_MODULE = {"oracledb_async": "oracledb", "psycopg_async": "psycopg"}
_DIALECT_ALIASES = {"postgres": "postgresql", "pgsql": "postgresql"}
_DEFAULT_PORT = {"postgresql": 5432, "mysql": 3306, "mariadb": 3306}
_SUPPORTED = "postgresql, mysql, mariadb and sqlite"
_SQLITE_MAGIC = b"SQLite format 3\x00"


def display_url(url: URL) -> str:
    """The one way a URL is ever shown: password replaced by ``***``."""
    return url.render_as_string(hide_password=True)


def parse_url(raw: str) -> URL:
    """Parse what a person pasted and map it to its dialect's async driver."""
    raw = raw.strip()
    if not raw:
        raise UserError("no database URL given: pass one, or set DATABASE_URL")
    try:
        url = make_url(raw)
    except (sa_exc.ArgumentError, ValueError):
        raise UserError(
            f"not a database URL: {mask_url_text(raw)!r}; "
            "expected e.g. postgresql://user@host/dbname or sqlite:///path/to/file.db"
        ) from None
    backend, _, driver = url.drivername.partition("+")
    backend = _DIALECT_ALIASES.get(backend, backend)
    if driver not in _ASYNC_DRIVERS:
        driver = _ASYNC_DRIVER_FOR.get(backend, "")
    if not driver:
        raise UserError(f"unknown database dialect {backend!r}: sqla-tui supports {_SUPPORTED}")
    module = _DRIVER_MODULE.get(driver, driver)
    if importlib.util.find_spec(module) is None:
        raise UserError(
            f"the {backend} dialect needs the async driver {module!r}, which is not installed; "
            f"install it with: pip install {module}"
        )
    url = url.set(drivername=f"{backend}+{driver}")
    try:
        url.get_dialect()
    except (sa_exc.NoSuchModuleError, ImportError):
        raise UserError(f"unknown database dialect {backend!r}: sqla-tui supports {_SUPPORTED}") from None
    return url


def sqlite_path(url: URL) -> Path | None:
    """The file behind a SQLite URL, or None for an in-memory database."""
    database = url.database or ""
    if database in ("", ":memory:") or database.startswith("file:"):
        return None
    return Path(database).expanduser().resolve()


def check_sqlite_file(path: Path) -> None:
    """Refuse a SQLite path that is missing, a directory, or not a database.

    SQLite happily creates an empty file for a mistyped path, and the user
    then stares at an empty schema; we make that an error instead.
    """
    if not path.exists():
        raise UserError(
            f"SQLite file {path} does not exist; check the path "
            "(sqla-tui never creates one; 'sqla-tui demo' builds the demo database)"
        )
    if path.is_dir():
        raise UserError(f"{path} is a directory, not a SQLite database file")
    try:
        with path.open("rb") as handle:
            header = handle.read(len(_SQLITE_MAGIC))
    except OSError as error:
        raise UserError(f"cannot read SQLite file {path}: {error.strerror}") from None
    if header and header != _SQLITE_MAGIC:
        raise UserError(f"{path} is not a SQLite database (its first bytes are not 'SQLite format 3')")


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


def _connect_args(url: URL, *, read_only: bool, connect_timeout: float) -> dict[str, object]:
    """Driver arguments that name our sessions, bound connect time and forbid writes."""
    backend = url.get_backend_name()
    driver = url.get_driver_name()
    if driver == "asyncpg":
        settings = {"application_name": APPLICATION_NAME}
        if read_only:
            settings["default_transaction_read_only"] = "on"
        return {"timeout": connect_timeout, "server_settings": settings}
    if driver == "aiomysql":
        args: dict[str, object] = {"connect_timeout": max(1, round(connect_timeout)), "program_name": APPLICATION_NAME}
        if read_only:
            args["init_command"] = "SET SESSION TRANSACTION READ ONLY"
        return args
    if backend == "sqlite":
        return {}
    return {}


def _read_only_sqlite(url: URL, path: Path) -> URL:
    """Open a SQLite file through its URI form with ``mode=ro``."""
    return url.set(database=f"file:{quote(str(path))}", query={"mode": "ro", "uri": "true"})


def create_engine(
    raw_url: str | URL,
    pool: PoolOptions = PoolOptions(),
    *,
    read_only: bool = True,
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT,
    poolclass: type[sa_pool.Pool] | None = None,
) -> AsyncEngine:
    """Build an AsyncEngine from a pasted URL; no connection is opened yet.

    ``poolclass`` lets the pool monitor substitute its instrumented queue
    pool; it wins over ``pool.poolclass``.
    """
    url = parse_url(raw_url) if isinstance(raw_url, str) else raw_url
    pool.validate()
    path = sqlite_path(url) if url.get_backend_name() == "sqlite" else None
    if path is not None:
        check_sqlite_file(path)
        if read_only:
            url = _read_only_sqlite(url, path)
    kwargs = _engine_kwargs(pool)
    if poolclass is not None:
        kwargs["poolclass"] = poolclass
    return create_async_engine(
        url,
        connect_args=_connect_args(url, read_only=read_only, connect_timeout=connect_timeout),
        **kwargs,
    )


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


async def probe(engine: AsyncEngine, *, display: str | None = None) -> ServerInfo:
    """Open one connection and read the server version, translating failures."""
    url = engine.url
    try:
        async with engine.connect() as conn:
            version = await conn.scalar(text(_VERSION_QUERY.get(url.get_backend_name(), "SELECT 1")))
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
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT,
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


def _causes(error: BaseException) -> list[BaseException]:
    """The error and everything it wraps (``.orig``, causes, contexts)."""
    seen: list[BaseException] = []
    pending: list[BaseException | None] = [error]
    while pending:
        current = pending.pop()
        if current is None or any(current is known for known in seen):
            continue
        seen.append(current)
        pending.extend([getattr(current, "orig", None), current.__cause__, current.__context__])
    return seen


def _where(url: URL) -> str:
    backend = url.get_backend_name()
    return f"{url.host or 'localhost'}:{url.port or _DEFAULT_PORT.get(backend, '?')}"


def _mysql_code(error: BaseException) -> int | None:
    args = getattr(error, "args", ())
    if type(error).__module__.startswith("pymysql") and args and isinstance(args[0], int):
        return args[0]
    return None


def translate_error(error: BaseException, url: URL) -> UserError:
    """Explain a connection or query failure in one line with no password in it."""
    if isinstance(error, UserError):
        return error
    where = _where(url)
    user = url.username or ""
    if isinstance(error, sa_exc.DBAPIError) and error.connection_invalidated:
        return UserError(
            f"the server at {where} closed our connection ({_first_line(error, url)}); "
            "the pool was reset, so running it again will reconnect"
        )
    for cause in _causes(error):
        sqlstate = getattr(cause, "sqlstate", None)
        code = _mysql_code(cause)
        if sqlstate in ("28P01", "28000") or code in (1045, 1044):
            return UserError(
                f"authentication failed for user {user!r} on {where}; check the user name and password"
            )
        if sqlstate == "3D000" or code == 1049:
            return UserError(f"database {url.database!r} does not exist on {where}; create it or pick another")
        if isinstance(cause, socket.gaierror) or code == 2005:
            return UserError(f"unknown host {url.host!r}; check the host name in the URL")
        if isinstance(cause, ConnectionRefusedError) or getattr(cause, "errno", None) == errno.ECONNREFUSED:
            return UserError(f"cannot connect to {where}: connection refused; is the server running there?")
        if isinstance(cause, (TimeoutError, asyncio.TimeoutError)):
            return UserError(f"no answer from {where} in time; check the host, port and firewall")
    return UserError(f"{display_url(url)}: {_first_line(error, url)}")


def _first_line(error: BaseException, url: URL) -> str:
    """The first line of an error's own text, scrubbed of the password."""
    root = error.orig if isinstance(error, sa_exc.DBAPIError) and error.orig is not None else error
    message = (str(root).strip().splitlines() or [type(root).__name__])[0]
    if url.password:
        message = message.replace(str(url.password), "***")
    return mask_url_text(message)


async def resolve_url(raw_url: str | None, progress=None) -> str:  # type: ignore[no-untyped-def]
    """Return the URL to open, building the demo database first when it is asked for.

    ``progress(table, rows)`` is passed on to the demo builder so a first run
    can show what it is doing.
    """
    if raw_url is not None and raw_url != DEMO_ALIAS:
        return raw_url
    from sqla_tui.demo_db.load import ensure_demo_sqlite

    path = await ensure_demo_sqlite(progress=progress)
    return f"sqlite:///{path}"
