"""LoadGenerator: bounded, stoppable at any moment, and every connection back afterwards."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from sqla_tui.core.connect.target import PoolOptions
from sqla_tui.core.errors import UserError
from sqla_tui.core.observe.monitor import create_monitored_engine
from sqla_tui.core.pool.load import SCENARIOS, LoadGenerator, LoadSpec
from tests.databases import TestDatabase, run_async
from tests.pool_helpers import watched

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
    """Every scenario, stopped mid-hold with two tasks still queued, hands every connection back."""
    for scenario in SCENARIOS:
        async with watched(empty_db, PATIENT) as (engine, monitor):
            generator = LoadGenerator(engine, LoadSpec(scenario, tasks=5, hold_ms=2000, duration_s=30))
            running = asyncio.create_task(generator.run())
            await asyncio.sleep(0.3)
            busy = monitor.snapshot()
            started = time.monotonic()
            generator.stop()
            result = await running
            stopped_in = time.monotonic() - started
            after = monitor.snapshot()

        assert (scenario, busy.checked_out, busy.waiters) == (scenario, 3, 2)
        assert result.stopped and stopped_in < 1.0, scenario
        assert (scenario, after.checked_out, after.waiters) == (scenario, 0, 0)
        assert engine.sync_engine.pool.checkedout() == 0
        assert after.counters.checkins == after.counters.checkouts, scenario


async def test_the_duration_ends_the_run(empty_db: TestDatabase) -> None:
    async with watched(empty_db, ROOMY) as (engine, monitor):
        result = await LoadGenerator(engine, LoadSpec("steady", tasks=3, hold_ms=20, duration_s=0.4)).run()
        after = monitor.snapshot()

    assert not result.stopped and 0.4 <= result.elapsed_s < 0.7
    assert result.completed >= 3 * 10 and result.timeouts == 0 and result.errors == 0
    assert after.checked_out == 0 and 0 <= after.counters.checkouts - result.completed <= 3  # 3 cut short


async def test_burst_tries_once_per_task(empty_db: TestDatabase) -> None:
    async with watched(empty_db) as (engine, _):
        result = await LoadGenerator(engine, LoadSpec("burst", tasks=5, hold_ms=500, duration_s=5)).run()

    assert (result.completed, result.timeouts, result.errors) == (2, 3, 0)
    assert result.elapsed_s < 1.2 and not result.stopped


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
    time.sleep(0.5)
    generator.stop()
    thread.join(timeout=5)
    assert not thread.is_alive()
    [(result, checked_out)] = outcome  # type: ignore[misc]
    assert result.stopped and checked_out == 0


async def test_stop_before_run_ends_it_at_once(empty_db: TestDatabase) -> None:
    async with watched(empty_db, ROOMY) as (engine, _):
        generator = LoadGenerator(engine, LoadSpec("steady", tasks=3, hold_ms=100, duration_s=30))
        generator.stop()
        result = await generator.run()

    assert result.stopped and result.elapsed_s < 0.5


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
