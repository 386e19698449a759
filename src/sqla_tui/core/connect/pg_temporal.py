"""PostgreSQL dates, times and intervals as PostgreSQL writes them, whenever Python cannot hold them exactly.

asyncpg decodes these types in binary straight into Python objects, and a
value outside Python's range fails the whole statement: a ``time`` of
``24:00:00`` (PostgreSQL's end of a day), a date BC or after 9999. Others it
changes: ``infinity`` reads as 9999-12-31, ``-infinity`` as 0001-01-01, a
month of an interval as 30 days, and an interval past ``timedelta``'s range
wraps around (178,000,000 years read as 545,490,560 days). So each
connection reads these types as the text PostgreSQL writes (ISO style, set
for the session by ``SERVER_SETTINGS``), turned into the Python object when that holds the value
exactly, else kept as the text. Parameters are written as text PostgreSQL
reads back the same way; an aware or naive datetime for ``timestamptz`` means
what it means to asyncpg (naive is the local time).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

_INTERVAL = re.compile(
    r"^(?:(?P<days>[-+]?\d+) days?)?\s*(?:(?P<sign>[-+])?(?P<hours>\d+):(?P<minutes>\d{2}):(?P<seconds>\d{2}(?:\.\d+)?))?$"
)


def _parsed(parse: Callable[[str], Any]) -> Callable[[str], Any]:
    """A decoder: ``parse(text)``, or the text itself when Python cannot hold the value."""

    def decode(text: str) -> Any:
        try:
            return parse(text)
        except (ValueError, OverflowError):
            return text

    return decode


def interval(text: str) -> datetime.timedelta:
    """``3 days 04:05:06.5`` as a timedelta; a ValueError for one with years or months, which have no fixed length."""
    match = _INTERVAL.match(text)
    if match is None or not text:
        raise ValueError(f"not a days-and-time interval: {text}")
    clock = datetime.timedelta(
        hours=int(match["hours"] or 0), minutes=int(match["minutes"] or 0), seconds=float(match["seconds"] or 0)
    )
    return datetime.timedelta(days=int(match["days"] or 0)) + (-clock if match["sign"] == "-" else clock)


def _interval_text(value: Any) -> str:
    if isinstance(value, datetime.timedelta):
        return f"{value.days} days {value.seconds} seconds {value.microseconds} microseconds"
    return str(value)


def _iso(value: Any) -> str:
    return value.isoformat() if isinstance(value, (datetime.date, datetime.time)) else str(value)


def _instant(value: Any) -> str:
    return value.astimezone(datetime.timezone.utc).isoformat() if isinstance(value, datetime.datetime) else str(value)


_CODECS: dict[str, tuple[Callable[[Any], str], Callable[[str], Any]]] = {
    "date": (_iso, _parsed(datetime.date.fromisoformat)),
    "timestamp": (_iso, _parsed(datetime.datetime.fromisoformat)),
    "timestamptz": (_instant, _parsed(datetime.datetime.fromisoformat)),
    "time": (_iso, _parsed(datetime.time.fromisoformat)),
    "timetz": (_iso, _parsed(datetime.time.fromisoformat)),
    "interval": (_interval_text, _parsed(interval)),
}


SERVER_SETTINGS = {"DateStyle": "ISO, MDY", "IntervalStyle": "postgres"}
"""The session's output styles the decoders read (PostgreSQL's defaults, which a database or role may change)."""


def read_exact_temporals(engine: AsyncEngine) -> None:
    """Have every new asyncpg connection of ``engine`` read (and write) the temporal types as text."""
    event.listen(engine.sync_engine, "connect", _on_connect)


def _on_connect(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.run_async(_install)  # SQLAlchemy's documented way to reach the asyncpg connection


async def _install(connection: Any) -> None:
    for name, (encoder, decoder) in _CODECS.items():
        await connection.set_type_codec(name, schema="pg_catalog", encoder=encoder, decoder=decoder, format="text")
