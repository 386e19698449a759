"""PostgreSQL dates, times and intervals that Python cannot hold, read in PostgreSQL's words instead of failing.

asyncpg decodes these types straight into Python objects, and one value
outside Python's range fails the whole statement: a ``time`` of ``24:00:00``
(PostgreSQL's end of a day), a date BC or after 9999. Others it changes:
``infinity`` reads as 9999-12-31, ``-infinity`` as 0001-01-01, a month of an
interval as 30 days, and an interval past ``timedelta``'s range wraps around
(178,000,000 years read as 545,490,560 days). Each connection decodes these
types itself from asyncpg's binary tuples (so arrays, ranges and composite
types of them keep working): the Python object when it holds the value
exactly, else the text PostgreSQL would print (``infinity``, ``4713-01-01
BC``, ``24:00:00``, ``1 year 2 mons``). Parameters are encoded as asyncpg
encodes them (a naive datetime for ``timestamptz`` is local time).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

_EPOCH = datetime.date(2000, 1, 1)
_EPOCH_ORDINAL = _EPOCH.toordinal()
_EPOCH_JULIAN_DAY = 2451545
_DAY_US = 86_400_000_000
_DATE_INFINITY, _DATE_MINUS_INFINITY = 2**31 - 1, -(2**31)
_TIMESTAMP_INFINITY, _TIMESTAMP_MINUS_INFINITY = 2**63 - 1, -(2**63)
_MIN_DAYS = datetime.date.min.toordinal() - _EPOCH_ORDINAL
_MAX_DAYS = datetime.date.max.toordinal() - _EPOCH_ORDINAL
_UTC = datetime.UTC


def _calendar(days: int) -> tuple[int, int, int]:
    """(year, month, day) of a day counted from 2000-01-01, any year (PostgreSQL's own j2date); year 0 is 1 BC."""
    julian = days + _EPOCH_JULIAN_DAY + 32044
    quad = julian // 146097
    extra = (julian - quad * 146097) * 4 + 3
    julian += 60 + quad * 3 + extra // 146097
    quad = julian // 1461
    julian -= quad * 1461
    year = julian * 4 // 1461
    julian = ((julian + 305) % 365 if year != 0 else (julian + 306) % 366) + 123
    year += quad * 4
    quad = julian * 2141 // 65536
    return year - 4800, (quad + 10) % 12 + 1, julian - 7834 * quad // 256


def _clock(microseconds: int) -> str:
    """``04:05:06.5``: hours past 23 allowed, fractions without trailing zeros, as PostgreSQL prints them."""
    seconds, fraction = divmod(microseconds, 1_000_000)
    minutes, second = divmod(seconds, 60)
    hour, minute = divmod(minutes, 60)
    return f"{hour:02d}:{minute:02d}:{second:02d}" + (f".{fraction:06d}".rstrip("0") if fraction else "")


def _day(days: int) -> tuple[str, bool]:
    """``YYYY-MM-DD`` of a day counted from 2000-01-01, and whether it is BC (PostgreSQL prints year 0 as 1 BC)."""
    year, month, day = _calendar(days)
    return f"{year if year > 0 else 1 - year:04d}-{month:02d}-{day:02d}", year <= 0


def _decode_date(value: tuple[int]) -> datetime.date | str:
    (days,) = value
    if days in (_DATE_INFINITY, _DATE_MINUS_INFINITY):
        return "infinity" if days > 0 else "-infinity"
    if _MIN_DAYS <= days <= _MAX_DAYS:
        return datetime.date.fromordinal(days + _EPOCH_ORDINAL)
    day, bc = _day(days)
    return f"{day} BC" if bc else day


def _timestamp(zone: datetime.tzinfo | None) -> Callable[[tuple[int]], Any]:
    """A decoder of ``timestamp`` (naive) or ``timestamptz`` (aware, in UTC, as asyncpg gives it)."""

    def decode(value: tuple[int]) -> datetime.datetime | str:
        (microseconds,) = value
        if microseconds in (_TIMESTAMP_INFINITY, _TIMESTAMP_MINUS_INFINITY):
            return "infinity" if microseconds > 0 else "-infinity"
        days, clock = divmod(microseconds, _DAY_US)
        if _MIN_DAYS <= days <= _MAX_DAYS:
            midnight = datetime.datetime.combine(datetime.date.fromordinal(days + _EPOCH_ORDINAL), datetime.time(), zone)
            return midnight + datetime.timedelta(microseconds=clock)
        day, bc = _day(days)
        return f"{day} {_clock(clock)}{'+00' if zone else ''}{' BC' if bc else ''}"

    return decode


def _offset(west: int) -> str:
    """A time zone offset as PostgreSQL prints it: ``+05:30``, ``+05``, ``-03``."""
    east = -west
    hours, rest = divmod(abs(east), 3600)
    minutes, seconds = divmod(rest, 60)
    text = f"{'-' if east < 0 else '+'}{hours:02d}"
    return text + (f":{minutes:02d}" if minutes or seconds else "") + (f":{seconds:02d}" if seconds else "")


def _decode_time(value: tuple[int]) -> datetime.time | str:
    (microseconds,) = value
    if microseconds >= _DAY_US:
        return _clock(microseconds)
    return (datetime.datetime.min + datetime.timedelta(microseconds=microseconds)).time()


def _decode_timetz(value: tuple[int, int]) -> datetime.time | str:
    microseconds, west = value
    clock = _decode_time((microseconds,))
    if isinstance(clock, str):
        return f"{clock}{_offset(west)}"
    return clock.replace(tzinfo=datetime.timezone(datetime.timedelta(seconds=-west)))


def _interval_text(months: int, days: int, microseconds: int) -> str:
    """An interval as PostgreSQL's default style prints it: ``1 year 2 mons -3 days +04:05:06.5``."""
    years, mons = int(months / 12), months - int(months / 12) * 12  # C's truncating division, as PostgreSQL's
    parts: list[str] = []
    before = False
    for number, unit in ((years, "year"), (mons, "mon"), (days, "day")):
        if number:
            parts.append(f"{'+' if before and number > 0 else ''}{number} {unit}{'s' if number != 1 else ''}")
            before = number < 0
    if not parts or microseconds:
        sign = "-" if microseconds < 0 else ("+" if before else "")
        parts.append(f"{sign}{_clock(abs(microseconds))}")
    return " ".join(parts)


def _decode_interval(value: tuple[int, int, int]) -> datetime.timedelta | str:
    months, days, microseconds = value
    if months == 0:
        try:
            return datetime.timedelta(days=days, microseconds=microseconds)
        except OverflowError:
            pass
    return _interval_text(months, days, microseconds)


def _encode_date(value: datetime.date) -> tuple[int]:
    return (value.toordinal() - _EPOCH_ORDINAL,)


def _encode_timestamp(value: datetime.datetime) -> tuple[int]:
    return ((value - datetime.datetime(2000, 1, 1)) // datetime.timedelta(microseconds=1),)


def _encode_timestamptz(value: datetime.datetime) -> tuple[int]:
    return ((value.astimezone(_UTC) - datetime.datetime(2000, 1, 1, tzinfo=_UTC)) // datetime.timedelta(microseconds=1),)


def _encode_time(value: datetime.time) -> tuple[int]:
    return (((value.hour * 60 + value.minute) * 60 + value.second) * 1_000_000 + value.microsecond,)


def _encode_timetz(value: datetime.time) -> tuple[int, int]:
    offset = value.utcoffset() or datetime.timedelta(0)
    return (_encode_time(value)[0], -int(offset.total_seconds()))


def _encode_interval(value: datetime.timedelta) -> tuple[int, int, int]:
    return (0, value.days, value.seconds * 1_000_000 + value.microseconds)


_CODECS: dict[str, tuple[Callable[[Any], tuple[int, ...]], Callable[[Any], Any]]] = {
    "date": (_encode_date, _decode_date),
    "timestamp": (_encode_timestamp, _timestamp(None)),
    "timestamptz": (_encode_timestamptz, _timestamp(_UTC)),
    "time": (_encode_time, _decode_time),
    "timetz": (_encode_timetz, _decode_timetz),
    "interval": (_encode_interval, _decode_interval),
}


def read_exact_temporals(engine: AsyncEngine) -> None:
    """Have every new asyncpg connection of ``engine`` decode the temporal types with these codecs."""
    event.listen(engine.sync_engine, "connect", _on_connect)


def _on_connect(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.run_async(_install)  # SQLAlchemy's documented way to reach the asyncpg connection


async def _install(connection: Any) -> None:
    """Built-in types: asyncpg knows them without asking the server, so this costs no round trip."""
    for name, (encoder, decoder) in _CODECS.items():
        await connection.set_type_codec(name, schema="pg_catalog", encoder=encoder, decoder=decoder, format="tuple")
