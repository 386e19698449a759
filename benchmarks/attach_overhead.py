"""What attaching costs a real web application: throughput and CPU per request, with a viewer vs uninstrumented.

Two copies of the test application (tests/attach_app.py: Starlette on uvicorn,
pool 5 + 10) run side by side on the same database: one plain, one calling
``sqla_tui.attach.instrument(engine)`` with ``sqla-tui attach --json``
reading its feed in a third process. The load client sends ``--concurrency``
requests at a time to one copy for ``--segment`` seconds, then to the other,
in ABBA order; each segment records the requests answered and the serving
process's CPU time (/proc), so each pair gives a throughput ratio and a CPU
per request ratio, and the medians over ``--pairs`` pairs are the result.
The client's own cost is the same for both sides, so the throughput ratio
understates the cost; the CPU ratio is the honest figure.

    python benchmarks/attach_overhead.py [URL] [--path /n1] [--pairs 10] [--segment 1.0] [--concurrency 10] [--no-viewer]

The URL (sync form, as the tests use) defaults to a SQLite file in a
temporary directory; the application creates and fills its two tables there.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.attach_helpers import AppProcess, start_app, start_viewer  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


async def segment(
    client: httpx.AsyncClient, app: AppProcess, path: str, seconds: float, concurrency: int
) -> tuple[int, float]:
    """Requests answered and the app's CPU seconds during one segment."""
    done = 0
    ends = time.monotonic() + seconds

    async def worker() -> None:
        nonlocal done
        while time.monotonic() < ends:
            answer = await client.get(f"{app.base}{path}")
            answer.raise_for_status()
            done += 1

    before = cpu_seconds(app.pid)
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return done, cpu_seconds(app.pid) - before


async def measure(plain: AppProcess, watched: AppProcess, args: argparse.Namespace) -> None:
    limits = httpx.Limits(max_connections=args.concurrency * 2, max_keepalive_connections=args.concurrency * 2)
    throughput, cpu = [], []
    async with httpx.AsyncClient(limits=limits, timeout=60) as client:
        for side in (plain, watched):  # warm both: connections opened, code paths hot
            await segment(client, side, args.path, args.segment, args.concurrency)
        for index in range(args.pairs):
            order = (plain, watched) if index % 2 == 0 else (watched, plain)
            figures = {}
            for side in order:
                figures[side.pid] = await segment(client, side, args.path, args.segment, args.concurrency)
            (p_done, p_cpu), (w_done, w_cpu) = figures[plain.pid], figures[watched.pid]
            throughput.append(w_done / p_done)
            cpu.append((w_cpu / w_done) / (p_cpu / p_done))
            print(
                f"pair {index + 1:>2}: plain {p_done / args.segment:7.0f} req/s {p_cpu / p_done * 1e6:6.0f} µs CPU/req · "
                f"attached {w_done / args.segment:7.0f} req/s {w_cpu / w_done * 1e6:6.0f} µs CPU/req"
            )
    print(
        f"\n{args.path}, {args.concurrency} concurrent, {args.pairs} pairs of {args.segment:g} s: "
        f"attached/plain throughput {statistics.median(throughput):.3f}, "
        f"CPU per request {statistics.median(cpu):.3f} (medians)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", nargs="?")
    parser.add_argument("--path", default="/n1")
    parser.add_argument("--pairs", type=int, default=10)
    parser.add_argument("--segment", type=float, default=1.0)
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--no-viewer", action="store_true", help="instrumented, but nobody attached")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        os.environ["SQLA_TUI_RUNTIME_DIR"] = str(Path(scratch) / "rt")
        url = args.url
        if url is None:
            import sqlite3

            sqlite3.connect(Path(scratch) / "bench.db").close()
            url = f"sqlite:///{Path(scratch) / 'bench.db'}"
        plain = start_app(url, "--plain")
        watched = start_app(url)
        viewer = None if args.no_viewer else start_viewer(str(watched.pid), "--json")
        try:
            if viewer is not None:
                watched.wait_for_viewers(1)
            asyncio.run(measure(plain, watched, args))
        finally:
            for app in (plain, watched):
                app.stop()
            if viewer is not None:
                summary = json.loads(viewer.communicate(timeout=60)[0])
                print(f"viewer: {summary['statements']:,} statements, {summary['dropped']} dropped")


if __name__ == "__main__":
    main()
