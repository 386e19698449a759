"""A database URL split into its parts exactly as SQLAlchemy's ``make_url`` splits it, without importing SQLAlchemy.

Importing SQLAlchemy costs ~0.3 s, half of a start-up, and checking the URL a
person typed comes before the first frame: so the grammar lives here, a copy
of ``sqlalchemy.engine.url._parse_url`` (its pattern, its percent-decoding,
its ``int()`` of the port, ``parse_qsl`` for the query). It accepts and
rejects what ``make_url`` does and yields the same parts, which
tests/test_url_grammar.py checks on a table of odd and hostile URLs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, quote, quote_plus, unquote

if TYPE_CHECKING:  # a URL is rendered the same way; this module must not import SQLAlchemy to run
    from sqlalchemy.engine import URL

Query = dict[str, "str | tuple[str, ...]"]
"""A URL's query options: one value, or a tuple of them when a key is repeated (as SQLAlchemy keeps them)."""


def last_value(value: str | tuple[str, ...]) -> str:
    """One query option's value: the last, when the URL repeats it (only repeatable options get past the check so)."""
    return value if isinstance(value, str) else value[-1]


_PATTERN = re.compile(
    r"""
        (?P<name>[\w\+]+)://
        (?:
            (?P<username>[^:/]*)
            (?::(?P<password>[^@]*))?
        @)?
        (?:
            (?:
                \[(?P<ipv6host>[^/\?]+)\] |
                (?P<ipv4host>[^/:\?]+)
            )?
            (?::(?P<port>[^/\?]*))?
        )?
        (?:/(?P<database>[^\?]*))?
        (?:\?(?P<query>.*))?
        """,
    re.X,
)
"""SQLAlchemy 2.x's URL pattern, character for character."""


class PortError(ValueError):
    """A URL whose host has a port that is not a number, where ``make_url`` raises a bare ValueError: the port is named."""

    def __init__(self, text: str, start: int) -> None:
        super().__init__(f"invalid port {text!r}")
        self.text = text
        """The port as written (empty for ``host:/db``)."""
        self.start = start
        """Where the port starts in the URL, just after its colon."""


@dataclass(frozen=True)
class UrlParts:
    """The parts of a database URL, named as ``sqlalchemy.engine.URL`` names them."""

    drivername: str
    username: str | None = None
    password: str | None = None
    host: str | None = None
    port: int | None = None
    database: str | None = None
    query: Query = field(default_factory=dict)

    def get_backend_name(self) -> str:
        return self.drivername.partition("+")[0]

    def get_driver_name(self) -> str:
        return self.drivername.partition("+")[2]

    def set(self, **changes: object) -> UrlParts:
        return replace(self, **changes)  # type: ignore[arg-type]  # the same keywords dataclasses.replace takes


def split_url(raw: str) -> UrlParts:
    """``raw`` in parts, as ``make_url`` reads it; ValueError where ``make_url`` raises (PortError for the port)."""
    match = _PATTERN.match(raw)
    if match is None:
        raise ValueError("Could not parse SQLAlchemy URL from given URL string")
    parts = match.groupdict()
    try:
        port = None if parts["port"] is None else int(parts["port"])  # int(), as SQLAlchemy's URL.create converts it
    except ValueError:
        if not (parts["ipv4host"] or parts["ipv6host"]):  # no host before it: not a host:port at all (garbage://::)
            raise
        raise PortError(parts["port"], match.start("port")) from None
    query: Query = {}
    if parts["query"] is not None:
        for key, value in parse_qsl(parts["query"]):
            if key in query:
                earlier = query[key]
                query[key] = (*((earlier,) if isinstance(earlier, str) else earlier), value)
            else:
                query[key] = value
    decoded = {key: None if parts[key] is None else unquote(parts[key]) for key in ("username", "password", "database")}
    return UrlParts(
        drivername=parts["name"],
        host=parts["ipv4host"] or parts["ipv6host"],
        port=port,
        query=query,
        **decoded,
    )


def render_hiding_password(
    url: URL | UrlParts, *, database_safe: str = " +/", query_safe: str = "", as_typed: bool = False
) -> str:
    """The URL as ``URL.render_as_string(hide_password=True)`` writes it; takes a ``URL`` as well as ``UrlParts``.

    ``database_safe``: characters of the database name left as they are (SQLAlchemy's are the default);
    ``query_safe``: the same for the query's values (SQLAlchemy escapes all); ``as_typed``: letters beyond ASCII
    left as they are in both (``ü``, not ``%C3%BC``), which SQLAlchemy reads back the same."""
    encode = _keeping_unicode if as_typed else quote
    text = url.drivername + "://"
    if url.username is not None:
        text += quote(url.username, safe=" +")
        if url.password is not None:
            text += ":***"
        text += "@"
    if url.host is not None:
        text += f"[{url.host}]" if ":" in url.host else url.host
    if url.port is not None:
        text += f":{url.port}"
    if url.database is not None:
        text += "/" + encode(url.database, safe=database_safe)
    if url.query:
        pairs = [
            (key, value)
            for key, values in sorted(url.query.items())
            for value in ((values,) if isinstance(values, str) else values)
        ]
        text += "?" + "&".join(
            f"{quote_plus(key)}={encode(value, safe=query_safe + ' ').replace(' ', '+')}" for key, value in pairs
        )
    return text


def _keeping_unicode(text: str, *, safe: str) -> str:
    """``quote(text, safe=safe)`` that leaves every character beyond ASCII as it is."""
    return "".join(char if ord(char) > 127 else quote(char, safe=safe) for char in text)
