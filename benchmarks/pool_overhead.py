"""What watching the pool costs: 200 tasks running SELECT 1, with and without PoolMonitor.

One engine, one pool, one set of connections, and 200 tasks that loop
checkout → ``SELECT 1`` → return for the whole run, while the pool is
switched between two sides every ``--segment`` seconds:

- **plain**: SQLAlchemy's own ``AsyncAdaptedQueuePool``, no listeners;
- **watched**: the same pool object turned into its instrumented twin
  (``pool.__class__`` swapped; the twin only overrides methods) with a
  PoolMonitor listening and its 10 Hz sampler running.

Each segment records statements finished and this process's CPU time, so
each side has a throughput and a CPU time per statement; adjacent segments
form pairs (order ABBA, so neither side always goes first), and the median
of the pairs' ratios is the result. Short segments in one run let the
machine's drift hit both sides alike: two engines side by side, or rounds of
a few seconds that start and stop the tasks, swung ±7% here with no monitor
at all. ``--control`` switches between plain and plain with the same
machinery and shows the noise floor the real figure is read against.

    /root/venv/bin/python benchmarks/pool_overhead.py [URL] [--tasks 200] [--pairs 80] [--segment 0.25] [--control]

The URL defaults to the local PostgreSQL's ``postgres`` database; the
engine is read-only and only runs SELECT 1.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time
from dataclasses import dataclass

from sqlalchemy import pool as sa_pool
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from sqla_tui.core.connect.target import PoolOptions
from sqla_tui.core.observe.monitor import PoolMonitor, create_monitored_engine
from sqla_tui.core.observe.pool import InstrumentedQueuePool

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
SELECT_1 = text("SELECT 1")


@dataclass
class Segment:
    side: str
    statements: int
    seconds: float
    cpu_s: float

    @property
    def rate(self) -> float:
        return self.statements / self.seconds

    @property
    def cpu_us(self) -> float:
        return self.cpu_s / self.statements * 1e6


class Sides:
    """Switches one engine's pool between plain SQLAlchemy and watched by a PoolMonitor."""

    def __init__(self, engine: AsyncEngine, control: bool) -> None:
        self.engine, self.control = engine, control
        self.monitor: PoolMonitor | None = None
        self.checkouts_seen = 0

    def switch(self, side: str) -> None:
        if self.monitor is not None:
            self.monitor.close()
            self.checkouts_seen += self.monitor.snapshot().counters.checkouts
            self.monitor = None
        pool = self.engine.sync_engine.pool
        if side == "plain" or self.control:
            pool.__class__ = sa_pool.AsyncAdaptedQueuePool
            return
        pool.__class__ = InstrumentedQueuePool
        self.monitor = PoolMonitor(self.engine)

    async def sample_forever(self) -> None:
        """The monitor's 10 Hz sampler, following whichever monitor is current."""
        while True:
            if self.monitor is not None:
                self.monitor.sample()
            await asyncio.sleep(0.1)


async def measure(engine: AsyncEngine, sides: Sides, tasks: int, pairs: int, segment: float) -> list[Segment]:
    """Run the tasks for ``2 * pairs`` segments, switching sides between segments."""
    done, stop = 0, False

    async def worker() -> None:
        nonlocal done
        while not stop:
            async with engine.connect() as conn:
                await conn.execute(SELECT_1)
            done += 1

    workers = [asyncio.create_task(worker()) for _ in range(tasks)]
    sampler = asyncio.create_task(sides.sample_forever())
    segments: list[Segment] = []
    try:
        await asyncio.sleep(1.0)  # warm up: every connection opened, every task queued
        for pair in range(pairs):
            order = ("plain", "watched") if pair % 2 == 0 else ("watched", "plain")
            for side in order:
                sides.switch(side)
                statements, started, cpu = done, time.perf_counter(), time.process_time()
                await asyncio.sleep(segment)
                segments.append(
                    Segment(side, done - statements, time.perf_counter() - started, time.process_time() - cpu)
                )
    finally:
        stop = True
        sampler.cancel()
        await asyncio.gather(*workers, sampler, return_exceptions=True)
        sides.switch("plain")
    return segments


def report(segments: list[Segment], control: bool) -> None:
    pairs = [(a, b) if a.side == "plain" else (b, a) for a, b in zip(segments[::2], segments[1::2])]
    rate_loss = statistics.median(1 - watched.rate / plain.rate for plain, watched in pairs)
    cpu_extra = statistics.median(watched.cpu_us / plain.cpu_us - 1 for plain, watched in pairs)
    by_side = {side: [s for s in segments if s.side == side] for side in ("plain", "watched")}
    rate = {side: sum(s.statements for s in seg) / sum(s.seconds for s in seg) for side, seg in by_side.items()}
    cpu = {side: sum(s.cpu_s for s in seg) / sum(s.statements for s in seg) * 1e6 for side, seg in by_side.items()}
    label = "control: plain against plain" if control else "plain against watched"
    print(f"{label}; {len(pairs)} pairs of {segments[0].seconds:.2f} s segments")
    print(f"  throughput  plain {rate['plain']:,.0f}/s  watched {rate['watched']:,.0f}/s   "
          f"median loss per pair {rate_loss * 100:+.1f}%   (target <= 3%)")
    print(f"  CPU/stmt    plain {cpu['plain']:,.0f} us  watched {cpu['watched']:,.0f} us   "
          f"median extra per pair {cpu_extra * 100:+.1f}%")


async def main(url: str, tasks: int, pairs: int, segment: float, pool_size: int, control: bool) -> None:
    options = PoolOptions(pool_size=pool_size, max_overflow=0, pool_timeout=60)
    engine = create_monitored_engine(url, options)
    sides = Sides(engine, control)
    try:
        segments = await measure(engine, sides, tasks, pairs, segment)
    finally:
        await engine.dispose()
    report(segments, control)
    if not control:
        print(f"  the monitors saw {sides.checkouts_seen:,} checkouts")
    print(f"  {tasks} tasks, pool size {pool_size}; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", nargs="?", default=DEFAULT_URL)
    parser.add_argument("--tasks", type=int, default=200)
    parser.add_argument("--pairs", type=int, default=80)
    parser.add_argument("--segment", type=float, default=0.25)
    parser.add_argument("--pool-size", type=int, default=20)
    parser.add_argument("--control", action="store_true", help="Compare plain with plain, to see the noise.")
    args = parser.parse_args()
    asyncio.run(main(args.url, args.tasks, args.pairs, args.segment, args.pool_size, args.control))
