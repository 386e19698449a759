"""A lesson on pool sizing: size and overflow as a ceiling, the timeout, a leaked connection, recycle.

Each step makes a small engine of its own (``make_engine``: the same
database, read-only, with the pool settings the step is about) and disposes
of it; the checks read the pool's own error and the statements sent.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from sqlalchemy import exc, select
from sqlalchemy.ext.asyncio import AsyncEngine

from sqla_tui.core.grammar import counted
from sqla_tui.core.lessons.engine import Lesson, Seen, Step, first_line

MakeEngine = Callable[..., AsyncEngine]


async def over_the_limit(make_engine: MakeEngine) -> str:
    engine = make_engine(pool_size=2, max_overflow=1, pool_timeout=0.5)
    ready, release = asyncio.Semaphore(0), asyncio.Event()

    async def hold() -> None:  # a request that keeps its connection until released
        async with engine.connect() as conn:
            await conn.execute(select(1))
            ready.release()
            await release.wait()

    holders = [asyncio.create_task(hold()) for _ in range(3)]  # size 2 + overflow 1: the pool is full
    try:
        async with asyncio.timeout(30):
            for _ in holders:
                await ready.acquire()
        try:
            async with engine.connect():  # the fourth waits pool_timeout, then gives up
                return "no error"
        except exc.TimeoutError as error:
            return str(error)
    finally:
        release.set()
        await asyncio.gather(*holders, return_exceptions=True)
        await engine.dispose()


async def leaked_connection(make_engine: MakeEngine) -> tuple[str, int]:
    engine = make_engine(pool_size=1, max_overflow=0, pool_timeout=0.3)
    try:
        leaked = await engine.connect()  # opened without 'async with' and never closed: a leak
        try:
            async with engine.connect():
                refused = "no error"
        except exc.TimeoutError as error:
            refused = str(error)
        await leaked.close()  # returned: the slot is free again
        async with engine.connect() as conn:
            one = (await conn.execute(select(1))).scalar_one()
        return refused, one
    finally:
        await engine.dispose()


async def recycled_connection(make_engine: MakeEngine) -> tuple[bool, bool]:
    async def two_checkouts(engine: AsyncEngine, pause: float) -> bool:
        async with engine.connect() as conn:
            first = (await conn.get_raw_connection()).driver_connection
        await asyncio.sleep(pause)
        async with engine.connect() as conn:
            second = (await conn.get_raw_connection()).driver_connection
        await engine.dispose()
        return first is second

    kept = await two_checkouts(make_engine(pool_size=1), 0)
    recycled = await two_checkouts(make_engine(pool_size=1, pool_recycle=1), 1.1)  # older than 1 s: replaced
    return kept, recycled


def _ceiling(seen: Seen) -> tuple[bool, str]:
    message = first_line(Exception(seen.value))
    ok = "limit of size 2 overflow 1 reached" in message and seen.count() == 3
    return ok, f"{counted(seen.count(), 'statement')} held 3 connections; the fourth checkout raised: {message}"


def _leak(seen: Seen) -> tuple[bool, str]:
    refused, one = seen.value
    message = first_line(Exception(refused))
    ok = "limit of size 1 overflow 0 reached" in message and one == 1
    return ok, f"while leaked: {message}; after close() the next checkout ran SELECT 1"


def _recycle(seen: Seen) -> tuple[bool, str]:
    kept, recycled = seen.value
    ok = kept and not recycled
    return ok, (
        f"without pool_recycle the second checkout got {'the same' if kept else 'another'} connection; "
        f"with pool_recycle=1 after 1.1 s, {'the same (not recycled)' if recycled else 'a new one'}"
    )


POOL = Lesson(
    "pool",
    "Pool sizing: size, overflow, timeout, a leak, recycle",
    "pool_size + max_overflow connections at most; past that a checkout waits pool_timeout, then fails.",
    (
        Step("size + overflow is the ceiling", "Three requests hold size 2 + overflow 1; a fourth waits 0.5 s "
             "(pool_timeout) and fails with the error people search for.", over_the_limit, _ceiling),
        Step("A leaked connection holds its slot", "A connection opened without 'async with' and never closed "
             "keeps its slot: the pool lab's leak suspects are these.", leaked_connection, _leak),
        Step("pool_recycle replaces old connections", "A connection older than pool_recycle seconds is replaced "
             "at checkout (servers drop idle ones: MySQL's wait_timeout); pool_pre_ping, on by default here, "
             "tests each checkout the same way.", recycled_connection, _recycle),
    ),
)  # fmt: skip
