"""What watching costs, in CPU instructions per statement: deterministic where seconds are not.

Wall-clock ratios on a shared machine swing by more than the budgets being
checked (benchmarks/pool_overhead.py's own plain-vs-plain control drifts
±3%). Instructions counted by ``valgrind --tool=callgrind`` do not depend on
what else the machine is doing: the same workload, interpreter and inputs
give the same count to within a few thousandths of a percent.

Each variant runs a fixed workload in a fresh interpreter under callgrind,
twice: with ``--small`` and with ``--large`` statements. The difference of
the two totals divided by the difference in statements is the cost of one
statement, with the interpreter's start-up and the imports cancelled out.

- ``pool``: checkout, ``SELECT 1``, return, on SQLAlchemy's own pool
  (plain) and on the instrumented pool with a PoolMonitor listening
  (monitor). The monitor's 10 Hz sampler is not running: its cost is per
  tenth of a second, not per statement, and under callgrind's slowdown it
  would fire fifty times as often per statement as in real life.
- ``attach``: the same statements, plain and on an engine passed to
  ``sqla_tui.attach.instrument`` with ``sqla-tui attach --json`` reading the
  feed from another process (not counted): the probe's listeners and the
  feed thread's encoding, in the application's process. The pool snapshot
  is off, for the same reason as the sampler, and the feed thread waits on
  its sockets alone, never on its clock (``feed_asleep``): how many ticks
  fell in a run followed its wall time under callgrind and so the
  machine's load (one run beside other work counted 36,000 instructions a
  request more than the same run alone). At the end ``Hub.wake()`` has it
  send, and encode, every queued event (``feed_flushed``), which is counted. The viewer must report every statement. ``idle`` is the same
  instrumented engine with nobody attached: what an application pays for
  the one line while nobody watches.
- ``web``: what issue 16 budgets, the application's throughput: requests
  to the test application (tests/attach_app.py, Starlette over an
  AsyncEngine) plain and instrumented with a viewer reading its feed, the
  ASGI app called directly (no HTTP server or client, whose work would
  only add to both sides and make the ratio smaller). ``--path`` picks the
  endpoint: ``/n1`` (the default: a list and ten lazy loads, 11 statements
  in one session) or ``/fast`` (one statement). Counted per request, with
  ``--requests SMALL LARGE`` (default 20 and 120). ``idle``: instrumented,
  nobody attached (the pool figures' cost, paid per checkout: once per
  request here, once per run in ``attach``). On PostgreSQL by default
  (``--server``, a database of each run's own, dropped after): asyncpg
  works in the event loop's own thread, so two runs of the same code count
  the same to the instruction; through aiosqlite (``--server sqlite``) the
  loop's iterations fall around each handoff to its worker thread as
  timing has it, 20,000 instructions a request apart between identical runs.
- ``served``: the same application as issue 16 runs it, on uvicorn (h11),
  its requests sent over HTTP/1.1 by this script's own keep-alive client
  (not counted), ``--concurrency`` connections at once, ``--requests``
  200 and 1,200 by default: the HTTP server's work per request is in both
  sides here, as in a real application's throughput. The default 5
  connections match the pool's size: with more, requests queue for the
  pool's overflow connections, which SQLAlchemy closes again on return when
  the pool is full, and how many a run opens follows timing under
  callgrind (on SQLite, ±50 connections a run, ±200,000 instructions a
  request at 20 concurrent). The pool's timeout is an hour, as callgrind's
  pace would time requests out. At 5 a figure still follows the timing:
  how many requests each turn of the event loop finds waiting, and when
  the cyclic collector runs, moved one tree's /fast from +3.7% to +5.1%
  with the machine's load (2026-12-01). ``--concurrency 1`` gives each
  request the loop to itself and takes the load out (plain read 2,011,303
  and 2,011,007 instructions a request under two seeds), but not the heap
  layout: over six seeds plain read 2.008–2.041 M and a watched figure
  moved ±1 point a seed, so a change of a few thousand instructions needs
  many seeds to show.
- ``capture``: ORM ``select()`` statements of 10 rows in one AsyncSession,
  plain and with a StatementLog recording the session's connection and
  tagging origins (what every run in the composer and the fan-out does; a
  run's N+1 is many statements in one session like this).

Just before its statements each workload collects and freezes what exists
(``gc.freeze``) and stops full collections (``settle``): a full collection
walks everything still alive, and whether one fell in a run, and where,
differed between variants and sizes by tens of thousands of instructions a
statement, which read as cost or as savings at random.

``pool``, ``capture`` and ``attach`` run on a SQLite file through aiosqlite.

One ``PYTHONHASHSEED`` gives one figure, but not one that only our code
decides: Python 3.11's type-attribute cache is indexed by the hashes of
names, and dictionaries keyed by identity collide with where objects lie,
so a variant's count per statement moves by a point or more of the ratio
when nothing it runs changed (benchmarks/README.md, "Attach, round 5" and
"round 9"); each seed also moves the heap (``padding``). ``--seeds 0 1 2`` runs every
variant under each seed and prints each seed's ratio, their mean and range;
a change is measured by the mean. The default is seed 0 alone, as before.
The two runs of a pair (``--small`` and ``--large``) run at once, one per
core: callgrind counts do not depend on what runs beside them.

    python benchmarks/instructions.py [--small 200] [--large 1200] [--only pool|capture|attach|web|served]
        [--seeds 0 1 2] [--path /n1|/fast] [--requests 20 120] [--concurrency 5] [--server URL|sqlite] [--no-idle]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

WORKLOAD = r'''
import asyncio, gc, json, os, socket, subprocess, sys

PADDING = [(object(), [], {}, "x" * (n % 97)) for n in range(int(os.environ.get("BENCH_PADDING", "0")))]
"""Objects made before anything is imported, as many as the seed says: where everything after them lands in memory
moves, and with it how dictionaries keyed by identity collide (see ``padding``)."""
from sqlalchemy import Integer, String, select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from sqla_tui.core.connect.engine import create_engine
from sqla_tui.core.connect.target import PoolOptions
from sqla_tui.core.observe.capture import StatementLog
from sqla_tui.core.observe.monitor import PoolMonitor, create_monitored_engine
from asgi_app import own_database  # benchmarks/asgi_app.py: a database of the run's own, made and dropped


class Base(DeclarativeBase):
    pass


class Row(Base):
    __tablename__ = "rows"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String)


def settle():
    """Everything made so far out of the collector's sight, and no full collection from here on: one walks every
    object still alive, and whether one falls in a run, and where, differs between variants and between the two
    sizes of one (a watched request of PostgreSQL's /fast read 1.51 M instructions from 100 and 600 requests and
    1.53 M from 50 and 300). The young generations are still collected, as often as what a request allocates
    makes them."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(700, 10, 1_000_000_000)


def feed_asleep(handle):
    """The feed thread waits on its sockets only, never on its clock: how often a tick (a pool snapshot and the
    sends) fires would follow the run's wall time under callgrind (and the machine's load), not its statements.
    Set before anyone attaches, so the one tick that may still fall (the thread's sleep began with the old
    period) has nothing to send."""
    if handle is not None:
        handle._hub._interval = 3600.0


def feed_flushed(handle):
    """Wake the feed thread once so it sends (and encodes) every queued event."""
    handle._hub.wake()


async def start_viewer(handle):
    """``sqla-tui attach --json`` on this process, in a process of its own (not counted), once it is connected."""
    viewer = subprocess.Popen(
        [sys.executable, "-m", "sqla_tui", "attach", str(os.getpid()), "--json"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    assert await asyncio.to_thread(handle.wait_for_viewer, 300)
    return viewer


async def pool(variant, count, url):
    if variant == "monitor":
        engine = create_monitored_engine(url, PoolOptions())
        monitor = PoolMonitor(engine)
    else:
        engine = create_engine(url, PoolOptions())
    statement = text("SELECT 1")
    settle()
    for _ in range(count):
        async with engine.connect() as conn:
            await conn.execute(statement)
    await engine.dispose()


async def capture(variant, count, url):
    engine = create_engine(url, PoolOptions())
    statement = select(Row).limit(10)
    log = StatementLog(cap=count + 10)
    async with AsyncSession(engine) as session:
        connection = await session.connection()
        settle()
        if variant == "capture":
            with log.recording(connection):
                for _ in range(count):
                    assert len((await session.scalars(statement)).all()) == 10
            assert len(log.entries) == count and log.entries[-1].rows == 10
        else:
            for _ in range(count):
                assert len((await session.scalars(statement)).all()) == 10
    await engine.dispose()


async def attach(variant, count, url):
    engine = create_engine(url, PoolOptions())
    statement = select(Row).limit(10)
    if variant in ("watched", "idle"):
        from sqla_tui.attach import instrument

        handle = instrument(engine, name="instructions")
        feed_asleep(handle)
    if variant == "watched":
        viewer = await start_viewer(handle)
    settle()
    async with AsyncSession(engine) as session:
        for _ in range(count):
            assert len((await session.scalars(statement)).all()) == 10
    if variant == "idle":
        assert handle.viewers == 0
    if variant in ("watched", "idle"):
        feed_flushed(handle)
        handle.close()
    if variant == "watched":
        summary = json.loads(viewer.communicate(timeout=600)[0])
        assert summary["statements"] == count and summary["dropped"] == 0, summary
    await engine.dispose()


async def web(variant, count, server):
    async with own_database(server, "web") as url:
        await web_requests(variant, count, url)


async def web_requests(variant, count, url):
    from tests.attach_app import build

    app = build(url, instrumented=variant != "plain")
    path = sys.argv[5]
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
        "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
        "headers": [(b"host", b"bench")], "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80),
    }

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async with app.router.lifespan_context(app):
        handle = app.state.instrumentation.get("instrumentation")
        feed_asleep(handle)
        if variant == "watched":
            viewer = await start_viewer(handle)
        answers = []

        async def send(message):
            if message["type"] == "http.response.body":
                answers.append(message["body"])

        settle()
        for _ in range(count):
            await app(scope, receive, send)
        statements = sum(json.loads(body)["statements"] for body in answers)
        assert len(answers) == count and statements >= count, (len(answers), statements)
        if variant == "idle":
            assert handle.viewers == 0
        if variant != "plain":
            feed_flushed(handle)
        if variant == "watched":
            handle.close()
            summary = json.loads(viewer.communicate(timeout=600)[0])
            assert summary["statements"] == statements and summary["dropped"] == 0, (summary, statements)


async def served(variant, count, server):
    async with own_database(server, "served") as url:
        await served_requests(variant, count, url)


async def served_requests(variant, count, url):
    """The application as issue 16 runs it, on uvicorn; the benchmark's client sends ``count`` requests over HTTP
    and then GET /bench/stop, which wakes the feed thread to send everything queued and stops the server."""
    import uvicorn
    from starlette.responses import Response
    from starlette.routing import Route

    from tests.attach_app import build

    app = build(url, instrumented=variant != "plain", pool_timeout=3600.0)
    http = uvicorn.Server(uvicorn.Config(app, log_level="warning", backlog=1024, timeout_keep_alive=3600))

    async def stop(request):
        if variant != "plain":
            feed_flushed(handle)
        http.should_exit = True
        return Response(b"")

    app.router.routes.append(Route("/bench/stop", stop))
    listening = socket.socket()
    listening.bind(("127.0.0.1", 0))
    serving = asyncio.create_task(http.serve(sockets=[listening]))
    while not http.started:
        await asyncio.sleep(0.01)
    handle = app.state.instrumentation.get("instrumentation")
    feed_asleep(handle)
    if variant == "watched":
        viewer = await start_viewer(handle)
    settle()
    print(json.dumps({"port": listening.getsockname()[1]}), flush=True)
    await serving
    if variant == "watched":
        summary = json.loads(viewer.communicate(timeout=600)[0])
        print(json.dumps({"statements": summary["statements"], "dropped": summary["dropped"]}), flush=True)


workload, variant, count, url = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
asyncio.run(
    {"pool": pool, "capture": capture, "attach": attach, "web": web, "served": served}[workload](variant, count, url)
)
'''

VARIANTS = {
    "pool": ("plain", "monitor"),
    "capture": ("plain", "capture"),
    "attach": ("plain", "watched", "idle"),
    "web": ("plain", "watched", "idle"),
    "served": ("plain", "watched", "idle"),
}
BUDGET = {"pool": 0.03, "capture": 0.05, "attach": 0.03, "web": 0.03, "served": 0.03}
"""Issue 19's budgets; attach's and web's are issue 16's throughput budget: web's is that budget as the issue sets it
(an application's requests), attach's the same bound on one bare ORM statement, which no request is cheaper than."""
_COLLECTED = re.compile(r"Collected\s*:\s*(\d+)")
ROOT = Path(__file__).resolve().parent.parent
SOURCES = os.pathsep.join((str(ROOT / "src"), str(ROOT), str(ROOT / "benchmarks")))
"""The workload's path: this tree's sqla_tui (a worktree's, measured beside main, rather than the installed one),
its tests/, whose test application ``web`` and ``served`` run, and benchmarks/asgi_app.py."""


def padding(seed: int) -> str:
    """How many objects the workload makes before its imports under ``seed`` (none under seed 0, as before).

    A count depends on where objects lie in memory, not only on the code
    run: a dictionary keyed by identity collides more or less with the
    addresses, which move with everything allocated before, so two trees
    that differ only in code the workload never runs counted the same plain
    request 1.445 M and 1.410 M instructions (2026-12-01, PostgreSQL, three
    seeds each, one side 2.5% lower under every seed). Each seed also moves
    the heap by a different number of objects, so the mean over seeds is
    an average over layouts and not one layout's luck.
    """
    return str(seed * 1009 % 4096)


def _callgrind(script: Path, workload: str, variant: str, count: int, url: str, seed: int, path: str) -> dict:
    """The keywords of ``subprocess`` for one run under callgrind: its command line and environment."""
    command = [
        "valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
        sys.executable, str(script), workload, variant, str(count), url, path,
    ]  # fmt: skip
    env = {**os.environ, "PYTHONHASHSEED": str(seed), "BENCH_PADDING": padding(seed), "PYTHONPATH": SOURCES}
    return {"args": command, "env": env, "text": True}


def _collected(stderr: str, what: str) -> int:
    """The total callgrind printed for a run."""
    found = _COLLECTED.search(stderr)
    if found is None:
        raise SystemExit(f"callgrind printed no total for {what}:\n{stderr[-2000:]}")
    return int(found.group(1))


def instructions(script: Path, workload: str, variant: str, count: int, url: str, seed: int, path: str) -> int:
    """Total instructions of one run, as callgrind counts them."""
    done = subprocess.run(
        **_callgrind(script, workload, variant, count, url, seed, path), capture_output=True, check=True
    )
    return _collected(done.stderr, f"{workload}/{variant}")


def served_instructions(
    script: Path, variant: str, count: int, server: str, seed: int, path: str, concurrency: int
) -> int:
    """Total instructions of the served application's process: ``count`` requests to ``path`` from ``concurrency``
    keep-alive HTTP connections of this process (not counted), then its stop request. A watched run's viewer
    must have seen every statement the answers say the application ran, and dropped none."""
    run = _callgrind(script, "served", variant, count, server, seed, path)
    with subprocess.Popen(**run, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as app:
        assert app.stdout is not None
        port = json.loads(app.stdout.readline())["port"]
        statements = asyncio.run(_requests(port, path, count, concurrency))
        out, err = app.communicate(timeout=3600)
    if app.returncode != 0:
        raise SystemExit(f"the served application failed ({variant}, {count}):\n{err[-2000:]}")
    if variant == "watched":
        seen = json.loads(out.splitlines()[-1])
        if seen != {"statements": statements, "dropped": 0}:
            raise SystemExit(f"the viewer saw {seen}; the application's answers say {statements} statements")
    return _collected(err, f"served/{variant}")


async def _requests(port: int, path: str, count: int, concurrency: int) -> int:
    """Send ``count`` GETs of ``path`` over ``concurrency`` keep-alive connections, then /bench/stop; the
    statements the answers report."""
    left, statements = count, 0

    async def connection() -> None:
        nonlocal left, statements
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        request = f"GET {path} HTTP/1.1\r\nHost: bench\r\n\r\n".encode()
        while left > 0:
            left -= 1
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            if head.split(b" ", 2)[1] != b"200":
                raise SystemExit(f"the application answered {head.decode(errors='replace')}")
            length = int(head.lower().split(b"content-length:", 1)[1].split(b"\r\n", 1)[0])
            answer = json.loads(await reader.readexactly(length))
            statements += answer["statements"]
        writer.close()

    await asyncio.gather(*(connection() for _ in range(concurrency)))
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"GET /bench/stop HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n")
    await reader.read()
    writer.close()
    return statements


def per_unit(
    pool: ThreadPoolExecutor,
    script: Path,
    run: tuple[str, str, int, int],
    url: str,
    seed: int,
    args: argparse.Namespace,
) -> float:
    """One variant's instructions per statement (per request for ``web`` and ``served``) under one hash seed: its
    two runs, ``run`` = (workload, variant, small count, large count), side by side on ``pool``; ``url`` is the
    database (``web`` and ``served``: the server each run makes its own database on)."""
    workload, variant, small, large = run

    def total(count: int) -> int:
        if workload == "served":
            return served_instructions(script, variant, count, url, seed, args.path, args.concurrency)
        return instructions(script, workload, variant, count, url, seed, args.path)

    large_run, small_run = (pool.submit(total, count) for count in (large, small))
    return (large_run.result() - small_run.result()) / (large - small)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=200)
    parser.add_argument("--large", type=int, default=1200)
    parser.add_argument("--only", choices=sorted(VARIANTS))
    parser.add_argument("--no-idle", action="store_true", help="leave out the instrumented-but-unwatched variants")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0], help="PYTHONHASHSEED values (default: 0)")
    parser.add_argument("--path", choices=("/n1", "/fast"), default="/n1", help="the endpoint web requests")
    parser.add_argument(
        "--requests", type=int, nargs=2, metavar=("SMALL", "LARGE"), help="web: 20 120, served: 200 1200"
    )
    parser.add_argument(
        "--server",
        default="postgresql://postgres@127.0.0.1/postgres",
        help="web, served: the PostgreSQL server each run makes its database on (a URL of a database there), or sqlite",
    )
    parser.add_argument("--concurrency", type=int, default=5, help="served: keep-alive connections sending at once")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, ThreadPoolExecutor(min(2, os.cpu_count() or 1)) as pool:
        database = Path(folder) / "rows.db"
        with sqlite3.connect(database) as db:
            db.execute("CREATE TABLE rows (id INTEGER PRIMARY KEY, name TEXT)")
            db.executemany("INSERT INTO rows VALUES (?, ?)", [(n, f"row {n}") for n in range(1, 101)])
        script = Path(folder) / "workload.py"
        script.write_text(WORKLOAD)
        url = f"sqlite:///{database}"
        for workload in [args.only] if args.only else VARIANTS:
            small, large = (
                args.requests or {"web": (20, 120), "served": (200, 1200)}.get(workload) or (args.small, args.large)
            )
            unit = f"request to {args.path}" if workload in ("web", "served") else "statement"
            base, *watched = VARIANTS[workload]
            if args.no_idle:
                watched = [variant for variant in watched if variant != "idle"]
            where = args.server if workload in ("web", "served") else url
            plain = [per_unit(pool, script, (workload, base, small, large), where, s, args) for s in args.seeds]
            for variant in watched:
                ours = [per_unit(pool, script, (workload, variant, small, large), where, s, args) for s in args.seeds]
                ratios = [mine / theirs - 1 for mine, theirs in zip(ours, plain)]
                for seed, theirs, mine, ratio in zip(args.seeds, plain, ours, ratios):
                    print(
                        f"{workload:8} seed {seed}: {base} {theirs:,.0f}  {variant} {mine:,.0f} instructions per "
                        f"{unit}: {ratio:+.2%}",
                        flush=True,
                    )
                mean = sum(ratios) / len(ratios)
                verdict = "within" if mean <= BUDGET[workload] else "OVER"
                print(
                    f"{workload:8} {variant}: mean {mean:+.2%} of {len(ratios)} seed(s), range "
                    f"{min(ratios):+.2%} to {max(ratios):+.2%} ({verdict} the {BUDGET[workload]:.0%} budget)",
                    flush=True,
                )


if __name__ == "__main__":
    main()
