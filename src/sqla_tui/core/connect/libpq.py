"""libpq's URL options that asyncpg has no keyword for, turned into what it does take.

People paste PostgreSQL URLs from applications and ``psql``:
``?application_name=billing&connect_timeout=5&options=-c%20search_path%3Dsales``
or ``?sslmode=verify-full&sslrootcert=/etc/ssl/rds-ca.pem``. asyncpg's
``connect()`` has no such keywords (SQLAlchemy would pass them on and
asyncpg fail with a TypeError), but it takes the same things as
``server_settings`` and ``timeout``, and reads libpq's TLS files from the
query of a ``dsn`` it is also given, with its own libpq-compatible rules.
The read-only setting sqla-tui asks for is applied after the user's
settings, so no URL can turn it off.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlencode

from sqla_tui.core.connect.tls_files import require_files
from sqla_tui.core.connect.url_grammar import last_value
from sqla_tui.core.errors import UserError

TLS_FILES = ("sslrootcert", "sslcert", "sslkey", "sslcrl")
"""libpq's TLS options that asyncpg reads from a ``dsn``'s query (its ``ssl`` mode still comes as ``ssl``)."""
OPTIONS = ("application_name", "connect_timeout", "options", *TLS_FILES)
"""The URL options read here and removed before the URL reaches SQLAlchemy."""

SESSION_ATTRS = {"read-write": "primary", "read-only": "standby"}
"""libpq's ``target_session_attrs`` that ask about the session's read-only default, as asyncpg must be asked.

asyncpg tells them apart by ``default_transaction_read_only``, which every
sqla-tui session sets: no server would pass ``read-write`` and every server
``read-only``. What is meant is the server's role, which asyncpg reads as
``primary`` and ``standby`` (a server whose own default is read-only is the
one case libpq reads otherwise)."""

_FORMAT = (
    "-c name=value settings separated by spaces, a space inside a value escaped with a backslash, "
    "e.g. options=-c%20search_path%3Dsales"
)


@dataclass(frozen=True)
class LibpqOptions:
    """What the URL asked of the session: server settings, TLS files, the servers' role.

    ``connect_timeout``, which MySQL's URLs carry too, is read for both drivers by ``core.connect.engine``."""

    settings: dict[str, str] = field(default_factory=dict)
    dsn: str | None = None
    """``postgresql://?sslrootcert=…``: the TLS files, for asyncpg to read as libpq would; None without any."""
    session_attrs: str | None = None
    """``target_session_attrs`` to give asyncpg in place of the URL's (``SESSION_ATTRS``); None to keep the URL's."""


def libpq_options(query: Mapping[str, str | tuple[str, ...]]) -> LibpqOptions:
    """Read the libpq options asyncpg has no keyword for from a checked URL's query."""
    settings = parse_options(last_value(query.get("options", "")))
    if "application_name" in query:
        settings["application_name"] = last_value(query["application_name"])
    files = {key: last_value(query[key]) for key in TLS_FILES if key in query}
    require_files(files.values())
    dsn = f"postgresql://?{urlencode(files)}" if files else None
    attrs = SESSION_ATTRS.get(last_value(query.get("target_session_attrs", "")))
    return LibpqOptions(settings, dsn, attrs)


def parse_options(text: str) -> dict[str, str]:
    """libpq's ``options``: ``-c name=value`` (or ``-cname=value``, ``--name=value``), spaces escaped by backslashes."""
    words = _words(text)
    settings: dict[str, str] = {}
    while words:
        word = words.pop(0)
        if word == "-c" and words:
            word = words.pop(0)
        elif word.startswith("-c"):
            word = word[2:]
        elif word.startswith("--"):
            word = word[2:].replace("-", "_")
        else:
            raise UserError(f"URL option options={text!r} must be {_FORMAT}")
        name, equals, value = word.partition("=")
        if not equals or not name:
            raise UserError(f"URL option options={text!r} must be {_FORMAT}")
        settings[name.lower()] = value  # PostgreSQL reads setting names in any case
    return settings


def check_options(value: str) -> str | None:
    """The URL option check (``url_options``): None when libpq's ``options`` reads as settings, else what it must be."""
    try:
        parse_options(value)
    except UserError:
        return _FORMAT
    return None


def _words(text: str) -> list[str]:
    words, current, escaped, started = [], [], False, False
    for char in text:
        if escaped:
            current.append(char)
            escaped = False
        elif char == "\\":
            escaped, started = True, True
        elif char.isspace():
            if started:
                words.append("".join(current))
            current, started = [], False
        else:
            current.append(char)
            started = True
    if started:
        words.append("".join(current))
    return words
