"""Another MariaDB client that starts and kills SLEEP()s of its own, as fast as the server answers.

Every ``SLEEP()`` on a MariaDB server waits under one shared mutex, so a
KILL of ours that meets one of the rival's can be held by the server for up
to 2 s (``THD::abort_current_cond_wait`` retries its lock, then gives up).
With three lanes the server held one of the rival's KILLs at 189 of 192
probes 50 ms apart, and a KILL of ours sent then was held in 9 rounds of 9
(2026-12-01). The rival's sessions name no database, so no probe scoped to a
test's own database counts them.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import aiomysql

from tests.databases import MY_HOST, MY_PORT

LANES = 3
_SLEEP_START_S = 0.002
"""Time for the rival's sleep to start on the server before it is killed."""
_HELD_MS = 100
"""A KILL running this long is held: unheld, one takes well under a millisecond."""
_HELD = (
    "SELECT id FROM information_schema.processlist WHERE id IN ({marks}) AND info LIKE 'KILL QUERY%%' AND time_ms > %s"
)


class KillingRival:
    """The rival's lanes, and what the server is doing with their KILLs."""

    def __init__(self, probe: aiomysql.Connection) -> None:
        self._probe = probe
        self._killers: list[int] = []

    def close(self) -> None:
        self._probe.close()

    async def holds_a_kill(self) -> bool:
        """Whether the server is holding one of the rival's KILLs now (running for longer than any KILL takes)."""
        if not self._killers:
            return False
        marks = ", ".join(["%s"] * len(self._killers))
        async with self._probe.cursor() as cursor:
            await cursor.execute(_HELD.format(marks=marks), [*self._killers, _HELD_MS])
            return bool(await cursor.fetchall())

    async def lane(self, stop: asyncio.Event) -> None:
        """Start a sleep on one connection and kill it from another, until stopped."""
        sleeper = await _connect()
        killer = await _connect()
        self._killers.append(killer.thread_id())
        try:
            async with killer.cursor() as kill:
                while not stop.is_set():
                    sleeping = asyncio.create_task(_sleep(sleeper))
                    while not sleeping.done():  # a KILL that comes before the sleep starts stops nothing: again
                        await asyncio.wait([sleeping], timeout=_SLEEP_START_S)
                        await kill.execute(f"KILL QUERY {sleeper.thread_id()}")
                        await asyncio.wait([sleeping], timeout=_SLEEP_START_S)
        finally:
            sleeper.close()
            killer.close()


@contextlib.asynccontextmanager
async def killing_rival(lanes: int = LANES) -> AsyncIterator[KillingRival]:
    """Run the rival's lanes for the duration of the block."""
    rival = KillingRival(await _connect())
    stop = asyncio.Event()
    running = [asyncio.create_task(rival.lane(stop)) for _ in range(lanes)]
    try:
        yield rival
    finally:
        stop.set()
        await asyncio.gather(*running)
        rival.close()


async def _connect() -> aiomysql.Connection:
    return await aiomysql.connect(host=MY_HOST, port=MY_PORT, user="root", autocommit=True)


async def _sleep(conn: aiomysql.Connection) -> None:
    async with conn.cursor() as cursor:
        with contextlib.suppress(aiomysql.OperationalError):  # 1317: interrupted, which is the point
            await cursor.execute("SELECT SLEEP(30)")
