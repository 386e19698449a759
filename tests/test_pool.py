"""PoolMonitor: exhaustion, waiters, timeouts, leaks with their code location, on every backend."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import pool as sa_pool
from sqlalchemy import text

from sqla_tui.core.connect.target import PoolOptions
from sqla_tui.core.observe.figures import percentiles
from sqla_tui.core.observe.monitor import PoolMonitor, create_monitored_engine
from sqla_tui.core.observe.pool import (
    InstrumentedQueuePool,
    instrumented_class,
    is_instrumented,
    pool_settings,
)
from sqla_tui.core.pool.load import LoadGenerator, LoadSpec
from tests.databases import TestDatabase, run_async
from tests.pool_helpers import watched
from tests.server_probes import sessions, until, wait_until

TIMEOUT_TEXT = "QueuePool limit of size 2 overflow 0 reached, connection timed out, timeout 0.30"


async def test_overload_caps_checked_out_at_capacity_and_counts_every_timeout(empty_db: TestDatabase) -> None:
    async with watched(empty_db) as (engine, monitor):
        monitor.start_sampling(0.05)
        generator = LoadGenerator(engine, LoadSpec("steady", tasks=8, hold_ms=600, duration_s=60))
        load = asyncio.create_task(generator.run())

        async def four_holds_done() -> bool:
            return generator.completed >= 4 and generator.timeouts > 0

        await until(four_holds_done, "four full holds and a timeout")
        generator.stop()
        result = await load
        await monitor.stop_sampling()
        snapshot = monitor.snapshot()
        history = monitor.history()

    assert (snapshot.size, snapshot.capacity, snapshot.max_overflow, snapshot.timeout_s) == (2, 2, 0, 0.3)
    assert snapshot.max_checked_out == 2
    assert max(point.checked_out for point in history) == 2
    assert result.timeouts > 0 and result.errors == 0
    assert snapshot.counters.timeouts == result.timeouts
    assert snapshot.last_timeout_message == TIMEOUT_TEXT
    assert result.first_messages["TimeoutError"] == TIMEOUT_TEXT
    assert 6 <= snapshot.max_waiters <= 8  # eight asked at once; two opened the pool's two connections
    assert max(point.waiters or 0 for point in history) >= 6
    assert snapshot.acquire is not None and snapshot.acquire.max_ms >= 300
    assert snapshot.acquire.count == snapshot.counters.checkouts + snapshot.counters.timeouts
    assert snapshot.checked_out == 0 and snapshot.waiters == 0
    assert snapshot.counters.checkins == snapshot.counters.checkouts
    cut_short = snapshot.counters.checkouts - result.completed
    assert 0 <= cut_short <= 2  # only the (at most two) holding when stopped were cut short
    # every other task was queued (a timed-out one queues again at once): cancelled, never handed a connection
    assert result.cancelled + cut_short == 8 and result.cancelled >= 6
    assert snapshot.hold.p50_ms is not None and snapshot.hold.p50_ms >= 600  # most holds are full 600 ms holds


async def test_enough_capacity_means_no_waiting_and_no_timeouts(empty_db: TestDatabase) -> None:
    async with watched(empty_db, PoolOptions(pool_size=4, max_overflow=0, pool_timeout=0.3)) as (engine, monitor):
        result = await LoadGenerator(engine, LoadSpec("burst", tasks=4, hold_ms=100, duration_s=1.0)).run()
        snapshot = monitor.snapshot()

    assert result.completed == 4 and not result.stopped
    assert (snapshot.max_checked_out, snapshot.counters.timeouts, snapshot.counters.connects) == (4, 0, 4)
    assert snapshot.max_waiters == 0  # opening the four connections is not waiting for one
    assert snapshot.idle == 4 and snapshot.overflow == 0
    assert len(snapshot.connection_ages_s) == 4


async def test_a_leak_is_reported_with_the_line_that_checked_it_out(empty_db: TestDatabase) -> None:
    async with watched(empty_db, leak_threshold=0.2) as (engine, monitor):
        line = sys._getframe().f_lineno + 1
        leaked = await engine.connect()
        async with engine.connect():
            assert monitor.snapshot().leak_suspects == []

            async def both_suspected() -> bool:
                return len(monitor.snapshot().leak_suspects) == 2

            await until(both_suspected, "both checkouts held past the threshold")
            suspects = monitor.snapshot().leak_suspects
        await leaked.close()
        released = monitor.snapshot().released_suspects

    assert [(suspect.file, suspect.line, suspect.released) for suspect in suspects] == [
        (__file__, line, False),
        (__file__, line + 1, False),
    ]
    assert all(suspect.held_s >= 0.2 for suspect in suspects)
    assert f"test_pool.py:{line} in test_a_leak_is_reported_with_the_line_that_checked_it_out" in suspects[0].location
    assert [(suspect.line, suspect.released) for suspect in released] == [(line + 1, True), (line, True)]
    if empty_db.backend != "sqlite":
        assert {suspect.session_id for suspect in suspects} == set(monitor.session_ids())


async def test_leak_scenario_names_the_code_that_started_the_load(empty_db: TestDatabase) -> None:
    async with watched(empty_db, leak_threshold=0.3) as (engine, monitor):
        line = sys._getframe().f_lineno + 1
        generator = LoadGenerator(engine, LoadSpec("leak", tasks=4, hold_ms=0, duration_s=1.0))
        load = asyncio.create_task(generator.run())

        async def both_suspected() -> bool:
            return len(monitor.snapshot().leak_suspects) == 2

        await until(both_suspected, "the two leaked connections held past the threshold")
        suspects = monitor.snapshot().leak_suspects
        result = await load
        after = monitor.snapshot()

    assert len(suspects) == 2 and result.completed == 0 and result.timeouts > 0
    assert {(suspect.file, suspect.line) for suspect in suspects} == {(__file__, line)}
    assert after.checked_out == 0 and after.leak_suspects == []
    assert len(after.released_suspects) == 2 and all(suspect.held_s >= 0.3 for suspect in after.released_suspects)


async def test_snapshots_from_another_thread_while_the_load_runs(empty_db: TestDatabase) -> None:
    async with watched(empty_db) as (engine, monitor):
        taken: list[int] = []
        failures: list[BaseException] = []
        done = threading.Event()

        def reader() -> None:
            try:
                while not done.is_set():
                    snapshot = monitor.snapshot()
                    monitor.sample()
                    json.dumps(dataclasses.asdict(snapshot))
                    taken.append(snapshot.counters.checkouts)
            except BaseException as error:  # noqa: BLE001 - reported below, whatever it was
                failures.append(error)

        thread = threading.Thread(target=reader)
        thread.start()
        try:
            await LoadGenerator(engine, LoadSpec("steady", tasks=6, hold_ms=5, duration_s=0.5)).run()
        finally:
            done.set()
            thread.join()

    assert failures == [] and len(taken) > 10 and taken == sorted(taken)


async def test_counters_follow_the_pool_events(empty_db: TestDatabase) -> None:
    async with watched(empty_db, PoolOptions(pool_size=1, max_overflow=0)) as (engine, monitor):
        for _ in range(3):
            async with engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
        busy = monitor.snapshot()
        await engine.dispose()
        disposed = monitor.snapshot()

    assert (busy.counters.checkouts, busy.counters.checkins, busy.counters.connects) == (3, 3, 1)
    assert busy.counters.resets == 3 and busy.counters.disconnects == 0
    assert busy.hold.count == 3 and busy.acquire is not None and busy.acquire.count == 3
    assert disposed.counters.disconnects == 1 and disposed.connection_ages_s == []


async def test_the_monitor_survives_dispose(empty_db: TestDatabase) -> None:
    async with watched(empty_db) as (engine, monitor):
        await engine.dispose()
        assert is_instrumented(engine.sync_engine.pool)
        async with engine.connect():
            pass
        snapshot = monitor.snapshot()

    assert snapshot.counters.checkouts == 1 and snapshot.acquire is not None and snapshot.acquire.count == 1


async def test_a_dead_connection_counts_as_a_pre_ping_failure(empty_db: TestDatabase) -> None:
    if empty_db.backend == "sqlite":
        pytest.skip("a SQLite connection cannot be killed from outside")
    async with watched(empty_db, PoolOptions(pool_size=1, max_overflow=0)) as (engine, monitor):
        async with engine.connect():
            pass
        [victim] = monitor.session_ids()
        kill = "SELECT pg_terminate_backend(:id)" if empty_db.backend == "postgresql" else "KILL :id"
        async with watched(empty_db, PoolOptions(poolclass="null")) as (killer, _), killer.connect() as conn:
            await conn.execute(text(kill), {"id": victim})

        async def gone() -> bool:
            return await sessions(empty_db, [victim]) == 0

        await until(gone, "the server to end the killed session")
        async with engine.connect() as conn:
            assert await conn.scalar(text("SELECT 1")) == 1
        snapshot = monitor.snapshot()

    assert snapshot.counters.pre_ping_failures == 1
    assert snapshot.counters.invalidations >= 1 and snapshot.counters.connects == 2
    assert victim not in monitor.session_ids()


async def test_a_connection_invalidated_while_out_comes_back_without_a_reset(empty_db: TestDatabase) -> None:
    async with watched(empty_db, PoolOptions(pool_size=1, max_overflow=0)) as (engine, monitor):
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
            await conn.invalidate()
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 2"))
        snapshot = monitor.snapshot()

    assert (snapshot.counters.checkouts, snapshot.counters.checkins, snapshot.counters.resets) == (2, 2, 1)
    assert snapshot.counters.invalidations == 1 and snapshot.hold.count == 2


@pytest.mark.parametrize(
    ("poolclass", "name"),
    [("null", "NullPool"), ("static", "StaticPool")],
)
async def test_pools_without_a_queue_say_what_they_cannot_report(
    empty_db: TestDatabase, poolclass: str, name: str
) -> None:
    async with watched(empty_db, PoolOptions(poolclass=poolclass)) as (engine, monitor):
        async with engine.connect():
            during = monitor.snapshot()
        after = monitor.snapshot()

    assert after.pool_class == name
    assert (after.size, after.capacity, after.idle, after.overflow) == (None, None, None, None)
    assert during.checked_out == 1 and after.checked_out == 0
    assert after.counters.checkouts == 1 and after.hold.count == 1
    assert any(f"no size, idle, overflow or capacity: {name}" in note for note in after.limitations)
    assert any("no timeouts" in note for note in after.limitations)


async def test_a_plain_engine_is_watched_without_waiters(empty_db: TestDatabase) -> None:
    from sqla_tui.core.connect.engine import create_engine

    engine = create_engine(empty_db.url)
    monitor = PoolMonitor(engine)
    try:
        async with engine.connect():
            pass
        snapshot = monitor.snapshot()
    finally:
        monitor.close()
        await engine.dispose()

    assert (snapshot.counters.checkouts, snapshot.counters.checkins, snapshot.hold.count) == (1, 1, 1)
    assert snapshot.waiters is None and snapshot.acquire is None
    assert any("no waiters or acquire times" in note for note in snapshot.limitations)


def test_pool_settings_read_the_private_attributes_they_need(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import sqlite3

    path = tmp_path / "x.db"
    sqlite3.connect(path).close()
    options = PoolOptions(pool_size=3, max_overflow=4, pool_timeout=1.5, pool_recycle=30, pre_ping=False)
    engine = create_monitored_engine(f"sqlite:///{path}", options)
    pool = engine.sync_engine.pool
    assert type(pool) is InstrumentedQueuePool and isinstance(pool, sa_pool.AsyncAdaptedQueuePool)
    settings = pool_settings(pool)
    assert settings.pool_class == "AsyncAdaptedQueuePool"
    assert (settings.size, settings.max_overflow, settings.timeout, settings.recycle) == (3, 4, 1.5, 30)
    assert settings.pre_ping is False and settings.capacity == 7
    assert pool_settings(pool.recreate()) == settings


def test_a_pool_can_switch_between_plain_and_instrumented_in_place() -> None:
    """benchmarks/pool_overhead.py compares the two on one pool's connections this way."""
    pool = create_monitored_engine("sqlite://").sync_engine.pool
    pool.__class__ = sa_pool.StaticPool
    assert not is_instrumented(pool)
    pool.__class__ = instrumented_class(sa_pool.StaticPool)
    assert is_instrumented(pool) and pool_settings(pool).pool_class == "StaticPool"


def test_memory_sqlite_keeps_its_static_pool() -> None:
    engine = create_monitored_engine("sqlite://")
    assert pool_settings(engine.sync_engine.pool).pool_class == "StaticPool"
    assert is_instrumented(engine.sync_engine.pool)


def test_percentiles_are_nearest_rank_in_milliseconds() -> None:
    values = [i / 1000 for i in range(1, 101)]
    assert percentiles(250, 0.5, values) == percentiles(250, 0.5, list(reversed(values)))
    result = percentiles(250, 0.5, values)
    assert (result.count, result.p50_ms, result.p95_ms, result.max_ms) == (250, 50.0, 95.0, 500.0)
    assert percentiles(0, 0.0, []).p50_ms is None


def _pool_cli(url: str, *flags: str) -> dict:  # type: ignore[type-arg]
    from typer.testing import CliRunner

    from sqla_tui.cli import app

    args = ["pool", url, "--tasks", "10", "--hold-ms", "1000", "--duration", "1.2", "--max-overflow", "0", *flags]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout) if "--json" in flags else {"text": result.stdout}


def test_cli_reproduces_the_exhaustion_error(empty_db: TestDatabase) -> None:
    report = _pool_cli(empty_db.url, "--pool-size", "2", "--pool-timeout", "0.5", "--json")
    totals = report["totals"]
    assert totals["max_checked_out"] == 2 and totals["capacity"] == 2
    assert totals["timeouts"] > 0 and totals["timeouts"] == report["pool"]["counters"]["timeouts"]
    assert totals["timeout_message"] == "QueuePool limit of size 2 overflow 0 reached, connection timed out, timeout 0.50"
    assert totals["max_waiters"] >= 8 - 2 and totals["acquire_max_ms"] >= 500 and totals["errors"] == 0
    assert len(report["series"]) >= 10 and max(point["checked_out"] for point in report["series"]) == 2
    assert report["load"]["scenario"] == "steady" and report["spec"]["tasks"] == 10


def test_cli_with_room_for_every_task_has_no_timeouts(empty_db: TestDatabase) -> None:
    report = _pool_cli(empty_db.url, "--pool-size", "10", "--pool-timeout", "0.5", "--json")
    totals = report["totals"]
    assert (totals["timeouts"], totals["errors"], totals["max_checked_out"], totals["max_waiters"]) == (0, 0, 10, 0)
    assert totals["timeout_message"] is None
    # not "completed == 10": a hold that began late on a busy machine is cut short by the 1.2 s stop, not timed out


def test_cli_text_shows_the_timeout_text_once_and_the_leaks(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import sqlite3

    path = tmp_path / "t.db"
    sqlite3.connect(path).close()
    text_out = _pool_cli(
        f"sqlite:///{path}", "--pool-size", "2", "--pool-timeout", "0.5", "--scenario", "leak", "--leak-threshold", "1"
    )["text"]
    assert text_out.count("QueuePool limit of size 2 overflow 0 reached, connection timed out, timeout 0.50") == 1
    assert "max checked out      2 of 2" in text_out
    assert "leak suspects        2 held past 1 s" in text_out
    assert text_out.count("returned after 1.") == 2 and "core/pool/load.py" in text_out


def test_an_instrumented_pool_logs_where_sqlalchemys_pools_do(tmp_path: Path) -> None:
    """SQLAlchemy logs a connection that failed to close at ERROR with its traceback; sqla-tui silences
    ``sqlalchemy.pool`` (a logging setup still gets them), and an instrumented pool, a class of its own, logged
    outside it: Ctrl-C in ``sqla-tui pool`` now and then printed "Exception closing connection" and a traceback.
    In a process of its own: pytest's log capture would take the record before Python printed it."""
    import sqlite3
    import subprocess

    sqlite3.connect(tmp_path / "t.db").close()
    url = f"sqlite:///{tmp_path / 't.db'}"
    code = (
        "from sqla_tui.core.observe.monitor import create_monitored_engine\n"
        f"engine = create_monitored_engine({url!r})\n"
        "pool = engine.sync_engine.pool\n"
        "print(type(pool).__name__, pool.logger.name)\n"
        "try:\n"
        "    raise RuntimeError('closed under us')\n"
        "except RuntimeError:\n"
        "    pool.logger.error('Exception closing connection %r', object(), exc_info=True)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False)
    assert (done.returncode, done.stdout, done.stderr) == (
        0,
        "InstrumentedQueuePool sqlalchemy.pool.impl.AsyncAdaptedQueuePool\n",
        "",
    )


def test_cli_ctrl_c_stops_cleanly(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import signal
    import sqlite3
    import subprocess

    path = tmp_path / "t.db"
    sqlite3.connect(path).close()
    command = [sys.executable, "-m", "sqla_tui", "pool", f"sqlite:///{path}", "--scenario", "leak", "--duration", "60"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wait_until(lambda: _has_open(process.pid, path), "the command to open the database")
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=10)
    assert process.returncode == 130
    assert stderr.strip() == "interrupted" and "Traceback" not in stdout + stderr


def _has_open(pid: int, path: Path) -> bool:
    """Whether process ``pid`` has ``path`` open (Linux: its /proc fd links)."""
    fds = Path(f"/proc/{pid}/fd")
    try:
        return any(fd.resolve() == path.resolve() for fd in fds.iterdir())
    except OSError:  # the process or one of its fds went away meanwhile
        return False


def test_cli_counts_connections_the_server_drops_and_prints_no_traceback(empty_db: TestDatabase) -> None:
    """MariaDB kills the run's connections mid-hold: the summary counts them as errors; stderr stays empty."""
    import subprocess

    if empty_db.backend != "mariadb":
        pytest.skip("a steady hold's return reaches the server (a rollback) only on MariaDB/MySQL")
    command = [sys.executable, "-m", "sqla_tui", "pool", empty_db.url, "--tasks", "3", "--hold-ms", "500",
               "--duration", "6", "--pool-size", "3", "--max-overflow", "0", "--json"]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_until(lambda: run_async(sessions(empty_db)) == 3, "the run's three connections")
        run_async(_kill_sessions_of(empty_db))
        stdout, stderr = process.communicate(timeout=30)
    finally:
        process.kill()
    assert process.returncode == 0 and stderr == ""
    totals = json.loads(stdout)["totals"]
    assert totals["errors"] >= 1


async def _kill_sessions_of(database: TestDatabase) -> None:
    """KILL every connection to the test's own database (the probes' connections go to another one)."""
    from sqla_tui.core.connect.engine import connect

    engine, _ = await connect(database.url)
    try:
        async with engine.connect() as conn:
            ids = (await conn.execute(
                text("SELECT id FROM information_schema.processlist WHERE db = DATABASE() AND id <> CONNECTION_ID()")
            )).scalars().all()  # fmt: skip
            for sid in ids:
                await conn.execute(text(f"KILL {int(sid)}"))
    finally:
        await engine.dispose()


async def test_applying_settings_swaps_the_engine_and_disposes_the_old(empty_db: TestDatabase) -> None:
    from sqla_tui.core.connect.url import parse_url
    from sqla_tui.core.errors import UserError
    from sqla_tui.core.pool.lab import PoolLab

    watched_pool = PoolLab(parse_url(empty_db.url), PoolOptions(pool_size=2, max_overflow=0))
    try:
        await watched_pool.start_sampling()
        async with watched_pool.engine.connect():
            pass
        old_engine, old_monitor = watched_pool.engine, watched_pool.monitor
        with pytest.raises(UserError, match="--pool-size does not apply to --poolclass null"):
            await watched_pool.apply(PoolOptions(poolclass="null", pool_size=3))
        assert watched_pool.engine is old_engine
        await watched_pool.apply(PoolOptions(pool_size=4, max_overflow=1, pool_timeout=2))
        async with watched_pool.engine.connect():
            snapshot = watched_pool.monitor.snapshot()
        activity = await watched_pool.activity()
    finally:
        await watched_pool.close()

    assert watched_pool.engine is not old_engine and watched_pool.monitor.is_sampling is False
    assert old_monitor.snapshot().counters.disconnects == 1 and old_monitor.is_sampling is False
    assert (snapshot.size, snapshot.capacity, snapshot.timeout_s, snapshot.counters.checkouts) == (4, 5, 2.0, 1)
    if empty_db.backend == "sqlite":
        assert not activity.supported
    else:
        assert [session.state for session in activity.sessions] == ["idle"]
