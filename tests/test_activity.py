"""The server-side view: our own sessions, their state and how long they have been in it."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from sqla_tui.core.connect.target import PoolOptions
from sqla_tui.core.connect.url import parse_url
from sqla_tui.core.observe.monitor import PoolMonitor
from sqla_tui.core.pool.activity import ActivityView, ServerActivity
from sqla_tui.core.pool.load import LoadGenerator, LoadSpec
from tests.databases import TestDatabase
from tests.pool_helpers import watched

FULL = PoolOptions(pool_size=3, max_overflow=0, pool_timeout=5)
"""Three tasks take every connection, so the view must answer on a connection of its own."""


async def _during(empty_db: TestDatabase, scenario: str) -> tuple[ServerActivity, ServerActivity, list[int]]:
    """The view (narrowed to the pool's ids, then unnarrowed) while three tasks hold all three connections."""
    async with watched(empty_db, FULL) as (engine, monitor):
        generator = LoadGenerator(engine, LoadSpec(scenario, tasks=3, hold_ms=3000, duration_s=5))  # type: ignore[arg-type]
        running = asyncio.create_task(generator.run())
        view = ActivityView(engine.url)
        try:
            await _until_all_out(monitor)
            await asyncio.sleep(0.3)
            ids = monitor.session_ids()
            narrowed, everything = await view.fetch(ids), await view.fetch()
        finally:
            generator.stop()
            await running
            await view.close()
    return narrowed, everything, ids


async def _until_all_out(monitor: PoolMonitor) -> None:
    for _ in range(50):
        if monitor.snapshot().checked_out == 3:
            return
        await asyncio.sleep(0.02)
    raise AssertionError("the load never took all three connections")


async def test_sqlite_says_it_has_no_server_view(tmp_path: Path) -> None:
    view = ActivityView(parse_url(f"sqlite:///{tmp_path / 'none.db'}"))
    assert await view.fetch() == ServerActivity(False, [], "SQLite has no server, so no server-side session view")
    await view.close()


async def test_idle_in_transaction_sessions_are_shown(empty_db: TestDatabase) -> None:
    if empty_db.backend == "sqlite":
        pytest.skip("SQLite has no server-side session view")
    narrowed, everything, ids = await _during(empty_db, "idle-in-transaction")

    assert narrowed.supported and len(ids) == 3
    assert [session.session_id for session in narrowed.sessions] == ids
    assert {session.state for session in narrowed.sessions} == {"idle in transaction"}
    assert all(0.2 <= (session.state_s or 0) < 3 for session in narrowed.sessions)
    if empty_db.backend == "postgresql":
        assert {session.query for session in narrowed.sessions} == {"SELECT 1"}
        assert set(ids) <= {session.session_id for session in everything.sessions}  # by application_name
    else:
        assert everything.sessions == [] and everything.note == "no sessions of this app are open"


async def test_a_slow_query_is_shown_running(empty_db: TestDatabase) -> None:
    if empty_db.backend == "sqlite":
        pytest.skip("SQLite has no server-side session view")
    narrowed, _, ids = await _during(empty_db, "slow-query")

    expected = {"postgresql": ("active", "pg_sleep"), "mariadb": ("query", "SLEEP(")}[empty_db.backend]
    assert [session.session_id for session in narrowed.sessions] == ids
    assert {session.state for session in narrowed.sessions} == {expected[0]}
    assert all(expected[1] in (session.query or "") for session in narrowed.sessions)
