"""SQLite TEXT that is not UTF-8, read instead of failing the whole statement.

SQLite stores whatever bytes it is given as TEXT, and Python's sqlite3 raises
"Could not decode to UTF-8" on the first such value, so one bad row made a
whole table unreadable. Each connection decodes TEXT itself: UTF-8 as usual,
anything else with the undecodable bytes spelled out (``caf\\xe9``), the raw
value still visible and still a string for everything that shows it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine


def decode_text(raw: bytes) -> str:
    """UTF-8 text, or the bytes UTF-8 cannot read written as ``\\xNN``."""
    try:
        return raw.decode()
    except UnicodeDecodeError:
        return raw.decode("utf-8", "backslashreplace")


def read_any_text(engine: AsyncEngine) -> None:
    """Have every new connection of this SQLite engine decode TEXT with ``decode_text``."""
    event.listen(engine.sync_engine, "connect", _set_text_factory)


def _set_text_factory(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.driver_connection.text_factory = decode_text  # aiosqlite.Connection's own setter
