"""Parse the URL a person pasted and map it to its dialect's async driver.

People paste sync URLs (``postgres://``, ``mysql+pymysql://``, ``sqlite:///x.db``);
the app is async all the way, so each is mapped to the async driver of its
dialect. A URL is only ever shown through ``display_url``.

Everything but ``parse_url`` works without SQLAlchemy (``core.connect.url_grammar``):
``check_url`` says whether a URL will open before the first frame, and the
app reads table names through the raw driver while SQLAlchemy imports.
"""

from __future__ import annotations

import importlib.util
import re
from typing import TYPE_CHECKING
from urllib.parse import quote, unquote

from sqla_tui.core.connect.masking import mask_url, mask_url_text, url_secrets
from sqla_tui.core.connect.pg_hosts import hosts_in_query, one_host_list
from sqla_tui.core.connect.sqlite_target import read_sqlite_url
from sqla_tui.core.connect.url_grammar import PortError, UrlParts, render_hiding_password, split_url
from sqla_tui.core.connect.url_options import check_options
from sqla_tui.core.connect.userinfo import userinfo_end
from sqla_tui.core.errors import UserError

if TYPE_CHECKING:
    from sqlalchemy.engine import URL

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
_SUPPORTED = "postgresql, mysql, mariadb and sqlite"
_SCHEME = re.compile(r"[\w+]+://")
"""The start of a URL as SQLAlchemy's parser reads it."""
_PASTED = re.compile(r"""\s*(?:export\s+)?(?:[A-Za-z_]\w*=)?(?P<quote>["']?)(?P<url>.*?)(?P=quote)\s*""", re.S)
"""A URL as it is copied out of a .env file or a shell line: ``export DATABASE_URL="…"``, padded, or in quotes.
None of those can start or end a URL (its scheme is letters, digits and ``+``), so they are taken off."""
_JDBC = "jdbc:"
_RENAMED_OPTIONS = {"asyncpg": {"sslmode": "ssl", "dbname": "database"}, "aiomysql": {"ssl-mode": "ssl_mode", "sslmode": "ssl_mode"}}
"""libpq spellings people paste, and the name their async driver knows them by."""


def display_url(url: URL | UrlParts) -> str:
    """The one way a URL is ever shown: password and credential-like options replaced by ``***``.

    A database's colons and backslashes stay as typed (``sqlite:///:memory:``, ``C:\\data\\x.db``), and so do
    the slashes and colons of the query's values (``?host=/var/run/postgresql``) and letters beyond ASCII
    (``ü.db``), where SQLAlchemy's own rendering writes ``%3A``, ``%5C``, ``%2F`` and ``%C3%BC``: SQLAlchemy
    reads the URL shown back either way.
    """
    return mask_url(render_hiding_password(url, database_safe=" +/:\\", query_safe="/:", as_typed=True))


def parse_url(raw: str) -> URL:
    """Parse what a person pasted and map it to its dialect's async driver, as SQLAlchemy's ``URL``.

    Checked by ``check_url``; then the dialect itself is loaded, which only
    a driver that is installed but broken can still fail.
    """
    from sqlalchemy import exc as sa_exc

    parts = check_url(raw)
    url = _sqlalchemy_url(parts)
    try:
        url.get_dialect()
    except (sa_exc.NoSuchModuleError, ImportError):
        raise UserError(
            f"unknown database dialect {parts.get_backend_name()!r}: sqla-tui supports {_SUPPORTED}"
        ) from None
    return url


def _sqlalchemy_url(parts: UrlParts) -> URL:
    """``parts`` as SQLAlchemy's ``URL``: the one place that imports it."""
    from sqlalchemy.engine import URL

    return URL.create(
        parts.drivername,
        username=parts.username,
        password=parts.password,
        host=parts.host,
        port=parts.port,
        database=parts.database,
        query=parts.query,
    )


def check_url(raw: str) -> UrlParts:
    """What a person pasted, checked and mapped to its dialect's async driver, without importing SQLAlchemy."""
    raw = pasted(raw)
    if raw.lower().startswith(_JDBC):
        raise UserError(
            f"{mask_url(raw)!r} is a JDBC URL, Java's spelling; without 'jdbc:' it is one sqla-tui reads: "
            f"{mask_url(raw[len(_JDBC) :])}"
        )
    if not raw:
        raise UserError("no database URL given: pass one, or set DATABASE_URL")
    try:
        url = _split(raw)
    except PortError as error:
        raise UserError(
            f"port {mask_url_text(error.text, url_secrets(raw))!r} in the URL is not a number; "
            "write host:PORT with a PORT from 1 to 65535, or leave the port out"
        ) from None
    except ValueError:
        raise UserError(
            f"not a database URL: {mask_url(raw)!r}; "
            "expected e.g. postgresql://user@host/dbname or sqlite:///path/to/file.db"
        ) from None
    if url.port is not None and not 0 < url.port < 65536:
        raise UserError(f"port {url.port} is out of range in the URL; a port is 1 to 65535")
    backend, _, driver = url.drivername.lower().partition("+")  # a scheme is case-insensitive (RFC 3986)
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
    if driver == "asyncpg":
        url = one_host_list(url)
    return _checked_options(url, backend, driver)


def pasted(raw: str) -> str:
    """``raw`` without what comes along when a URL is copied from a .env file or a shell line (``_PASTED``)."""
    match = _PASTED.fullmatch(raw)
    return match.group("url") if match else raw.strip()


def _split(raw: str) -> UrlParts:
    """SQLAlchemy's reading of ``raw``, unless it ends the password too early; then the password is encoded first.

    SQLAlchemy ends the password at its first ``@``, so ``u:p@ss@host``
    reads as host ``ss@host`` and ``u:p@ss:w@host`` fails on its port. A
    host never holds an ``@``: then the userinfo really ends at the last
    ``@`` a host follows (``core.connect.userinfo``), and is percent-encoded
    so SQLAlchemy reads it whole.
    """
    raw = hosts_in_query(raw)
    try:
        url = split_url(raw)
        if not (url.host and "@" in url.host):
            return url
    except ValueError:
        pass
    return _split_empty_port_as_none(_userinfo_encoded(raw))


def _split_empty_port_as_none(raw: str) -> UrlParts:
    """``split_url``, reading an empty port (``host:/db``) as no port, the default, as psql reads it.

    SQLAlchemy's ``int("")`` fails on it; any other port that is not a number still raises PortError.
    """
    try:
        return split_url(raw)
    except PortError as error:
        if error.text:
            raise
        return split_url(raw[: error.start - 1] + raw[error.start :])


def _userinfo_encoded(raw: str) -> str:
    """``raw`` with its user name and password percent-encoded; unchanged when no host follows an ``@``."""
    scheme = _SCHEME.match(raw)
    end = userinfo_end(raw, scheme.end()) if scheme else None
    if scheme is None or end is None:
        return raw
    user, colon, password = raw[scheme.end() : end].partition(":")
    encoded = quote(unquote(user), safe="") + colon + quote(unquote(password), safe="")
    return raw[: scheme.end()] + encoded + raw[end:]


def _checked_options(url: UrlParts, backend: str, driver: str) -> UrlParts:
    """Refuse unknown or malformed query options; rename libpq spellings to the driver's."""
    if backend == "sqlite":
        if url.username or url.password or url.host or url.port:
            raise UserError(
                "a SQLite URL names a file, not a server: write sqlite:///relative/path.db "
                "or sqlite:////absolute/path.db"
            )
        read_sqlite_url(url.database, url.query)
        return url
    check_options(driver, url.query)
    for old, new in _RENAMED_OPTIONS.get(driver, {}).items():
        if old in url.query:
            if new in url.query:
                raise UserError(f"URL options {old!r} and {new!r} say the same thing; keep one")
            query = {key: value for key, value in url.query.items() if key != old}
            url = url.set(query={**query, new: url.query[old]})
    return url


def split_password(raw: str) -> tuple[str, str | None]:
    """``raw`` without its password, and the password (None without one): what a saved connection keeps apart.

    The URL is otherwise kept as typed (its dialect, driver and options), so
    ``with_password`` puts back exactly what the user saved.
    """
    parse_url(raw)  # one line naming what is wrong, before anything is kept
    parts = _split(pasted(raw))
    if parts.password is None:
        return _sqlalchemy_url(parts).render_as_string(hide_password=False), None
    kept = _sqlalchemy_url(parts.set(password=None))
    return kept.render_as_string(hide_password=False), parts.password


def with_password(raw: str, password: str) -> str:
    """The saved URL ``raw`` with ``password`` put back, for this connection only."""
    url = _sqlalchemy_url(_split(pasted(raw)))
    if not url.username:
        raise UserError(
            "a password needs a user name in the URL: save it again as scheme://USER@host/db"
        )
    return url.set(password=password).render_as_string(hide_password=False)
