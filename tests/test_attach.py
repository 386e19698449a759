"""instrument(engine) inside this process: sync engines on threads, bad viewers, the socket's safety, restoring the pool.

A viewer here is either a thread reading the feed through ``attach.viewer``
into a Digest, a raw socket that never reads, or ``sqla-tui attach`` as a
process (to be SIGKILLed). The application's statements are counted by the
test itself; every viewer must account for each one as received or dropped.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import socket
import stat
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import greenlet
import pytest
from sqlalchemy import create_engine, pool, select, text
from sqlalchemy import event as sa_event
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from sqlalchemy.orm import Session

from sqla_tui.attach import instrument, instrument_from_env
from sqla_tui.attach.digest import Digest
from sqla_tui.attach.runtime import AttachError, cards
from sqla_tui.attach.viewer import connect, read_events
from sqla_tui.core.observe.capture import StatementLog
from tests.attach_app import AUTHORS, Author, Base, Book, async_url
from tests.attach_helpers import Reader, marked_line, sqla_tui, start_viewer, viewing, watched
from tests.databases import TestDatabase
from tests.server_probes import wait_until

SYNC_DRIVERS = {"sqlite": "sqlite", "mariadb": "mysql+pymysql"}


def _sync_engine(database: TestDatabase, **options: Any):  # type: ignore[no-untyped-def]
    """A plain sync Engine on the test's database, as a threaded application makes one."""
    _, rest = database.url.split("://", 1)
    return create_engine(f"{SYNC_DRIVERS[database.backend]}://{rest}", **options)


def _seed(engine) -> None:  # type: ignore[no-untyped-def]
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    with Session(engine) as session, session.begin():
        for a in range(1, AUTHORS + 1):
            session.add(Author(id=a, name=f"a{a}", books=[Book(id=a * 10 + b, title=f"b{b}") for b in range(3)]))


def _threaded_n_plus_one(engine, rounds: int) -> int:  # type: ignore[no-untyped-def]
    """One thread's work: load the authors, then each one's books lazily; returns statements executed."""
    executed = 0
    for _ in range(rounds):
        with Session(engine) as session:
            authors = session.scalars(select(Author)).all()
            executed += 1
            for author in authors:
                assert len(author.books) == 3  # MARK: sync_n_plus_one
                executed += 1
    return executed


def _hold(engine, release: threading.Event) -> None:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:  # MARK: sync_hold
        conn.execute(text("SELECT 1"))
        release.wait(30)


def _two_places(engine, rounds: int) -> None:  # type: ignore[no-untyped-def]
    """One function running statements from two lines, over and over: each must be named by its own line."""
    with engine.connect() as conn:
        for _ in range(rounds):
            conn.execute(text("SELECT 1"))  # MARK: first_place
            conn.execute(text("SELECT 2"))  # MARK: second_place


@pytest.mark.parametrize("backend", ["sqlite", "mariadb"], indirect=True)
async def test_each_statement_is_named_by_its_own_line_also_from_one_loop(
    empty_db: TestDatabase, runtime: Path
) -> None:
    """Lines are remembered per place in the code (code object and instruction), never per function."""
    sync = _sync_engine(empty_db)
    with watched(sync, "places") as reader:
        _two_places(sync, 3)
    sync.dispose()
    engine = create_async_engine(async_url(empty_db.url))
    async_handle = instrument(engine, name="places-async")
    async_reader = Reader("places-async")
    async_reader.start()
    assert await asyncio.to_thread(async_handle.wait_for_viewer, 30)
    async with engine.connect() as conn:
        for _ in range(3):
            await conn.execute(text("SELECT 1"))  # MARK: first_async_place
            await conn.execute(text("SELECT 2"))  # MARK: second_async_place
    async_handle.close()
    await asyncio.to_thread(async_reader.join, 60)
    await engine.dispose()

    assert _places(reader.digest) == _marked_places("first_place", "second_place") * 3
    assert _places(async_reader.digest) == _marked_places("first_async_place", "second_async_place") * 3


def _places(digest: Digest) -> list[tuple[str, str, int]]:
    """The two places' statements as the feed named them, in order: (SQL, file, line)."""
    return [(event["sql"], event["file"], event["line"]) for event in digest.recent if event["sql"] in ("SELECT 1", "SELECT 2")]


def _marked_places(first: str, second: str) -> list[tuple[str, str, int]]:
    here = Path(__file__)
    return [("SELECT 1", __file__, marked_line(first, here)), ("SELECT 2", __file__, marked_line(second, here))]


@pytest.mark.parametrize("backend", ["sqlite", "mariadb"], indirect=True)
def test_statements_in_the_applications_own_greenlet_are_named_by_their_own_lines(
    empty_db: TestDatabase, runtime: Path
) -> None:
    """A sync application under gevent or eventlet serves each request in a greenlet of theirs: its statements are
    named by their own lines, as on a thread, not by the line that switched into the greenlet (its parent's)."""
    sync = _sync_engine(empty_db)
    with watched(sync, "greenlets") as reader:
        greenlet.greenlet(_two_places).switch(sync, 3)
    sync.dispose()

    assert _places(reader.digest) == _marked_places("first_place", "second_place") * 3


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
async def test_awaited_calls_of_tasks_running_at_once_are_each_named_by_their_own_line(
    empty_db: TestDatabase, runtime: Path
) -> None:
    """Two tasks' ``session.execute`` calls interleave (each checks out, then waits on the network while the other
    runs): each statement is named by the line of its own task, however their walks and statements alternate."""
    engine = create_async_engine(async_url(empty_db.url))
    handle = instrument(engine, name="interleaved")
    reader = Reader("interleaved")
    reader.start()
    assert await asyncio.to_thread(handle.wait_for_viewer, 30)

    async def first() -> None:
        async with AsyncSession(engine) as session:
            await session.execute(text("SELECT pg_sleep(0.02), 1"))  # MARK: first_task

    async def second() -> None:
        async with AsyncSession(engine) as session:
            await session.execute(text("SELECT pg_sleep(0.02), 2"))  # MARK: second_task

    for _ in range(5):
        await asyncio.gather(first(), second(), first(), second())
    handle.close()
    await asyncio.to_thread(reader.join, 60)
    await engine.dispose()

    here = Path(__file__)
    named = Counter((event["sql"][-1], event["line"]) for event in reader.digest.recent if "pg_sleep" in event["sql"])
    assert named == {("1", marked_line("first_task", here)): 10, ("2", marked_line("second_task", here)): 10}


@pytest.mark.parametrize("backend", ["sqlite", "mariadb"], indirect=True)
def test_threads_waiting_for_a_sync_pool_are_counted_from_its_queue(empty_db: TestDatabase, runtime: Path) -> None:
    """Three threads blocked on a full sync pool are three waiters, and none once they got their turn."""
    engine = _sync_engine(empty_db, pool_size=1, max_overflow=0, pool_timeout=30)
    handle = instrument(engine, name="waiters")
    monitor = handle._monitor
    served: list[int] = []
    with engine.connect() as held:
        held.execute(text("SELECT 1"))
        threads = [threading.Thread(target=lambda: served.append(_one(engine))) for _ in range(3)]
        for thread in threads:
            thread.start()
        wait_until(lambda: monitor.snapshot().waiters == 3, "three threads waiting")
    for thread in threads:
        thread.join()
    snapshot = monitor.snapshot()
    handle.close()
    engine.dispose()
    assert served == [1, 1, 1]
    assert (snapshot.waiters, snapshot.max_waiters, snapshot.counters.checkouts) == (0, 3, 4)


def _one(engine) -> int:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT 1")).scalar_one())


@pytest.mark.parametrize("backend", ["sqlite", "mariadb"], indirect=True)
def test_a_threaded_sync_application_is_watched_and_its_pool_given_back(empty_db: TestDatabase, runtime: Path) -> None:
    engine = _sync_engine(empty_db, pool_size=5, max_overflow=10)
    _seed(engine)
    original_pool = engine.pool
    assert type(original_pool) is pool.QueuePool
    handle = instrument(engine, name="threads", leak_after=0.2)
    reader = Reader("threads")
    reader.start()
    assert handle.wait_for_viewer(30)
    counts: list[int] = []
    release = threading.Event()
    holder = threading.Thread(target=_hold, args=(engine, release))
    holder.start()
    wait_until(
        lambda: any(tx["file"] == __file__ for tx in handle._probe.open_transactions(0.2)), "the hold to be seen"
    )
    workers = [threading.Thread(target=lambda: counts.append(_threaded_n_plus_one(engine, 5))) for _ in range(8)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    release.set()
    holder.join()
    handle.close()
    reader.join(60)
    assert engine.pool is original_pool and type(engine.pool) is pool.QueuePool
    assert "watcher" not in vars(engine.pool)
    hooked = {"do_commit", "do_rollback", "do_execute", "do_execute_no_params", "do_executemany", "_sqla_tui_hooks"}
    assert not hooked & set(vars(engine.dialect))  # the dialect's own methods again
    engine.dispose()

    summary = reader.digest.summary()
    assert summary["statements"] == sum(counts) + 1 == 8 * 5 * (1 + AUTHORS) + 1
    assert summary["dropped"] == 0
    [n_plus_one] = summary["n_plus_one"]
    assert (n_plus_one["file"], n_plus_one["line"]) == (__file__, marked_line("sync_n_plus_one", Path(__file__)))
    assert n_plus_one["count"] == 8 * 5 * AUTHORS and n_plus_one["attribute"] == "Author.books"
    assert n_plus_one["sessions"] == 8 * 5  # each round's session, not each of the 8 threads
    assert (__file__, marked_line("sync_hold", Path(__file__))) in {(x["file"], x["line"]) for x in summary["leaks"]}
    rows = [event["rows"] for event in reader.digest.recent if "attach_book" in event["sql"]]
    assert set(rows) == (
        {3} if empty_db.backend == "mariadb" else {None}
    )  # sqlite3 keeps no count of rows it hands over


def test_what_sqlalchemy_sends_when_it_first_connects_is_not_the_apps(empty_db: TestDatabase, runtime: Path) -> None:
    """Watched before its first connection, an engine's feed holds the application's one statement, not the
    server version and settings SQLAlchemy reads first (several on PostgreSQL and MariaDB)."""
    engine = create_async_engine(async_url(empty_db.url))
    handle = instrument(engine, name="first")
    reader = Reader("first")
    reader.start()
    assert handle.wait_for_viewer(30)

    async def once() -> None:
        async with AsyncSession(engine) as session:
            assert (await session.execute(text("SELECT 7"))).scalar() == 7
        await engine.dispose()

    asyncio.run(once())
    handle.close()
    reader.join(60)

    assert [event["sql"] for event in reader.digest.recent] == ["SELECT 7"]
    assert reader.digest.summary()["statements"] == 1


def test_the_dialect_is_hooked_only_while_someone_watches(empty_db: TestDatabase, runtime: Path) -> None:
    """Nobody watching, statements run the dialect's own methods; a viewer hooks them, and its leaving unhooks them
    again: each viewer's feed holds exactly the statements run while it was there, and a later viewer's, too."""
    engine = create_async_engine(async_url(empty_db.url))
    handle = instrument(engine, name="hooked")
    hooked = lambda: "do_execute" in vars(engine.sync_engine.dialect)  # noqa: E731 - read four times below

    def run(sql: str) -> None:
        async def once() -> None:
            async with engine.connect() as conn:
                await conn.execute(text(sql))
            await engine.dispose()  # each statement on an event loop of its own

        asyncio.run(once())

    assert not hooked()
    run("SELECT 1")
    first = Reader("hooked")
    first.start()
    assert handle.wait_for_viewer(30) and hooked()
    run("SELECT 2")
    wait_until(lambda: first.digest.statements == 1, "the first viewer to see SELECT 2")
    first._sock.shutdown(socket.SHUT_RDWR)
    first.join(60)
    wait_until(lambda: handle.viewers == 0 and not hooked(), "the dialect to be unhooked when the viewer left")
    run("SELECT 3")
    with viewing(handle, "hooked") as second:
        run("SELECT 4")
    assert not hooked()
    assert [event["sql"] for event in first.digest.recent] == ["SELECT 2"]
    assert [event["sql"] for event in second.digest.recent] == ["SELECT 4"]


def test_a_statement_log_and_a_viewer_on_one_engine_each_get_their_statements(
    empty_db: TestDatabase, runtime: Path
) -> None:
    """sqla-tui's own StatementLog recording one connection of an engine a viewer also watches: the viewer gets
    every statement, the log only its connection's (the dialect's hooks hand them to both)."""
    engine = create_async_engine(async_url(empty_db.url))
    log = StatementLog()

    async def work() -> None:
        async with engine.connect() as recorded, engine.connect() as other:
            with log.recording(recorded):
                await recorded.execute(text("SELECT 1"))
                await other.execute(text("SELECT 2"))
            await recorded.execute(text("SELECT 3"))
        await engine.dispose()

    with watched(engine, "shared") as reader:
        asyncio.run(work())
    assert [entry.sql for entry in log.since(0)] == ["SELECT 1"]
    assert [event["sql"] for event in reader.digest.recent] == ["SELECT 1", "SELECT 2", "SELECT 3"]
    assert not {"do_execute", "_sqla_tui_hooks"} & set(vars(engine.sync_engine.dialect))


@pytest.mark.parametrize("backend", ["sqlite", "mariadb"], indirect=True)
def test_one_lazy_load_per_request_on_a_reused_thread_is_no_n_plus_one(empty_db: TestDatabase, runtime: Path) -> None:
    """A threaded server's worker serves many requests: a lazy load in each is not an N+1 of that thread."""
    engine = _sync_engine(empty_db)
    _seed(engine)
    handle = instrument(engine, name="reused")
    reader = Reader("reused")
    reader.start()
    assert handle.wait_for_viewer(30)
    for request in range(1, 6):  # five requests, one after another, on this one thread
        with Session(engine) as session:
            assert len(session.get(Author, request).books) == 3
    handle.close()
    reader.join(60)
    engine.dispose()

    summary = reader.digest.summary()
    assert summary["statements"] == 5 * 2
    assert [event["loader"] for event in reader.digest.recent] == ["main", "lazy"] * 5
    assert summary["n_plus_one"] == []


async def _statements(engine, count: int) -> None:  # type: ignore[no-untyped-def]
    async with engine.connect() as conn:
        for _ in range(count):
            await conn.execute(text("SELECT 1"))


def _drain(sock: socket.socket) -> Digest:
    digest = Digest()
    for event in read_events(sock):
        digest.add(event)
    return digest


async def test_slow_stuck_and_killed_viewers_cost_the_application_only_counted_drops(
    empty_db: TestDatabase, runtime: Path
) -> None:
    engine = create_async_engine(async_url(empty_db.url))
    handle = instrument(engine, name="crowd", buffer=50)
    readers = [Reader("crowd") for _ in range(5)]
    for reader in readers:
        reader.start()
    stuck = connect("crowd")  # connects, never reads
    killed = start_viewer("crowd", "--json")
    try:
        assert await asyncio.to_thread(handle.wait_for_viewer, 60, count=7)
        await _statements(engine, 500)
        killed.send_signal(signal.SIGKILL)
        killed.wait(30)
        await asyncio.to_thread(wait_until, lambda: handle.viewers == 6, "the killed viewer to be forgotten")
        await _statements(engine, 2500)
        stuck_digest = asyncio.create_task(asyncio.to_thread(_drain, stuck))  # it reads only now the work is done
        await asyncio.to_thread(handle.close)
        stuck_summary = (await stuck_digest).summary()
    finally:
        handle.close()
        await engine.dispose()
    for reader in readers:
        await asyncio.to_thread(reader.join, 60)
        assert reader.digest.statements + reader.digest.dropped_statements == 3000
    assert stuck_summary["dropped_statements"] > 0
    assert stuck_summary["statements"] + stuck_summary["dropped_statements"] == 3000


async def test_a_viewer_that_stalls_gets_its_whole_backlog_while_the_application_runs(
    empty_db: TestDatabase, runtime: Path
) -> None:
    """A viewer that stops reading (a terminal scrolled back, a process stopped with ^Z) and goes on: its socket fills,
    the rest waits in its queue, and it gets all of it once it reads again, with the application still running."""
    engine = create_async_engine(async_url(empty_db.url))
    handle = instrument(engine, name="stalled")
    stalled = connect("stalled")
    digest = Digest()

    def read_all() -> None:
        for event in read_events(stalled):
            digest.add(event)
            if digest.statements == 5000:
                return

    try:
        assert await asyncio.to_thread(handle.wait_for_viewer, 60)
        await _statements(engine, 5000)  # about 1 MB of feed, five times what its socket holds
        await asyncio.wait_for(asyncio.to_thread(read_all), 60)  # before close(), which would flush what is left
    finally:
        handle.close()
        await engine.dispose()
    assert (digest.statements, digest.dropped) == (5000, 0)


def _connect_as_nobody(path: Path) -> str:
    """Fork, become uid/gid 65534, try to connect; the exception's name (or "connected")."""
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - the child only reports through the pipe
        outcome = "connected"
        try:
            os.setgid(65534)
            os.setuid(65534)
            socket.socket(socket.AF_UNIX).connect(str(path))
        except OSError as error:
            outcome = type(error).__name__
        os.write(write, outcome.encode())
        os._exit(0)
    os.close(write)
    os.waitpid(child, 0)
    with os.fdopen(read) as pipe:
        return pipe.read()


def test_the_socket_and_its_card_are_the_user_s_alone(runtime: Path) -> None:
    engine = create_engine(f"sqlite:///{runtime.parent / 'modes.db'}")
    with instrument(engine, name="modes") as handle:
        socket_path = Path(handle.address)
        assert stat.S_IMODE(runtime.stat().st_mode) == 0o700
        assert stat.S_ISSOCK(socket_path.stat().st_mode) and stat.S_IMODE(socket_path.stat().st_mode) == 0o600
        assert stat.S_IMODE(socket_path.with_suffix(".json").stat().st_mode) == 0o600
        if os.getuid() == 0:  # a second user, for real: nobody cannot open it
            assert _connect_as_nobody(socket_path) == "PermissionError"
        assert [card.name for card in cards()] == ["modes"]
    assert not socket_path.exists() and cards() == []


def test_tcp_needs_the_printed_token_and_stays_on_loopback(runtime: Path, tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'tcp.db'}")
    with pytest.raises(AttachError, match="loopback only"):
        instrument(engine, address="tcp://0.0.0.0:0")
    with instrument(engine, name="tcp", address="tcp://127.0.0.1:0") as handle:
        assert handle.address.startswith("tcp://127.0.0.1:") and handle.token
        with pytest.raises(AttachError, match="wrong token"):
            next(read_events(connect(handle.address, "not-the-token")))
        hello = next(read_events(connect(handle.address, handle.token)))
        assert hello["type"] == "hello" and hello["name"] == "tcp"


def test_instrument_from_env_is_off_unless_switched_on(
    runtime: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'env.db'}")
    monkeypatch.delenv("SQLA_TUI_ATTACH", raising=False)
    assert instrument_from_env(engine) is None
    assert type(engine.pool) is pool.QueuePool
    monkeypatch.setenv("SQLA_TUI_ATTACH", "1")
    monkeypatch.setenv("SQLA_TUI_ATTACH_NAME", "switched")
    handle = instrument_from_env(engine)
    assert handle is not None
    try:
        assert [card.name for card in cards()] == ["switched"]
        with pytest.raises(AttachError, match="already instrumented"):
            instrument(engine)
    finally:
        handle.close()
    assert type(engine.pool) is pool.QueuePool


def test_an_engine_made_with_execution_options_shares_its_parents_instrumentation(runtime: Path, tmp_path: Path) -> None:
    """It shares the parent's dialect and pool: a second probe on them would wrap the first's hooks, and unwrap both."""
    engine = create_engine(f"sqlite:///{tmp_path / 'options.db'}")
    autocommit = engine.execution_options(isolation_level="AUTOCOMMIT")
    handle = instrument(engine)
    try:
        with pytest.raises(AttachError, match=r"this engine \(or the engine it was made from with execution_options"):
            instrument(autocommit)
    finally:
        handle.close()
    with instrument(autocommit) as second, autocommit.connect() as conn:  # once the first is closed, it may
        assert conn.execute(text("SELECT 1")).scalar() == 1 and second.viewers == 0
    assert not {"do_execute", "do_commit", "_sqla_tui_hooks"} & set(vars(engine.dialect))


def test_importing_attach_loads_no_front_end() -> None:
    probe = (
        "import sys, sqla_tui.attach; from sqla_tui.attach import instrument; "
        "from sqlalchemy import create_engine; h = instrument(create_engine('sqlite://'), name='import-probe'); "
        "h.close(); print(' '.join(sorted(sys.modules)))"
    )
    loaded = set(
        subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.split()
    )
    assert {"textual", "typer", "rich", "sqlglot", "sqlparse", "click"} & loaded == set()


def test_attach_and_replay_refuse_bad_targets_in_one_line(runtime: Path, tmp_path: Path) -> None:
    assert sqla_tui("attach").stdout.startswith("no instrumented applications running")
    missing = sqla_tui("attach", "999999", "--json")
    assert missing.returncode == 2
    assert missing.stderr.strip() == "error: no instrumented application '999999' here; instrumented: none are running"
    no_socket = sqla_tui("attach", str(tmp_path / "gone.sock"), "--json")
    assert (
        no_socket.returncode == 2 and "no such socket" in no_socket.stderr and len(no_socket.stderr.splitlines()) == 1
    )
    not_a_feed = tmp_path / "notes.txt"
    not_a_feed.write_text("hello\n")
    replayed = sqla_tui("replay", str(not_a_feed), "--json")
    assert replayed.returncode == 2 and "is not a feed event" in replayed.stderr
    assert sqla_tui("replay", str(tmp_path / "absent.jsonl")).returncode == 2
    assert "--duration must be" in sqla_tui("attach", "x", "--duration", "-1").stderr


def test_otel_publishes_the_pool_figures_opentelemetry_lacks(runtime: Path, tmp_path: Path) -> None:
    from opentelemetry.sdk.metrics import MeterProvider
    from opentelemetry.sdk.metrics.export import InMemoryMetricReader

    reader = InMemoryMetricReader()
    engine = create_engine(f"sqlite:///{tmp_path / 'otel.db'}", pool_size=1, max_overflow=0, pool_timeout=0.2)
    with instrument(engine, name="metrics", otel=MeterProvider(metric_readers=[reader])), engine.connect() as held:
        held.execute(text("SELECT 1"))
        with pytest.raises(Exception, match="QueuePool limit of size 1 overflow 0 reached"):
            engine.connect()
        points = {
            (metric.name, tuple(sorted(point.attributes.items()))): point.value
            for resource in reader.get_metrics_data().resource_metrics
            for scope in resource.scope_metrics
            for metric in scope.metrics
            for point in metric.data.data_points
        }
    pool = ("db.client.connection.pool.name", "metrics")
    assert points[("db.client.connection.count", (pool, ("db.client.connection.state", "used")))] == 1
    assert points[("db.client.connection.max", (pool,))] == 1
    assert points[("db.client.connection.timeouts", (pool,))] == 1
    assert points[("db.client.connection.pending_requests", (pool,))] == 0
    assert points[("sqla_tui.pool.acquire_time", (pool, ("quantile", "max")))] >= 0.2


def test_attach_lists_what_is_running_and_summarises_a_duration(runtime: Path, tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'listed.db'}")
    with instrument(engine, name="listed") as handle:
        listed = sqla_tui("attach")
        assert listed.returncode == 0
        assert listed.stdout.splitlines()[0] == "1 instrumented application:"
        assert f"{os.getpid()}  listed " in listed.stdout and handle.address in listed.stdout
        [card] = json.loads(sqla_tui("attach", "--json").stdout)
        assert (card["pid"], card["name"], card["dialect"], card["poolclass"]) == (
            os.getpid(),
            "listed",
            "sqlite",
            "QueuePool",
        )
        assert "token" not in card
        viewer = start_viewer("listed", "--json", "--duration", "30")
        wait_until(lambda: handle.viewers == 1, "the viewer")
        with engine.connect() as conn:
            for _ in range(7):
                conn.execute(text("SELECT 1"))
    out, err = viewer.communicate(timeout=60)  # the app closed the feed first: the summary comes at once
    summary = json.loads(out)
    assert summary["statements"] == 7 and summary["target"]["name"] == "listed", err
