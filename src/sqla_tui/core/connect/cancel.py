"""Stop our statements on the server, in bounded time, whatever the network does.

Cancelling the task that awaits a statement only stops the client: aiomysql
stops reading while MariaDB keeps running the statement (a ``SLEEP(30)`` for
30 s), and asyncpg's own cancel request waits as long as the network lets it.
So a statement is stopped from a second connection, by the server's session
id (``pg_cancel_backend``, ``KILL QUERY``), with one deadline for connecting
and asking; then the first connection is hung up (its socket closed without
a goodbye the network may never carry) and invalidated, so the pool never
hands it out again. (SQLite is not covered: aiosqlite's thread runs a
cancelled statement to its end.)
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Collection
from contextlib import asynccontextmanager

from sqlalchemy import bindparam, text
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from sqla_tui.core.connect.engine import create_engine
from sqla_tui.core.connect.session_ids import session_id
from sqla_tui.core.connect.target import PoolOptions

CANCEL_TIMEOUT_S = 1.0
"""How long asking the server to stop statements may take, connecting included."""

_SERVERS = ("postgresql", "mysql", "mariadb")
_NO_SUCH_THREAD = 1094
_PG_CANCEL = text("SELECT pg_cancel_backend(pid) FROM unnest(CAST(:ids AS integer[])) AS pid")
_PG_RUNNING = text("SELECT pid FROM pg_stat_activity WHERE pid = ANY(CAST(:ids AS integer[])) AND state = 'active'")
_MY_RUNNING = text("SELECT id FROM information_schema.processlist WHERE id IN :ids AND command = 'Query'").bindparams(
    bindparam("ids", expanding=True)
)
_RECHECK_S = 0.01
"""How long a stopped statement gets to end before the server is asked again (it usually needs microseconds)."""
_MIN_PATIENCE_S = 0.05
"""How long a KILL's answer is waited for before the KILL counts as held, unless the first connect took longer.

Connecting costs several round trips and a KILL one, so a KILL slower
than the connect is held by the server, not by the network."""


@asynccontextmanager
async def stopped_on_cancel(conn: AsyncConnection) -> AsyncIterator[None]:
    """Run the block; if its task is cancelled, stop the statement on the server and drop the connection."""
    if conn.dialect.name not in _SERVERS:
        yield
        return
    sid = await connection_session_id(conn)
    try:
        yield
    except asyncio.CancelledError:
        await cancel_statements(conn.engine.url, [] if sid is None else [sid])
        await hang_up(conn)
        raise


async def connection_session_id(conn: AsyncConnection) -> int | None:
    """The server's id (PostgreSQL backend pid, MariaDB connection id) of the connection under ``conn``."""
    raw = await conn.get_raw_connection()
    return session_id(raw.driver_connection)


async def cancel_statements(url: URL, session_ids: Collection[int]) -> bool:
    """Ask the server to stop whatever these sessions are running; False if it could not be asked in time.

    A connection of its own (the pool may be exhausted by the very
    statements to stop), given ``CANCEL_TIMEOUT_S`` in all. The server
    stops a statement at its next check, usually within milliseconds; the
    asking is repeated for any session the server still shows running until
    none is (a request that reaches a session between two of its
    statements stops nothing), so a True means the server confirmed it.
    """
    ids = sorted(set(session_ids))
    if not ids or url.get_backend_name() not in _SERVERS:
        return True
    asker = _Asker(create_engine(url, PoolOptions(poolclass="null", pre_ping=False), connect_timeout=CANCEL_TIMEOUT_S))
    try:
        async with asyncio.timeout(CANCEL_TIMEOUT_S):
            conn = await asker.connect()
            postgresql = url.get_backend_name() == "postgresql"
            while ids:
                if postgresql:
                    await conn.execute(_PG_CANCEL, {"ids": ids})
                else:
                    conn = await asker.kill_each(conn, ids)
                ids = await _still_running(conn, ids, postgresql)
                if ids:
                    await asyncio.sleep(_RECHECK_S)
            await conn.close()
        return True
    except Exception:  # noqa: BLE001 - an unreachable server or a session already gone: nothing more to do
        return False
    finally:
        await asker.end()


async def _still_running(conn: AsyncConnection, ids: list[int], postgresql: bool) -> list[int]:
    """Which of these sessions the server still shows in the middle of a statement."""
    statement = _PG_RUNNING if postgresql else _MY_RUNNING
    return sorted((await conn.execute(statement, {"ids": ids})).scalars())


class _Asker:
    """The connections a cancel asks the server on, and the ``KILL QUERY``s the server has not answered.

    MariaDB can hold a KILL for up to 2 s: every ``SLEEP()`` waits under one
    server mutex, and a KILL that meets another client's KILL of another
    sleep retries its lock until it gives up (``abort_current_cond_wait``),
    then stops the statement anyway. Queued behind it on one connection,
    the other KILLs would never be sent before the deadline; so once one is
    held the rest are sent at once, each on a connection of its own. A held
    KILL is left to finish: the server completes one it has begun whether
    or not its asker is still there.
    """

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._connections: list[AsyncConnection] = []
        self._kills: list[asyncio.Task[None]] = []
        self._held: set[int] = set()
        """The sessions whose KILL is held: asking again would only be held too."""
        self._patience = _MIN_PATIENCE_S
        """How long a KILL's answer is waited for: the first connect's time, if longer than the least."""

    async def connect(self) -> AsyncConnection:
        connecting = time.monotonic()
        conn = await self._engine.connect()
        if not self._connections:
            self._patience = max(_MIN_PATIENCE_S, time.monotonic() - connecting)
        self._connections.append(conn)
        return conn

    async def kill_each(self, conn: AsyncConnection, ids: list[int]) -> AsyncConnection:
        """KILL each session not held in turn on ``conn``, the rest at once past a held one; a connection free to ask on."""
        asked = [sid for sid in ids if sid not in self._held]
        for index, sid in enumerate(asked):
            if not await self._kill(conn, sid):
                await asyncio.gather(*(self._kill_on_own_connection(other) for other in asked[index + 1 :]))
                return await self.connect()
        return conn

    async def end(self) -> None:
        """Stop waiting for held KILLs, hang up every connection still open, let the engine go."""
        for kill in self._kills:
            kill.cancel()
        await asyncio.gather(*self._kills, return_exceptions=True)
        for conn in self._connections:
            await hang_up(conn)
        await self._engine.dispose()

    async def _kill_on_own_connection(self, sid: int) -> None:
        conn = await self.connect()
        if await self._kill(conn, sid):
            await conn.close()

    async def _kill(self, conn: AsyncConnection, sid: int) -> bool:
        """Send the KILL and wait its patience for the answer: True if answered, else the session is held."""
        kill = asyncio.ensure_future(_kill_query(conn, sid))
        self._kills.append(kill)
        done, _ = await asyncio.wait([kill], timeout=self._patience)
        if kill not in done:
            self._held.add(sid)
            return False
        kill.result()
        return True


async def _kill_query(conn: AsyncConnection, sid: int) -> None:
    """MariaDB/MySQL ``KILL QUERY``; a session that has ended meanwhile ("Unknown thread id") is fine."""
    try:
        await conn.exec_driver_sql(f"KILL QUERY {int(sid)}")
    except sa_exc.DBAPIError as error:
        if getattr(error.orig, "args", (None,))[0] != _NO_SUCH_THREAD:
            raise


async def hang_up(conn: AsyncConnection) -> None:
    """Close the connection's socket at once and invalidate it, without waiting on the network.

    A graceful close sends the server a goodbye and waits for its answer
    (asyncpg for up to 2 s, more while its own cancel request is pending),
    which a stalled network never delivers; a connection whose statement
    was cancelled mid-result cannot be reused anyway.
    """
    if conn.invalidated or conn.closed:
        return
    raw = await conn.get_raw_connection()
    driver = raw.driver_connection
    close_now = getattr(driver, "terminate", None) or getattr(driver, "close", None)  # asyncpg; aiomysql
    if close_now is not None:
        close_now()
    await conn.invalidate()
