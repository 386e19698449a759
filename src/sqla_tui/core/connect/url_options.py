"""The query options each driver takes from a URL, checked before anything connects.

SQLAlchemy hands most of a URL's query options straight to the driver's
``connect()``, so a misspelt option only surfaces as a TypeError inside a
connection attempt, and a value that is not a number as a ValueError
traceback (``?prepared_statement_cache_size=abc``). Here every option is
looked up in its driver's list and its value checked, so each problem is one
line naming the option. The lists hold what works from a URL, where every
value arrives as a string; anything else belongs in code, not in the URL.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from sqla_tui.core.connect.libpq import check_options as libpq_options
from sqla_tui.core.errors import UserError

Check = Callable[[str], "str | None"]
"""A value check: None when the value is fine, else what it must be."""

_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


def is_true(value: str) -> bool:
    """A boolean URL option as SQLite and SQLAlchemy both read it (checked by ``boolean`` first)."""
    return value.lower() in _TRUE


def text(value: str) -> str | None:
    """Any string: the driver itself says what is wrong with it."""
    return None


def boolean(value: str) -> str | None:
    """The spellings both SQLite and SQLAlchemy read as a boolean."""
    return None if value.lower() in _TRUE + _FALSE else "true or false (1/0, yes/no, on/off)"


def whole(low: int, high: int | None = None) -> Check:
    """A whole number from ``low`` (to ``high``), digits only, as the driver's ``int()`` would take it."""

    def check(value: str) -> str | None:
        within = value.isdigit() and int(value) >= low and (high is None or int(value) <= high)
        return None if within else f"a whole number from {low}" + (f" to {high}" if high else "")

    return check


def number(value: str) -> str | None:
    """A finite number of seconds, 0 or more."""
    try:
        ok = float(value) >= 0
    except ValueError:
        ok = False
    return None if ok and value.lower() not in ("inf", "nan", "infinity") else "a number of seconds, 0 or more"


def choice(*values: str) -> Check:
    """Exactly one of ``values``."""
    return lambda value: None if value in values else "one of " + ", ".join(values)


def _mysql_charset(value: str) -> str | None:
    """A character set aiomysql knows; an unknown one fails in its constructor and leaves a ``__del__`` traceback."""
    from pymysql.charset import charset_by_name  # aiomysql's own table, the one connect() looks names up in

    known = charset_by_name(value) is not None
    return None if known else "a MySQL character set name such as utf8mb4 or latin1"


MYSQL_SSL_MODES = {
    "disabled": "DISABLED", "disable": "DISABLED",
    "preferred": "PREFERRED", "prefer": "PREFERRED",
    "required": "REQUIRED", "require": "REQUIRED",
    "verify_ca": "VERIFY_CA", "verify-ca": "VERIFY_CA",
    "verify_identity": "VERIFY_IDENTITY", "verify-full": "VERIFY_IDENTITY",
}  # fmt: skip
"""MySQL's ``ssl_mode`` values in any case, in MySQL's words and libpq's, and the mode each means (``mysql_tls``)."""


def _mysql_ssl_mode(value: str) -> str | None:
    known = value.lower() in MYSQL_SSL_MODES
    return None if known else "one of DISABLED, PREFERRED, REQUIRED, VERIFY_CA, VERIFY_IDENTITY"


def _ports(value: str) -> str | None:
    """One port, or libpq's comma-separated list of them (one per host)."""
    port = whole(1, 65535)
    return None if all(port(part) is None for part in value.split(",")) else "a port from 1 to 65535, or a list of them separated by commas"


_SSL_MODES = choice("disable", "allow", "prefer", "require", "verify-ca", "verify-full")

ACCEPTED: dict[str, dict[str, Check]] = {
    "asyncpg": {
        "user": text,
        "password": text,
        "database": text,
        "dbname": text,  # libpq's name for it
        "host": text,
        "port": _ports,
        "passfile": text,
        "ssl": _SSL_MODES,
        "sslmode": _SSL_MODES,
        "target_session_attrs": choice("any", "primary", "standby", "read-write", "read-only", "prefer-standby"),
        "krbsrvname": text,
        "gsslib": choice("gssapi", "sspi"),
        "prepared_statement_cache_size": whole(0),
        # libpq's, which asyncpg takes as server settings and a timeout (core.connect.libpq)
        "application_name": text,
        "connect_timeout": whole(1),
        "options": libpq_options,
        "sslrootcert": text,
        "sslcert": text,
        "sslkey": text,
        "sslcrl": text,
    },
    "aiomysql": {
        "user": text,
        "password": text,
        "unix_socket": text,
        "charset": _mysql_charset,
        "sql_mode": text,
        "use_unicode": boolean,
        "connect_timeout": whole(1),
        "ssl_ca": text,
        "ssl_cert": text,
        "ssl_key": text,
        "ssl_capath": text,
        "ssl_cipher": text,
        "ssl_check_hostname": boolean,
        "ssl_mode": _mysql_ssl_mode,
        "ssl-mode": _mysql_ssl_mode,
        "sslmode": _mysql_ssl_mode,
        "auth_plugin": text,
        "server_public_key": text,
    },
    "aiosqlite": {
        "uri": boolean,
        "mode": choice("ro", "rw", "rwc", "memory"),
        "immutable": boolean,
        "nolock": boolean,
        "psow": boolean,
        "cache": choice("shared", "private"),
        "vfs": text,
        "timeout": number,
        "check_same_thread": boolean,
        "cached_statements": whole(0),
        "detect_types": whole(0),
        "isolation_level": text,
    },
}
"""Per driver: the URL options it takes and what each value must be."""

REPEATABLE = {"asyncpg": frozenset({"host", "port"})}
"""Options that may be given more than once (asyncpg's multi-host URLs)."""


def check_options(driver: str, query: Mapping[str, str | Sequence[str]]) -> dict[str, str]:
    """Refuse unknown options, repeated ones and bad values; return the options with one value each.

    A repeatable option keeps its last value in the result; the URL itself
    still carries them all for the driver.
    """
    accepted = ACCEPTED.get(driver)
    single: dict[str, str] = {}
    for key, given in query.items():
        values = [given] if isinstance(given, str) else list(given)
        if accepted is not None and key not in accepted:
            raise UserError(
                f"unknown URL option {key!r} for {driver}: remove it; accepted: {', '.join(sorted(accepted))}"
            )
        if len(values) > 1 and key not in REPEATABLE.get(driver, ()):
            raise UserError(f"URL option {key!r} is given {len(values)} times; keep one")
        for value in values:
            problem = accepted[key](value) if accepted is not None else None
            if problem is not None:
                raise UserError(f"URL option {key}={value!r} must be {problem}")
        single[key] = values[-1]
    return single
