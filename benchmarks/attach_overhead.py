"""What attaching costs a real web application: throughput and CPU per request, with a viewer vs uninstrumented.

Two copies of the test application (tests/attach_app.py: Starlette on uvicorn,
pool 5 + 10) run side by side on the same database: one plain, one calling
``sqla_tui.attach.instrument(engine)`` with ``sqla-tui attach --json``
reading its feed in a third process. The load client sends ``--concurrency``
requests at a time to one copy for ``--segment`` seconds, then to the other,
in ABBA order; each segment records the requests answered and the serving
process's CPU time (/proc), so each pair gives a throughput ratio and a CPU
per request ratio.
The client, the viewer and the database share the other core, which at
times limits throughput too, so the throughput ratio can understate the
cost; the CPU ratio is the stricter figure.

    python benchmarks/attach_overhead.py [URL] [--path /n1] [--rounds 4] [--pairs 6] [--segment 1.0]
        [--concurrency 10] [--no-viewer] [--control | --beside] [--spin US] [--no-pin]

Both applications are pinned to CPU 1, the load client, the viewer and (on
PostgreSQL) the database's server and backends to CPU 0 (``--no-pin`` leaves it to the scheduler); ``--control`` runs two
plain copies, so the harness's own noise can be read off beside a result;
``--beside`` runs a second plain copy in the same rounds, its segments in
the same rotation, so each round gives the viewer's ratio and the
harness's own side by side (the run's result is their difference);
``--spin US`` runs two plain copies, the second spending US µs of CPU on
each request before serving it, so what a known cost does to throughput at
this load can be read beside what the viewer does. At 200 requests at once
against the pool's 15 connections, the answer is about twice the cost
(benchmarks/README.md, "Attach, round 15").
Two copies of one program differ by a few percent on their own (where the
kernel put them, their memory layout): each of ``--rounds`` rounds starts
fresh copies, in rotating order, and the result is the median over every
pair of every round, and the mean with its standard error over the rounds
(a round, not a pair, is what is independent of the others).

The URL (sync form, as the tests use) defaults to a SQLite file in a
temporary directory; the application creates and fills its two tables there.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.attach_helpers import AppProcess, start_app, start_viewer  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")


APP_CPU, OTHER_CPU = 1, 0
SAME_HASHES = {"PYTHONHASHSEED": "0"}
"""Both copies hash strings alike, so their dictionaries are laid out alike."""
POOL_TIMEOUT = "--pool-timeout=30"
"""SQLAlchemy's default: the tests' one second (to see timeouts) answered a request queued behind 200 others with a
503 now and then, which ended the run."""


def pin(pids: list[int], cpu: int) -> None:
    """Keep every thread of these processes on one CPU (the feed thread too, which a process-wide call misses).

    The application measured gets a core of its own; the load client, the
    viewer and the database share the other. Unpinned, which of them shared
    the application's core moved CPU per request by ±15% from one second to
    the next.
    """
    for pid in pids:
        for thread in Path(f"/proc/{pid}/task").iterdir():
            os.sched_setaffinity(int(thread.name), {cpu})


async def server_processes(url: str) -> list[int]:
    """The PostgreSQL backends serving the benchmark's database (its own; nobody else uses it); none elsewhere.

    Pinned beside the client: a backend the scheduler put on the
    application's core slowed that copy for as long as it lived (two plain
    copies differed by up to 25% from one round to the next).
    """
    if not url.startswith("postgresql"):
        return []
    import asyncpg

    connection = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        rows = await connection.fetch(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    finally:
        await connection.close()
    return [row["pid"] for row in rows]


def postmaster(backends: list[int]) -> int | None:
    """The PostgreSQL server process that started these backends (their parent); None without any."""
    if not backends:
        return None
    return int(Path(f"/proc/{backends[0]}/stat").read_text().rsplit(")", 1)[1].split()[1])


@contextlib.contextmanager
def new_backends_pinned(server: int | None) -> Iterator[None]:
    """The backends PostgreSQL starts meanwhile start beside the client: each inherits its server's CPUs.

    At 200 requests at once the pool closes overflow connections on return
    and opens new ones, about twenty a second, each a new backend process
    whose start-up (a few ms of CPU) landed on the application's core as
    often as not; the server's own CPUs are given back after.
    """
    if server is None:
        yield
        return
    before = os.sched_getaffinity(server)
    os.sched_setaffinity(server, {OTHER_CPU})
    try:
        yield
    finally:
        os.sched_setaffinity(server, before)


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


class Client:
    """One keep-alive HTTP/1.1 connection that sends a fixed GET and reads the answer: a few µs of CPU a request.

    httpx spent about a millisecond of CPU per request, on the same two cores
    as the application, the viewer and the database; its share of the
    machine moved with the scheduler and buried the few percent measured.
    """

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes) -> None:
        self.reader, self.writer, self.request = reader, writer, request

    @classmethod
    async def open(cls, app: AppProcess, path: str) -> Client:
        reader, writer = await asyncio.open_connection("127.0.0.1", app.port)
        return cls(reader, writer, f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())

    async def get(self) -> None:
        self.writer.write(self.request)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = head.split(b" ", 2)[1]
        if status != b"200":
            raise RuntimeError(f"the application answered {status.decode()}")
        length = int(head.lower().split(b"content-length:", 1)[1].split(b"\r\n", 1)[0])
        await self.reader.readexactly(length)

    def close(self) -> None:
        self.writer.close()


async def segment(clients: list[Client], app: AppProcess, seconds: float) -> tuple[float, float]:
    """Requests answered a second, and the app's CPU seconds a request, over one segment.

    Its time runs until the last answer: a client stops sending at the
    end, and the requests then in flight (200 at the issue's load, a fifth
    of a second's work) are answered after it and counted.
    """
    done = 0
    started = time.monotonic()
    ends = started + seconds

    async def worker(client: Client) -> None:
        nonlocal done
        while time.monotonic() < ends:
            await client.get()
            done += 1

    before = cpu_seconds(app.pid)
    await asyncio.gather(*(worker(client) for client in clients))
    return done / (time.monotonic() - started), (cpu_seconds(app.pid) - before) / done


class Pair(NamedTuple):
    """One pair of segments: the attached copy's throughput and CPU per request over the plain copy's, and the
    second plain copy's (``--beside``; None without it)."""

    rate: float
    cpu: float
    control_rate: float | None = None
    control_cpu: float | None = None


async def measure(
    plain: AppProcess, watched: AppProcess, control: AppProcess | None, args: argparse.Namespace
) -> list[Pair]:
    """The pairs of one round: ``--pairs`` rotations of a segment of each copy."""
    copies = [side for side in (plain, watched, control) if side is not None]
    clients = {side.pid: [await Client.open(side, args.path) for _ in range(args.concurrency)] for side in copies}
    try:
        for side in copies:  # warm each: connections opened, code paths hot
            await segment(clients[side.pid], side, args.segment)
        backends = await server_processes(args.url) if args.pin else []
        pin(backends, OTHER_CPU)
        with new_backends_pinned(postmaster(backends)):
            return await measure_pairs(plain, watched, control, clients, args)
    finally:
        for client in (client for side in clients.values() for client in side):
            client.close()


async def measure_pairs(
    plain: AppProcess,
    watched: AppProcess,
    control: AppProcess | None,
    clients: dict[int, list[Client]],
    args: argparse.Namespace,
) -> list[Pair]:
    """``--pairs`` rotations of one segment per copy, each order in turn (ABBA with two copies): each one's ratios
    over the plain copy."""
    copies = [side for side in (plain, watched, control) if side is not None]
    orders = list(itertools.permutations(copies))
    pairs = []
    for index in range(args.pairs):
        figures = {}
        for side in orders[index % len(orders)]:
            figures[side.pid] = await segment(clients[side.pid], side, args.segment)
        (p_rate, p_cpu), (w_rate, w_cpu) = figures[plain.pid], figures[watched.pid]
        line = (
            f"  pair {index + 1:>2}: plain {p_rate:5.0f} req/s {p_cpu * 1e6:6.0f} µs CPU/req"
            f" · attached {w_rate:5.0f} req/s {w_cpu * 1e6:6.0f} µs CPU/req"
        )
        if control is None:
            pairs.append(Pair(w_rate / p_rate, w_cpu / p_cpu))
        else:
            c_rate, c_cpu = figures[control.pid]
            pairs.append(Pair(w_rate / p_rate, w_cpu / p_cpu, c_rate / p_rate, c_cpu / p_cpu))
            line += f" · plain again {c_rate:5.0f} req/s {c_cpu * 1e6:6.0f} µs CPU/req"
        print(line)
    return pairs


def one_round(url: str, args: argparse.Namespace, index: int) -> list[Pair]:
    """Fresh processes (started in rotating order), their viewer, and ``--pairs`` rotations of segments."""
    plain_args: tuple[str, ...] = ("--plain", POOL_TIMEOUT)
    watched_args: tuple[str, ...]
    if args.spin:
        watched_args = (*plain_args, f"--spin-us={args.spin:g}")
    else:
        watched_args = plain_args if args.control else (POOL_TIMEOUT,)
    wanted = [("plain", plain_args), ("watched", watched_args)] + ([("control", plain_args)] if args.beside else [])
    shift = index % len(wanted)
    started = {role: start_app(url, *extra, env=SAME_HASHES) for role, extra in wanted[shift:] + wanted[:shift]}
    plain, watched, control = started["plain"], started["watched"], started.get("control")
    viewer = None if args.no_viewer or args.control or args.spin else start_viewer(str(watched.pid), "--json")
    try:
        if viewer is not None:
            watched.wait_for_viewers(1)
        if args.pin:
            pin([side.pid for side in started.values()], APP_CPU)
            pin([os.getpid(), *([viewer.pid] if viewer is not None else [])], OTHER_CPU)
        return asyncio.run(measure(plain, watched, control, args))
    finally:
        for app in started.values():
            app.stop()
        if viewer is not None:
            summary = json.loads(viewer.communicate(timeout=60)[0])
            print(f"  viewer: {summary['statements']:,} statements, {summary['dropped']} dropped")


def round_mean(pairs: list[Pair]) -> Pair:
    """A round's pairs in one: the mean of each ratio (a round is one sample of the copies' own difference)."""
    rate, cpu = statistics.fmean(pair.rate for pair in pairs), statistics.fmean(pair.cpu for pair in pairs)
    controls = [(pair.control_rate, pair.control_cpu) for pair in pairs if pair.control_rate and pair.control_cpu]
    if not controls:
        return Pair(rate, cpu)
    return Pair(rate, cpu, statistics.fmean(c for c, _ in controls), statistics.fmean(c for _, c in controls))


def mean_and_error(values: list[float]) -> str:
    """``mean ± standard error`` (the error needs two values)."""
    mean = statistics.fmean(values)
    if len(values) < 2:
        return f"{mean:.3f}"
    return f"{mean:.3f} ± {statistics.stdev(values) / len(values) ** 0.5:.3f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", nargs="?")
    parser.add_argument("--path", default="/n1")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--pairs", type=int, default=6)
    parser.add_argument("--segment", type=float, default=1.0)
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--no-viewer", action="store_true", help="instrumented, but nobody attached")
    controls = parser.add_mutually_exclusive_group()
    controls.add_argument("--control", action="store_true", help="both copies plain: the harness's own noise")
    controls.add_argument(
        "--beside", action="store_true", help="a second plain copy in the same rounds: the harness's noise beside"
    )
    parser.add_argument(
        "--spin", type=float, default=0.0, metavar="US",
        help="both plain, the second spending US µs of CPU on each request: how the load answers a known cost",
    )  # fmt: skip
    parser.add_argument("--no-pin", action="store_true", help="let the scheduler place the processes")
    args = parser.parse_args()
    args.pin = not args.no_pin and len(os.sched_getaffinity(0)) >= 2
    with tempfile.TemporaryDirectory() as scratch:
        os.environ["SQLA_TUI_RUNTIME_DIR"] = str(Path(scratch) / "rt")
        url = args.url
        if url is None:
            import sqlite3

            sqlite3.connect(Path(scratch) / "bench.db").close()
            url = f"sqlite:///{Path(scratch) / 'bench.db'}"
        args.url = url
        pairs: list[Pair] = []
        rounds: list[list[Pair]] = []
        for index in range(args.rounds):
            print(f"round {index + 1}")
            rounds.append(one_round(url, args, index))
            pairs += rounds[-1]
    print(
        f"\n{args.path}, {args.concurrency} concurrent, {args.rounds} rounds of {args.pairs} pairs of {args.segment:g} s"
        f"{' (control: both plain)' if args.control else ''}"
        f"{f' (both plain, the second spinning {args.spin:g} µs a request)' if args.spin else ''}: attached/plain throughput "
        f"{statistics.median(pair.rate for pair in pairs):.3f}, CPU per request "
        f"{statistics.median(pair.cpu for pair in pairs):.3f} (medians of all pairs); "
        f"throughput by round {', '.join(f'{statistics.median(pair.rate for pair in found):.3f}' for found in rounds)}"
    )
    by_round = [round_mean(found) for found in rounds]
    print(
        f"means over the rounds: throughput {mean_and_error([pair.rate for pair in by_round])}, CPU per request "
        f"{mean_and_error([pair.cpu for pair in by_round])}"
    )
    beside = [
        (pair, pair.control_rate, pair.control_cpu) for pair in by_round if pair.control_rate and pair.control_cpu
    ]
    if beside:
        print(
            f"the second plain copy: throughput {mean_and_error([rate for _, rate, _ in beside])}, CPU per request "
            f"{mean_and_error([cpu for _, _, cpu in beside])}; attached over plain, each round's less the second "
            f"plain copy's: throughput {mean_and_error([pair.rate - rate for pair, rate, _ in beside])}, "
            f"CPU per request {mean_and_error([pair.cpu - cpu for pair, _, cpu in beside])}"
        )


if __name__ == "__main__":
    main()
