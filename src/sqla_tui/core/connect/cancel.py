"""Stop a statement on the server when the task awaiting it is cancelled.

asyncpg does this itself: a cancelled await sends PostgreSQL a cancel
request. aiomysql only stops reading, so the server keeps running the
statement (a ``SLEEP(30)`` for 30 s) and the connection is left mid-result;
there the statement is killed from a second connection and the first one is
invalidated, so the pool never hands it out again. (SQLite is not covered:
aiosqlite's thread runs a cancelled statement to its end.)
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from sqla_tui.core.connect.engine import create_engine
from sqla_tui.core.connect.target import PoolOptions


@asynccontextmanager
async def stopped_on_cancel(conn: AsyncConnection) -> AsyncIterator[None]:
    """Run the block; if its task is cancelled, make sure the server stops the statement too."""
    if conn.dialect.name not in ("mysql", "mariadb"):
        yield
        return
    raw = await conn.get_raw_connection()
    thread_id = int(raw.driver_connection.thread_id())  # type: ignore[union-attr]
    try:
        yield
    except asyncio.CancelledError:
        await kill_query(conn.engine, thread_id)
        await conn.invalidate()
        raise


async def kill_query(engine: AsyncEngine, thread_id: int) -> None:
    """``KILL QUERY`` over a connection of its own: the pool may be exhausted by the very query to stop."""
    killer = create_engine(engine.url, PoolOptions(poolclass="null", pre_ping=False))
    try:
        async with killer.connect() as conn:
            await conn.execute(text(f"KILL QUERY {thread_id}"))
    finally:
        await killer.dispose()
