"""The server-side view: one pool's own sessions, their state and how long they have been in it."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import text

from sqla_tui.core.connect.engine import create_engine
from sqla_tui.core.connect.target import PoolOptions
from sqla_tui.core.connect.url import parse_url
from sqla_tui.core.observe.monitor import PoolMonitor
from sqla_tui.core.pool.activity import ActivityView, ServerActivity
from sqla_tui.core.pool.load import LoadGenerator, LoadSpec
from tests.databases import TestDatabase
from tests.pool_helpers import watched
from tests.server_probes import sessions, until

FULL = PoolOptions(pool_size=3, max_overflow=0, pool_timeout=5)
"""Three tasks take every connection, so the view must answer on a connection of its own."""


async def _during(empty_db: TestDatabase, scenario: str) -> tuple[ServerActivity, ServerActivity, list[int]]:
    """The view of the pool's sessions, read twice, while three tasks hold all three connections."""
    async with watched(empty_db, FULL) as (engine, monitor):
        generator = LoadGenerator(engine, LoadSpec(scenario, tasks=3, hold_ms=60_000, duration_s=120))  # type: ignore[arg-type]
        load = asyncio.create_task(generator.run())
        view = ActivityView(engine.url)
        try:
            await until(lambda: _all_out(monitor), "the load to take all three connections")
            ids = monitor.session_ids()
            first = await _settled(view, ids)
            later = await _later(view, ids, first)
        finally:
            generator.stop()
            await load
            await view.close()
    return first, later, ids


async def _all_out(monitor: PoolMonitor) -> bool:
    return monitor.snapshot().counters.checkouts == 3


async def _settled(view: ActivityView, ids: list[int]) -> ServerActivity:
    """A read in which all three sessions are in one state: the scenario's, once each has sent its statement."""
    seen: list[ServerActivity] = []

    async def settled() -> bool:
        seen[:] = [await view.fetch(ids)]
        return len(seen[0].sessions) == 3 and len({session.state for session in seen[0].sessions}) == 1

    await until(settled, "the three sessions in the scenario's state")
    return seen[0]


async def _later(view: ActivityView, ids: list[int], earlier: ServerActivity) -> ServerActivity:
    """A later read in which every session's time in its state has grown."""
    before = {session.session_id: session.state_s or 0 for session in earlier.sessions}
    seen: list[ServerActivity] = []

    async def grown() -> bool:
        seen[:] = [await view.fetch(ids)]
        return all((session.state_s or 0) > before[session.session_id] for session in seen[0].sessions)

    await until(grown, "the sessions' time in their state to grow")
    return seen[0]


async def test_sqlite_says_it_has_no_server_view(tmp_path: Path) -> None:
    view = ActivityView(parse_url(f"sqlite:///{tmp_path / 'none.db'}"))
    assert await view.fetch([]) == ServerActivity(False, [], "SQLite has no server, so no server-side session view")
    await view.close()


async def test_idle_in_transaction_sessions_are_shown(empty_db: TestDatabase) -> None:
    if empty_db.backend == "sqlite":
        pytest.skip("SQLite has no server-side session view")
    first, later, ids = await _during(empty_db, "idle-in-transaction")

    assert first.supported and len(ids) == 3
    assert [session.session_id for session in first.sessions] == ids
    assert {session.state for session in first.sessions} == {"idle in transaction"}
    assert [session.state for session in later.sessions] == ["idle in transaction"] * 3
    if empty_db.backend == "postgresql":
        assert {session.query for session in first.sessions} == {"SELECT 1"}


async def test_a_slow_query_is_shown_running(empty_db: TestDatabase) -> None:
    if empty_db.backend == "sqlite":
        pytest.skip("SQLite has no server-side session view")
    first, _, ids = await _during(empty_db, "slow-query")

    expected = {"postgresql": ("active", "pg_sleep"), "mariadb": ("query", "SLEEP(")}[empty_db.backend]
    assert [session.session_id for session in first.sessions] == ids
    assert {session.state for session in first.sessions} == {expected[0]}
    assert all(expected[1] in (session.query or "") for session in first.sessions)


async def test_only_the_pools_own_sessions_are_shown(empty_db: TestDatabase) -> None:
    """Another sqla-tui session on the same database (another process, same application name) is never listed."""
    if empty_db.backend == "sqlite":
        pytest.skip("SQLite has no server-side session view")
    neighbour = create_engine(empty_db.url)
    view = ActivityView(neighbour.url)
    try:
        async with neighbour.connect() as conn:
            await conn.execute(text("SELECT 1"))
            assert await sessions(empty_db) >= 1  # the neighbour is there to be seen
            async with watched(empty_db, FULL) as (engine, monitor):
                before = await view.fetch(monitor.session_ids())
                async with engine.connect() as own:
                    await own.execute(text("SELECT 1"))
                    ids = monitor.session_ids()
                    during = await view.fetch(ids)
    finally:
        await view.close()
        await neighbour.dispose()

    assert (before.sessions, before.note) == ([], "this pool has no connection open")
    assert [session.session_id for session in during.sessions] == ids and len(ids) == 1
