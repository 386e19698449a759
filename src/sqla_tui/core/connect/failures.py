"""Explain a connection or query failure in one line with no password in it."""

from __future__ import annotations

import asyncio
import contextlib
import errno
import re
import socket
import ssl
from collections.abc import Iterator
from typing import Any

from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import URL

from sqla_tui.core.connect.masking import mask_url_text, url_secrets
from sqla_tui.core.connect.sqlite_target import read_sqlite_url
from sqla_tui.core.connect.url import display_url
from sqla_tui.core.connect.url_grammar import last_value
from sqla_tui.core.errors import UserError

_DEFAULT_PORT = {"postgresql": 5432, "mysql": 3306, "mariadb": 3306}
_SERVER_NAMES = {"postgresql": "PostgreSQL", "mysql": "MySQL/MariaDB", "mariadb": "MySQL/MariaDB"}
_MYSQL_NO_ACCESS_TO_DATABASE = 1044
_MYSQL_ACCESS_DENIED = 1045


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


def _given(url: URL, key: str) -> str | None:
    """The URL option ``key`` (its last value), which the driver takes over the authority's user, host or port."""
    value = url.query.get(key)
    return None if value is None else last_value(value)


def _user(url: URL) -> str:
    """The user name the driver logged in as: ``?user=`` wins over the authority's, for both drivers."""
    return _given(url, "user") or url.username or ""


def _port(url: URL) -> str:
    """The port (or, for PostgreSQL's host lists, ports) dialled: ``?port=`` wins over the authority's."""
    return _given(url, "port") or str(url.port or _DEFAULT_PORT.get(url.get_backend_name()) or "?")


def _where(url: URL) -> str:
    """The server the URL names, ``host:port``; each of them for PostgreSQL's ``?host=h1,h2&port=p1,p2``; MySQL's
    ``?unix_socket=`` path, which aiomysql dials instead of the host."""
    socket_path = _given(url, "unix_socket")
    if socket_path:
        return socket_path
    port = _port(url)
    if url.host is None and isinstance(url.query.get("host"), str):  # core.connect.pg_hosts makes lists so
        hosts, ports = str(url.query["host"]).split(","), port.split(",")
        return ", ".join(f"{host}:{port}" for host, port in zip(hosts, ports if len(ports) == len(hosts) else [ports[0]] * len(hosts)))
    return f"{url.host or 'localhost'}:{port}"


def _mysql_code(error: BaseException) -> int | None:
    args = getattr(error, "args", ())
    if type(error).__module__.startswith("pymysql") and args and isinstance(args[0], int):
        return args[0]
    return None


@contextlib.contextmanager
def database_errors_explained(url: URL) -> Iterator[None]:
    """A failure of the database's inside the block, as the one line ``translate_error`` words: a catalog query
    the server cancelled (its ``statement_timeout``) or refused is the user's to act on, not a bug of ours."""
    try:
        yield
    except sa_exc.DBAPIError as error:
        raise translate_error(error, url) from None


def translate_error(error: BaseException, url: URL) -> UserError:
    """Explain a connection or query failure in one line with no password in it."""
    if isinstance(error, UserError):
        return error
    secrets = url_secrets(url.render_as_string(hide_password=False))
    return UserError(mask_url_text(_explain(error, url), secrets))


_TLS_REQUIRED = ("require", "verify-ca", "verify-full")
"""asyncpg's ``ssl`` modes under which a PostgreSQL server that offers no TLS is refused."""

_ROLE = {"primary": "primary", "read-write": "primary", "standby": "standby", "read-only": "standby"}
"""What a ``target_session_attrs`` that no server matched asked for, in words."""


def _explain(error: BaseException, url: URL) -> str:
    """The line for ``error``: the first cause we recognise names what to fix, else the driver's own first line."""
    where = _where(url)
    user = _user(url)
    if isinstance(error, sa_exc.DBAPIError) and error.connection_invalidated:
        return (
            f"the server at {where} closed our connection ({_first_line(error)}); "
            "the pool was reset, so running it again will reconnect"
        )
    for cause in _causes(error):
        sqlstate = getattr(cause, "sqlstate", None)
        code = _mysql_code(cause)
        if code == _MYSQL_NO_ACCESS_TO_DATABASE:
            return (
                f"user {user!r} has no access to database {url.database!r} on {where}; "
                "ask for a GRANT on it, or pick a database the user may use"
            )
        if sqlstate in ("28P01", "28000") or code == _MYSQL_ACCESS_DENIED:
            return f"authentication failed for user {user!r} on {where}; check the user name and password"
        if sqlstate == "3D000" or code == 1049:
            database = _given(url, "database") or url.database  # libpq's ?dbname= (asyncpg's ?database=) wins
            return f"database {database!r} does not exist on {where}; create it or pick another"
        if isinstance(cause, ConnectionError) and "rejected SSL upgrade" in str(cause):  # asyncpg's words
            mode = _given(url, "ssl")
            if mode not in _TLS_REQUIRED or _port_hint(url):
                return _not_postgresql(url, where)
            return (
                f"the server at {where} does not offer TLS, but the URL asks for it (sslmode={mode}): "
                "enable TLS on the server, or use sslmode=prefer (or disable) to connect unencrypted"
            )
        if type(cause).__name__ == "ConnectionDoesNotExistError" and getattr(error, "statement", None) is None:
            return _not_postgresql(url, where)  # asyncpg's, hung up on while connecting: no statement was sent
        if type(cause).__name__ == "TargetServerAttributeNotMatched":  # asyncpg's, imported only with it
            return (
                f"no server the URL names is a {_ROLE.get(str(url.query.get('target_session_attrs')), 'match')} "
                f"(target_session_attrs={url.query.get('target_session_attrs')}); "
                "add one to the URL, or drop target_session_attrs"
            )
        if isinstance(cause, ssl.SSLCertVerificationError):
            return (
                f"the TLS certificate of the server at {where} failed verification ({cause.verify_message}); "
                "check the CA the URL names, and that the certificate names the host the URL uses"
            )
        if isinstance(cause, socket.gaierror) or code == 2005:
            return f"unknown host {url.host or _given(url, 'host')!r}; check the host name in the URL"
        refused = isinstance(cause, ConnectionRefusedError) or getattr(cause, "errno", None) == errno.ECONNREFUSED
        if (refused or isinstance(cause, FileNotFoundError)) and (where.startswith("/") or "unix_socket" in url.query):
            place = "at that path" if "unix_socket" in url.query else "in that directory"  # MySQL's socket, PG's dir
            return f"no server socket at {where}: is the server running, with its socket {place}?"
        if refused:
            return f"cannot connect to {where}: connection refused; is the server running there?"
        if isinstance(cause, (TimeoutError, asyncio.TimeoutError)):
            return f"no answer from {where} in time{_port_hint(url)}; check the host, port and firewall"
        sqlite_problem = _sqlite_problem(cause, url)
        if sqlite_problem is not None:
            return sqlite_problem
    return f"{display_url(url)}: {_first_line(error)}"


def _not_postgresql(url: URL, where: str) -> str:
    """The line for a server that answered asyncpg's first message with something no PostgreSQL sends, or hung up.

    asyncpg calls the first "rejected SSL upgrade" whatever the URL's sslmode,
    and the second "connection was closed in the middle of operation"; both
    mean the port is another server's (MySQL's greeting, an HTTP reply).
    """
    return f"the server at {where} did not answer as PostgreSQL{_port_hint(url)}; check the host and port"


def _sqlite_problem(cause: BaseException, url: URL) -> str | None:
    """What SQLite's own error code says about the file: not a database, damaged, locked, unopenable."""
    name = getattr(cause, "sqlite_errorname", None)
    if not isinstance(name, str):
        return None
    path = read_sqlite_url(url.database, url.query).path or ":memory:"
    said = _first_line(cause)
    if name == "SQLITE_NOTADB":
        return f"{path} is not a SQLite database (SQLite: {said}); check the path"
    if name.startswith("SQLITE_CORRUPT"):
        return f"SQLite file {path} is damaged (SQLite: {said}); open a backup, or recover a copy with sqlite3's .recover"
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return (
            f"SQLite file {path} is locked by another connection writing to it (SQLite: {said}); "
            "try again when it has finished, or add ?timeout=SECONDS to the URL to wait longer"
        )
    if name.startswith(("SQLITE_CANTOPEN", "SQLITE_IOERR")):
        return f"cannot read SQLite file {path} (SQLite: {said}); check the file and its directory's permissions"
    return None


def _port_hint(url: URL) -> str:
    """Say so when the port is the other server's usual one: each side waits for the other to speak first."""
    backend = url.get_backend_name()
    for server, port in _DEFAULT_PORT.items():
        if _port(url) == str(port) and server != backend and _DEFAULT_PORT.get(backend) != port:
            return f" ({port} is {_SERVER_NAMES[server]}'s usual port, and this is a {_SERVER_NAMES[backend]} URL)"
    return ""


_DRIVER_CLASS = re.compile(r"^<class '[\w.]+'>:\s*")
"""What SQLAlchemy's asyncpg adapter puts before asyncpg's own message."""


def driver_message(error: BaseException) -> str:
    """The first line of what the database or its driver said: without SQLAlchemy's wrapper (``(sqlite3.
    OperationalError) ...``), the adapter's class, or MySQL's error code."""
    root = _driver_error(error)
    args: tuple[Any, ...] = getattr(root, "args", ())
    pymysql = len(args) == 2 and isinstance(args[0], int) and isinstance(args[1], str)  # PyMySQL's (code, message)
    return _DRIVER_CLASS.sub("", _first_of(args[1] if pymysql else str(root), root))


def _first_line(error: BaseException) -> str:
    """The first line of an error's own text (the driver's, not SQLAlchemy's wrapper), MySQL's code kept."""
    root = _driver_error(error)
    return _first_of(str(root), root)


def _driver_error(error: BaseException) -> BaseException:
    """The driver's own exception behind SQLAlchemy's wrapper, or ``error`` itself."""
    return error.orig if isinstance(error, sa_exc.DBAPIError) and error.orig is not None else error


def _first_of(message: str, error: BaseException) -> str:
    return (message.strip().splitlines() or [type(error).__name__])[0]


