"""The server's view of one pool's sessions: state, time in that state, and query.

A pool's sessions are the ones it opened: the PostgreSQL backend pids and
MariaDB connection ids the pool monitor recorded on connect. Names are no
help: every sqla-tui process (and anyone who borrows the name) sets
``application_name = 'sqla-tui'``, and MariaDB keeps the client's
``program_name`` only in ``performance_schema``, off by default. A pool
with no connection open has no sessions to show. SQLite has no server and
no such view.

The view runs on its own short-lived connection outside the watched pool, so
it still answers while that pool is exhausted; that connection leaves itself
out of the result.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, text
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncEngine

from sqla_tui.core.connect.engine import APPLICATION_NAME, create_engine
from sqla_tui.core.connect.failures import translate_error
from sqla_tui.core.connect.target import PoolOptions


@dataclass(frozen=True)
class ServerSession:
    """One of our sessions as the server sees it."""

    session_id: int
    state: str
    """'idle', 'active', 'idle in transaction', ... (MariaDB: its Command, lower-cased)."""
    state_s: float | None
    """How long it has been in that state, in seconds."""
    query: str | None
    """The statement running, or last run (PostgreSQL)."""


@dataclass(frozen=True)
class ServerActivity:
    """Our sessions on the server, or why there is no such view."""

    supported: bool
    sessions: list[ServerSession] = field(default_factory=list)
    note: str | None = None


_PG_BY_ID = text(
    """
    SELECT pid, coalesce(state, 'unknown') AS state,
           extract(epoch FROM clock_timestamp() - state_change) AS state_s, query
    FROM pg_stat_activity
    WHERE pid IN :ids AND application_name = :name AND pid <> pg_backend_pid()
    ORDER BY pid
    """
).bindparams(bindparam("ids", expanding=True))
_MY_BY_ID = text(
    """
    SELECT id, command, time_ms / 1000.0 AS state_s, info, trx_id
    FROM information_schema.processlist AS p
    LEFT JOIN information_schema.innodb_trx AS t ON t.trx_mysql_thread_id = p.id
    WHERE id IN :ids AND id <> CONNECTION_ID()
    ORDER BY id
    """
).bindparams(bindparam("ids", expanding=True))
NO_CONNECTIONS = "this pool has no connection open"


class ActivityView:
    """Reads our sessions from the server over a private, unpooled connection."""

    def __init__(self, url: URL) -> None:
        self._url = url
        self._backend = url.get_backend_name()
        self._engine: AsyncEngine | None = None
        if self._backend != "sqlite":
            self._engine = create_engine(url, PoolOptions(poolclass="null", pre_ping=False))

    async def fetch(self, session_ids: Collection[int]) -> ServerActivity:
        """The sessions with these ids (``PoolMonitor.session_ids()``: the pool's open connections) now."""
        if self._engine is None:
            return ServerActivity(supported=False, note="SQLite has no server, so no server-side session view")
        ids = sorted(set(session_ids))
        if not ids:
            return ServerActivity(True, note=NO_CONNECTIONS)
        try:
            async with self._engine.connect() as conn:
                if self._backend == "postgresql":
                    rows = (await conn.execute(_PG_BY_ID, {"ids": ids, "name": APPLICATION_NAME})).all()
                    return ServerActivity(True, [_pg_session(*row) for row in rows])
                rows = (await conn.execute(_MY_BY_ID, {"ids": ids})).all()
                return ServerActivity(True, [_mysql_session(*row) for row in rows])
        except Exception as error:  # noqa: BLE001 - a failed refresh is one line, never a crash
            raise translate_error(error, self._url) from None

    async def close(self) -> None:
        if self._engine is not None:
            await self._engine.dispose()


def _pg_session(pid: int, state: str, state_s: Any, query: str | None) -> ServerSession:
    return ServerSession(pid, state, None if state_s is None else round(float(state_s), 3), query or None)


def _mysql_session(sid: int, command: str, state_s: Any, info: str | None, trx_id: Any) -> ServerSession:
    """MariaDB says 'Sleep' for an idle session; with an open transaction it is idle in transaction."""
    state = command.lower()
    if state == "sleep":
        state = "idle in transaction" if trx_id is not None else "idle"
    return ServerSession(int(sid), state, None if state_s is None else round(float(state_s), 3), info or None)
