"""What watching the pool costs: throughput of 200 tasks running SELECT 1, with and without PoolMonitor.

Two engines on the same PostgreSQL with the same pool (``--pool-size``,
no overflow, so the 200 tasks queue for connections and the waiting path is
exercised): one plain, one with the instrumented pool, a PoolMonitor and its
10 Hz sampler. Rounds alternate (plain first, then watched first, ...) so
drift in the machine's load hits both alike; the median of each side is
compared, as throughput and as process CPU time per statement (the steadier
figure on a shared machine).

    /root/venv/bin/python benchmarks/pool_overhead.py [URL] [--tasks 200] [--rounds 10] [--seconds 1.5] [--control]

``--control`` runs the same rounds with two plain engines: the spread it
shows is the noise floor the real comparison has to be read against.

The URL defaults to the local PostgreSQL's ``postgres`` database; the
engines are read-only and only run SELECT 1.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from sqla_tui.core.connect import PoolOptions, create_engine
from sqla_tui.core.pool import PoolMonitor, create_monitored_engine

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
SELECT_1 = text("SELECT 1")


async def throughput(engine: AsyncEngine, tasks: int, seconds: float) -> tuple[float, float]:
    """Statements per second, and process CPU microseconds per statement, from ``tasks`` tasks
    looping checkout, SELECT 1, return."""
    deadline = time.perf_counter() + seconds
    done = 0

    async def worker() -> None:
        nonlocal done
        while time.perf_counter() < deadline:
            async with engine.connect() as conn:
                await conn.execute(SELECT_1)
            done += 1

    started, cpu = time.perf_counter(), time.process_time()
    await asyncio.gather(*(worker() for _ in range(tasks)))
    return done / (time.perf_counter() - started), (time.process_time() - cpu) / done * 1e6


_HOOKS = (
    "acquire_finished", "waiting", "connecting",
    "_on_connect", "_on_checkout", "_on_checkin", "_on_reset", "_on_close", "sample",
)


def _timed(method: Callable[..., Any]) -> Callable[..., Any]:
    def timed(self: Any, *args: Any) -> Any:
        started = time.perf_counter()
        try:
            return method(self, *args)
        finally:
            self.spent += time.perf_counter() - started
            self.calls += 1

    return timed


def _timing_cost(calls: int = 200_000) -> float:
    """Seconds the timing wrapper itself adds to one call (subtracted from the hooks' total)."""

    class Probe:
        spent, calls = 0.0, 0
        noop = _timed(lambda self: None)

    probe = Probe()
    started = time.perf_counter()
    for _ in range(calls):
        probe.noop()
    return (time.perf_counter() - started) / calls


TimedMonitor = type("TimedMonitor", (PoolMonitor,), {name: _timed(getattr(PoolMonitor, name)) for name in _HOOKS})
"""A PoolMonitor that adds up the time spent in its own event hooks and sampler."""


async def hook_cost(url: str, options: PoolOptions, tasks: int, seconds: float) -> float:
    """Microseconds spent inside the monitor per checkout, measured directly.

    Unlike the throughput difference this does not drown in the noise of a
    shared machine; the timing wrapper's own cost is measured and taken off.
    The instrumented pool's thin wrappers around ``connect``/``_do_get`` are
    not included (a few attribute reads each).
    """
    engine = create_monitored_engine(url, options)
    monitor = TimedMonitor(engine)
    monitor.spent, monitor.calls = 0.0, 0
    monitor.start_sampling()
    try:
        await throughput(engine, tasks, seconds)
    finally:
        await monitor.stop_sampling()
        await engine.dispose()
    own = monitor.spent - monitor.calls * _timing_cost()
    return max(0.0, own) / monitor.snapshot().counters.checkouts * 1e6


async def main(url: str, tasks: int, rounds: int, seconds: float, pool_size: int, control: bool) -> None:
    options = PoolOptions(pool_size=pool_size, max_overflow=0, pool_timeout=60)
    plain = create_engine(url, options)
    watched = create_engine(url, options) if control else create_monitored_engine(url, options)
    monitor = PoolMonitor(watched)
    if control:  # plain against plain: the noise floor of this machine
        monitor.close()
    monitor.start_sampling()
    rates: dict[str, list[float]] = {"plain": [], "watched": []}
    cpu: dict[str, list[float]] = {"plain": [], "watched": []}
    try:
        for engine in (plain, watched):  # warm up: open every connection once
            await throughput(engine, tasks, 0.5)
        for round_number in range(1, rounds + 1):
            order = (("plain", plain), ("watched", watched))
            for name, engine in order if round_number % 2 else order[::-1]:
                rate, cost = await throughput(engine, tasks, seconds)
                rates[name].append(rate)
                cpu[name].append(cost)
                print(f"round {round_number:>2}  {name:<8} {rate:>9,.0f} statements/s  {cost:>6.0f} us CPU each")
    finally:
        await monitor.stop_sampling()
        await plain.dispose()
        await watched.dispose()
    base, seen = statistics.median(rates["plain"]), statistics.median(rates["watched"])
    base_cpu, seen_cpu = statistics.median(cpu["plain"]), statistics.median(cpu["watched"])
    snapshot = monitor.snapshot()
    hook_us = await hook_cost(url, options, tasks, seconds)
    print(f"\nmedian of {rounds} rounds, {tasks} tasks, pool size {pool_size}, {seconds:g} s each:")
    print(f"  throughput  plain {base:,.0f}/s  watched {seen:,.0f}/s  loss {(base - seen) / base * 100:+.1f}%")
    print(
        f"  CPU/stmt    plain {base_cpu:,.0f} us  watched {seen_cpu:,.0f} us  "
        f"extra {(seen_cpu - base_cpu) / base_cpu * 100:+.1f}%   (target: loss <= 3%)"
    )
    print(
        f"  inside the monitor's hooks: {hook_us:.1f} us per checkout = "
        f"{hook_us / base_cpu * 100:.1f}% of the plain CPU time per statement"
    )
    print(
        f"  the monitor saw {snapshot.counters.checkouts:,} checkouts, at most {snapshot.max_waiters} waiting, "
        f"acquire p95 {snapshot.acquire.p95_ms if snapshot.acquire else '-'} ms, {len(monitor.history())} samples kept"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", nargs="?", default=DEFAULT_URL)
    parser.add_argument("--tasks", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=1.5)
    parser.add_argument("--pool-size", type=int, default=20)
    parser.add_argument("--control", action="store_true", help="Compare plain with plain, to see the noise.")
    args = parser.parse_args()
    asyncio.run(main(args.url, args.tasks, args.rounds, args.seconds, args.pool_size, args.control))
