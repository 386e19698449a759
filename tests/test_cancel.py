"""A cancelled await stops the statement on the server too, and the pool never hands out the broken connection."""

from __future__ import annotations

import asyncio
import time

import pytest
from sqlalchemy import text

from sqla_tui.core.connect.cancel import stopped_on_cancel
from sqla_tui.core.connect.engine import connect
from tests.databases import TestDatabase, run_async
from tests.server_probes import DEADLINE_S

SLEEP = {"postgresql": "SELECT pg_sleep(30)", "mariadb": "SELECT SLEEP(30)"}
SLEEPING = {
    "postgresql": "SELECT count(*) FROM pg_stat_activity "
    "WHERE datname = current_database() AND state = 'active' AND query = 'SELECT pg_sleep(30)'",
    "mariadb": "SELECT count(*) FROM information_schema.processlist WHERE db = DATABASE() AND info = 'SELECT SLEEP(30)'",
}


async def _cancel_a_sleep(database: TestDatabase) -> list[int]:
    """Sleeps on the server once the query runs, then after cancelling it; then what a fresh checkout answers."""
    engine, _ = await connect(database.url)

    async def sleep() -> None:
        async with engine.connect() as conn, stopped_on_cancel(conn):
            await conn.execute(text(SLEEP[database.backend]))

    async def sleeping(until: int) -> int:
        """The server's count of our sleeps, polled until it is ``until`` or the deadline passes."""
        ends = time.monotonic() + DEADLINE_S
        while True:
            async with engine.connect() as conn:
                count = int(await conn.scalar(text(SLEEPING[database.backend])))
            if count == until or time.monotonic() > ends:
                return count
            await asyncio.sleep(0.05)

    try:
        task = asyncio.ensure_future(sleep())
        seen = [await sleeping(until=1)]
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        seen.append(await sleeping(until=0))
        async with engine.connect() as conn:
            seen.append(int(await conn.scalar(text("SELECT 1"))))
    finally:
        await engine.dispose()
    return seen


@pytest.mark.parametrize("backend", ["postgresql", "mariadb"])
def test_a_cancelled_sleep_stops_on_the_server(empty_db: TestDatabase) -> None:
    assert run_async(_cancel_a_sleep(empty_db)) == [1, 0, 1]
