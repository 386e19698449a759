"""A cancelled await stops the statement on the server too, and the pool never hands out the broken connection."""

from __future__ import annotations

import asyncio
import contextlib
import time

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from sqla_tui.core.connect.cancel import cancel_statements, connection_session_id, stopped_on_cancel
from sqla_tui.core.connect.engine import connect
from tests.databases import TestDatabase, database_fixture, run_async
from tests.kill_rival import KillingRival, killing_rival
from tests.server_probes import DEADLINE_S, left_running, running, until

SLEEP = {"postgresql": "SELECT pg_sleep(30)", "mariadb": "SELECT SLEEP(30)"}
SLEEPING = {
    "postgresql": "SELECT count(*) FROM pg_stat_activity "
    "WHERE datname = current_database() AND state = 'active' AND query = 'SELECT pg_sleep(30)'",
    "mariadb": "SELECT count(*) FROM information_schema.processlist WHERE db = DATABASE() AND info = 'SELECT SLEEP(30)'",
}

RIVAL_HOLD_S = 5.0
"""How long to wait for the server to hold a KILL of the rival's: 189 probes of 192, 50 ms apart, found one held."""

mariadb_db = database_fixture("mariadb_db", backends=("mariadb",), scope="function")


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


async def _stop_four_sleeps_beside_a_rival(database: TestDatabase) -> tuple[bool, list[str]]:
    """Four sleeps stopped by ``cancel_statements`` while the server holds a KILL of ``kill_rival``'s: whether it
    held one, and what runs on."""
    engine, _ = await connect(database.url)
    try:
        async with killing_rival() as rival:
            return await _stop_four_sleeps(engine, database, rival)
    finally:
        await engine.dispose()


async def _stop_four_sleeps(engine: AsyncEngine, database: TestDatabase, rival: KillingRival) -> tuple[bool, list[str]]:
    """Start four sleeps, cancel them once the rival's KILL is held, wait for the server to end them."""

    async def sleep(conn: AsyncConnection) -> None:
        with contextlib.suppress(DBAPIError):  # interrupted: what the round is for
            await conn.execute(text(SLEEP[database.backend]))

    async def running_is(count: int) -> bool:
        return await running(database, "SELECT SLEEP%", session_ids=ids) == count

    async with contextlib.AsyncExitStack() as stack:
        conns = [await stack.enter_async_context(engine.connect()) for _ in range(4)]
        ids = [await connection_session_id(conn) for conn in conns]
        sleeps = [asyncio.ensure_future(sleep(conn)) for conn in conns]
        await until(lambda: running_is(4), "four sleeps running")
        try:
            await until(rival.holds_a_kill, "the server to hold one of the rival's KILLs", RIVAL_HOLD_S)
            held = True
        except AssertionError:  # a server that never holds a KILL: the cancel is still checked
            held = False
        await cancel_statements(engine.url, ids)
        left = await left_running(database, session_ids=ids)
        await asyncio.gather(*sleeps)
    return held, left


def test_a_kill_the_server_holds_does_not_keep_the_others_from_going(mariadb_db: TestDatabase) -> None:
    """MariaDB holds a KILL that meets another client's for up to 2 s; the other KILLs are still sent at once.

    Sent in turn on one connection, the three behind the held KILL missed
    the 1 s deadline and their sleeps ran their 30 s (9 rounds of 9).
    """
    held, left = run_async(_stop_four_sleeps_beside_a_rival(mariadb_db))
    assert left == []
    if not held:
        pytest.skip(f"the server held none of the rival's KILLs in {RIVAL_HOLD_S:g} s: no held KILL to send past")
