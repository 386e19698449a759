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
from collections.abc import AsyncIterator, Collection
from contextlib import asynccontextmanager

from sqlalchemy import bindparam, text
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncConnection

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

    One connection of its own (the pool may be exhausted by the very
    statements to stop), given ``CANCEL_TIMEOUT_S`` in all. The server
    stops a statement at its next check, usually within milliseconds; the
    asking is repeated for any session the server still shows running until
    none is (a request that reaches a session between two of its
    statements stops nothing), so a True means the server confirmed it.
    """
    ids = sorted(set(session_ids))
    if not ids or url.get_backend_name() not in _SERVERS:
        return True
    engine = create_engine(url, PoolOptions(poolclass="null", pre_ping=False), connect_timeout=CANCEL_TIMEOUT_S)
    conn: AsyncConnection | None = None
    try:
        async with asyncio.timeout(CANCEL_TIMEOUT_S):
            conn = await engine.connect()
            postgresql = url.get_backend_name() == "postgresql"
            while ids:
                if postgresql:
                    await conn.execute(_PG_CANCEL, {"ids": ids})
                else:
                    for sid in ids:
                        await _kill_query(conn, sid)
                ids = await _still_running(conn, ids, postgresql)
                if ids:
                    await asyncio.sleep(_RECHECK_S)
            await conn.close()
        return True
    except Exception:  # noqa: BLE001 - an unreachable server or a session already gone: nothing more to do
        if conn is not None:
            await hang_up(conn)
        return False
    finally:
        await engine.dispose()


async def _still_running(conn: AsyncConnection, ids: list[int], postgresql: bool) -> list[int]:
    """Which of these sessions the server still shows in the middle of a statement."""
    statement = _PG_RUNNING if postgresql else _MY_RUNNING
    return sorted((await conn.execute(statement, {"ids": ids})).scalars())


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
