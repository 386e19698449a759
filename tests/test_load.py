"""LoadGenerator: bounded, stoppable at any moment, and every connection back afterwards."""

from __future__ import annotations

import asyncio
import threading

import pytest
from sqlalchemy import text

from sqla_tui.core.connect.engine import connect
from sqla_tui.core.connect.target import PoolOptions
from sqla_tui.core.errors import UserError
from sqla_tui.core.observe.monitor import PoolMonitor, create_monitored_engine
from sqla_tui.core.pool.load import SCENARIOS, LoadGenerator, LoadSpec
from tests.databases import TestDatabase, run_async
from tests.pool_helpers import watched
from tests.server_probes import running, running_statements, until, wait_until

ROOMY = PoolOptions(pool_size=3, max_overflow=0, pool_timeout=0.3)
PATIENT = PoolOptions(pool_size=3, max_overflow=0, pool_timeout=5)
"""Two of five tasks are still waiting in the queue when the test stops the load."""


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (LoadSpec(tasks=0), "--tasks must be between 1 and 1000, got 0"),
        (LoadSpec(tasks=1001), "--tasks must be between 1 and 1000, got 1001"),
        (LoadSpec(duration_s=601), "--duration must be more than 0 and at most 600 s, got 601"),
        (LoadSpec(duration_s=0), "--duration must be more than 0 and at most 600 s, got 0"),
        (LoadSpec(hold_ms=-1), "--hold-ms must be between 0 and 600000, got -1"),
        (LoadSpec(scenario="storm"), "unknown scenario 'storm': choose one of steady, burst, leak"),  # type: ignore[arg-type]
    ],
)
def test_a_load_is_bounded(spec: LoadSpec, message: str) -> None:
    with pytest.raises(UserError, match=message):
        LoadGenerator(create_monitored_engine("sqlite://"), spec)


async def test_stop_returns_every_connection(empty_db: TestDatabase) -> None:
    """Every scenario, stopped mid-hold with two tasks still queued: the two are cancelled, not handed a connection."""
    for scenario in SCENARIOS:
        async with watched(empty_db, PATIENT) as (engine, monitor):
            generator = LoadGenerator(engine, LoadSpec(scenario, tasks=5, hold_ms=30_000, duration_s=60))
            running_load = asyncio.create_task(generator.run())
            await _until_busy(monitor, checked_out=3, waiters=2)
            generator.stop()
            result = await running_load
            after = monitor.snapshot()

        assert (scenario, after.counters.checkouts, after.counters.checkins, after.hold.count) == (scenario, 3, 3, 3)
        assert (scenario, after.checked_out, after.waiters) == (scenario, 0, 0)
        assert engine.sync_engine.pool.checkedout() == 0
        assert result.stopped and result.completed == 0, scenario
        assert (scenario, result.cancelled, result.errors, result.timeouts) == (scenario, 2, 0, 0)


async def _until_busy(monitor: PoolMonitor, *, checked_out: int, waiters: int) -> None:
    """Until ``checked_out`` tasks hold a connection (the checkout done, pre-ping and all) and ``waiters`` wait."""

    async def busy() -> bool:
        snapshot = monitor.snapshot()
        return (snapshot.counters.checkouts, snapshot.checked_out, snapshot.waiters) == (checked_out, checked_out, waiters)

    await until(busy, f"{checked_out} connections held and {waiters} checkouts waiting")


async def test_stop_leaves_no_statement_running_on_the_server(empty_db: TestDatabase) -> None:
    """slow-query stopped mid-statement: when run() returns, none of the run's sessions is still running one."""
    if empty_db.backend == "sqlite":
        pytest.skip("SQLite runs no statement on a server")
    sleep = {"postgresql": "SELECT pg_sleep%", "mariadb": "SELECT SLEEP%"}[empty_db.backend]
    async with watched(empty_db, PATIENT) as (engine, monitor):
        generator = LoadGenerator(engine, LoadSpec("slow-query", tasks=5, hold_ms=30_000, duration_s=60))
        running_load = asyncio.create_task(generator.run())
        await _until_busy(monitor, checked_out=3, waiters=2)
        ids = monitor.session_ids()

        async def sleeping() -> bool:
            return await running(empty_db, sleep, ids) == 3

        await until(sleeping, "three sleeps running on the server")
        generator.stop()
        result = await running_load
        left = await running_statements(empty_db, "%", ids)

    assert left == []
    assert (result.completed, result.cancelled, result.errors, result.timeouts) == (0, 2, 0, 0)


async def test_connections_the_server_drops_count_as_errors(empty_db: TestDatabase) -> None:
    """MariaDB: a held connection killed by the server fails its return (the rollback): an error of the load, not a pool log."""
    if empty_db.backend != "mariadb":
        pytest.skip("a steady hold sends nothing on return except on MariaDB/MySQL, whose rollback reaches the server")
    async with watched(empty_db, ROOMY) as (engine, monitor):
        generator = LoadGenerator(engine, LoadSpec("steady", tasks=3, hold_ms=500, duration_s=60))
        running_load = asyncio.create_task(generator.run())
        await _until_busy(monitor, checked_out=3, waiters=0)
        killer, _ = await connect(empty_db.url)
        try:
            async with killer.connect() as conn:
                for sid in monitor.session_ids():
                    await conn.execute(text(f"KILL {int(sid)}"))
        finally:
            await killer.dispose()

        async def counted() -> bool:
            return monitor.snapshot().counters.invalidations >= 3

        await until(counted, "the three dropped connections found dead")
        generator.stop()
        result = await running_load

    assert result.error_counts == {"OperationalError": result.errors}
    assert "Lost connection" in result.first_messages["OperationalError"]


async def test_the_duration_ends_the_run(empty_db: TestDatabase) -> None:
    async with watched(empty_db, ROOMY) as (engine, monitor):
        result = await LoadGenerator(engine, LoadSpec("steady", tasks=3, hold_ms=20, duration_s=0.4)).run()
        after = monitor.snapshot()

    assert not result.stopped and result.elapsed_s >= 0.4
    assert result.completed >= 3 and result.timeouts == 0 and result.errors == 0
    assert after.checked_out == 0 and 0 <= after.counters.checkouts - result.completed <= 3  # 3 cut short


async def test_burst_tries_once_per_task(empty_db: TestDatabase) -> None:
    async with watched(empty_db) as (engine, _):
        result = await LoadGenerator(engine, LoadSpec("burst", tasks=5, hold_ms=500, duration_s=600)).run()

    assert (result.completed, result.timeouts, result.errors) == (2, 3, 0)
    assert not result.stopped and result.elapsed_s < 600  # it ended because every task was done


def test_stop_from_another_thread(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The TUI runs the load on its own loop in a thread and stops it from the UI thread."""
    import sqlite3

    path = tmp_path / "t.db"
    sqlite3.connect(path).close()
    engine = create_monitored_engine(f"sqlite:///{path}", ROOMY)
    generator = LoadGenerator(engine, LoadSpec("leak", tasks=4, hold_ms=0, duration_s=30))

    async def load():  # type: ignore[no-untyped-def]
        try:
            return await generator.run(), engine.sync_engine.pool.checkedout()
        finally:
            await engine.dispose()

    outcome: list[object] = []
    thread = threading.Thread(target=lambda: outcome.append(run_async(load())))
    thread.start()
    wait_until(lambda: engine.sync_engine.pool.checkedout() == 3, "the leak to take the pool's three connections")
    generator.stop()
    wait_until(lambda: not thread.is_alive(), "the load's thread to end")
    [(result, checked_out)] = outcome  # type: ignore[misc]
    assert result.stopped and checked_out == 0


async def test_stop_before_run_ends_it_at_once(empty_db: TestDatabase) -> None:
    async with watched(empty_db, ROOMY) as (engine, monitor):
        generator = LoadGenerator(engine, LoadSpec("steady", tasks=3, hold_ms=100, duration_s=30))
        generator.stop()
        result = await generator.run()
        snapshot = monitor.snapshot()

    assert result.stopped and (result.completed, result.cancelled, snapshot.counters.checkouts) == (0, 0, 0)


async def test_failures_are_counted_not_raised(empty_db: TestDatabase) -> None:
    if empty_db.backend == "sqlite":
        pytest.skip("a missing SQLite file is refused before any load starts")
    missing = empty_db.url.rsplit("/", 1)[0] + "/sqla_tui_no_such_database"
    engine = create_monitored_engine(missing, ROOMY)
    try:
        result = await LoadGenerator(engine, LoadSpec("steady", tasks=2, hold_ms=10, duration_s=0.3)).run()
    finally:
        await engine.dispose()

    assert result.completed == 0 and result.timeouts == 0 and result.errors > 0
    [(kind, message)] = result.first_messages.items()
    assert result.error_counts == {kind: result.errors}
    assert "sqla_tui_no_such_database" in message
