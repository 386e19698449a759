"""What the servers say about a test's own statements, and waiting for a state with a deadline.

Every probe is scoped to the test's own database, and to the session ids the
test's pool opened when it knows them, so another client on the same server
(tests/noisy_neighbour.py runs one on purpose) can never make a test pass or
fail. The probe's own connection goes to the admin database, outside the scope.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Collection

from sqlalchemy import bindparam, text
from sqlalchemy.ext.asyncio import create_async_engine

from tests.databases import MY_ADMIN_URL, PG_ADMIN_URL, TestDatabase

DEADLINE_S = 30.0
"""How long a test waits for a state before it fails: generous, because a busy machine is slow, not wrong."""
STOPPED_WITHIN_S = 10.0
"""How long a stopped statement may take to end on the server: a held KILL's 2 s, well short of a 30 s sleep."""

_RUNNING = {
    "postgresql": "SELECT query FROM pg_stat_activity WHERE datname = :db AND state = 'active' "
    "AND pid <> pg_backend_pid() AND query LIKE :like",
    "mariadb": "SELECT info FROM information_schema.processlist WHERE db = :db AND command = 'Query' "
    "AND id <> CONNECTION_ID() AND info LIKE :like",
}
_SESSIONS = {
    "postgresql": "SELECT pid FROM pg_stat_activity WHERE datname = :db AND pid <> pg_backend_pid()",
    "mariadb": "SELECT id FROM information_schema.processlist WHERE db = :db AND id <> CONNECTION_ID()",
}
_ONLY_IDS = {"postgresql": " AND pid IN :ids", "mariadb": " AND id IN :ids"}


async def running(database: TestDatabase, like: str = "%", session_ids: Collection[int] | None = None) -> int:
    """How many statements run now in ``database`` whose text is LIKE ``like``; only on ``session_ids`` when given."""
    return len(await running_statements(database, like, session_ids))


async def running_statements(
    database: TestDatabase, like: str = "%", session_ids: Collection[int] | None = None
) -> list[str]:
    """The text of each statement ``running`` counts, so that a failing assertion shows what was left."""
    return await _column(database, _RUNNING[database.backend], {"like": like}, session_ids)


async def left_running(
    database: TestDatabase, like: str = "%", session_ids: Collection[int] | None = None
) -> list[str]:
    """``running_statements`` once none is left, or what is still left after ``STOPPED_WITHIN_S``.

    A statement the tool has stopped may outlast the tool: MariaDB holds a
    KILL that meets another client's KILL of a ``SLEEP()`` for up to 2 s,
    and ends the statement after. One never stopped runs its full 30 s.
    """
    ends = time.monotonic() + STOPPED_WITHIN_S
    while (left := await running_statements(database, like, session_ids)) and time.monotonic() < ends:
        await asyncio.sleep(0.05)
    return left


async def sessions(database: TestDatabase, session_ids: Collection[int] | None = None) -> int:
    """Sessions open now on ``database``, busy or idle; only those with ``session_ids`` when given."""
    return len(await _column(database, _SESSIONS[database.backend], {}, session_ids))


async def _column(
    database: TestDatabase, sql: str, extra: dict[str, object], session_ids: Collection[int] | None
) -> list[str]:
    params: dict[str, object] = {"db": database.name, **extra}
    statement = text(sql)
    if session_ids is not None:
        if not session_ids:
            return []
        statement = text(sql + _ONLY_IDS[database.backend]).bindparams(bindparam("ids", expanding=True))
        params["ids"] = sorted(session_ids)
    engine = create_async_engine(PG_ADMIN_URL if database.backend == "postgresql" else MY_ADMIN_URL)
    try:
        async with engine.connect() as conn:
            return [str(value) for value in (await conn.execute(statement, params)).scalars()]
    finally:
        await engine.dispose()


async def until(condition: Callable[[], Awaitable[bool]], what: str, deadline_s: float = DEADLINE_S) -> None:
    """Poll an async condition every 50 ms until it holds; fail naming ``what`` after ``deadline_s``."""
    ends = time.monotonic() + deadline_s
    while not await condition():
        if time.monotonic() > ends:
            raise AssertionError(f"gave up waiting for {what} after {deadline_s:g} s")
        await asyncio.sleep(0.05)


def wait_until(condition: Callable[[], bool], what: str, deadline_s: float = DEADLINE_S) -> None:
    """``until`` for plain code (a subprocess, another thread): poll every 50 ms, fail after ``deadline_s``."""
    ends = time.monotonic() + deadline_s
    while not condition():
        if time.monotonic() > ends:
            raise AssertionError(f"gave up waiting for {what} after {deadline_s:g} s")
        time.sleep(0.05)
