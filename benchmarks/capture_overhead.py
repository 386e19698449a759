"""Capture overhead: a 10,000-row ORM query with the StatementLog on vs off.

Both variants run alternately in one process on the same database, so drift
affects them equally; the ratio of medians is what the README reports.
Target: captured ≤ 1.10× plain. Also: a fan-out comparison vs the sum of the
same plans run bare (target ≤ 1.10×).

    python benchmarks/capture_overhead.py [--url URL] [--rounds 30]

Without --url a throwaway SQLite file is used; a server URL gets a throwaway
table ``bench_capture_rows`` that is dropped afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from sqla_tui.demo_db.load import load_demo
from sqlalchemy import Integer, String, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from sqla_tui.core.connect.engine import connect
from sqla_tui.core.observe.capture import StatementLog
from sqla_tui.core.query.fanout import compare, plan_loads
from sqla_tui.core.query.spec import QuerySpec

ROWS = 10_000


class Base(DeclarativeBase):
    pass


class Row(Base):
    __tablename__ = "bench_capture_rows"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    score: Mapped[int] = mapped_column(Integer)


async def _plain(engine: AsyncEngine) -> float:
    started = time.perf_counter()
    async with AsyncSession(engine) as session:
        rows = (await session.scalars(select(Row))).all()
    assert len(rows) == ROWS
    return time.perf_counter() - started


async def _captured(engine: AsyncEngine, log: StatementLog) -> float:
    started = time.perf_counter()
    async with AsyncSession(engine) as session:
        rows = (await session.scalars(select(Row))).all()
    assert len(rows) == ROWS and log.entries[-1].rows == ROWS
    return time.perf_counter() - started


async def capture_ratio(engine: AsyncEngine, rounds: int) -> tuple[float, float]:
    log = StatementLog()
    plain, captured = [], []
    for _ in range(2):  # warm-up both paths
        await _plain(engine)
    for _ in range(rounds):
        plain.append(await _plain(engine))
        log.attach(engine)
        captured.append(await _captured(engine, log))
        log.detach()
    return statistics.median(plain) * 1000, statistics.median(captured) * 1000


async def fanout_ratio(engine: AsyncEngine, runs: int, rounds: int) -> tuple[float, float, float]:
    """compare() on the demo's users.posts vs the same plans executed bare (no capture, no tracing).

    Three variants alternate round by round: the plans run bare, compare() as
    shipped, and compare(memory=True) (``fanout --memory``: the warm-up of
    each plan runs under tracemalloc for its memory peak). Medians in ms.
    """
    from sqla_tui.core.catalog.entities import resolve_entity

    user = await resolve_entity(engine, "users")
    spec, paths = QuerySpec("users", limit=None), ["posts"]
    plans = ("joined", "selectin", "subquery", "mixed")

    async def bare() -> float:
        started = time.perf_counter()
        for plan in plans:
            loads, _touched = plan_loads(plan, user, paths)
            statement = bare_select(QuerySpec("users", limit=None, loads=loads), user)
            for _ in range(runs + 1):  # the warm-up and the timed runs, as compare() does
                async with AsyncSession(engine) as session:
                    (await session.execute(statement)).unique().scalars().all()
        return time.perf_counter() - started

    async def ours(memory: bool) -> float:
        started = time.perf_counter()
        await compare(engine, user, spec, paths, plans, runs, memory=memory)
        return time.perf_counter() - started

    await bare()
    await ours(False)  # warm-up
    bare_s, shipped_s, traced_s = [], [], []
    for _ in range(rounds):
        bare_s.append(await bare())
        shipped_s.append(await ours(False))
        traced_s.append(await ours(True))
    return tuple(statistics.median(samples) * 1000 for samples in (bare_s, shipped_s, traced_s))  # type: ignore[return-value]


def bare_select(spec: QuerySpec, entity: type):  # type: ignore[no-untyped-def]
    from sqla_tui.core.query.statement import build_select

    return build_select(spec, entity)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", help="database URL (default: a throwaway SQLite file)")
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        url = args.url
        if url is None:
            import sqlite3

            path = Path(scratch) / "bench.db"
            sqlite3.connect(path).close()
            url = f"sqlite:///{path}"
        engine, info = await connect(url, read_only=False)
        try:
            async with engine.begin() as conn:
                await conn.run_sync(Base.metadata.drop_all)
                await conn.run_sync(Base.metadata.create_all)
                await conn.execute(Row.__table__.insert(), [{"id": i, "name": f"row {i}", "score": i % 97} for i in range(ROWS)])
            plain, captured = await capture_ratio(engine, args.rounds)
            print(f"{info.server_version}: {ROWS:,}-row ORM query, median of {args.rounds} alternating rounds")
            print(f"  plain SQLAlchemy     {plain:8.1f} ms")
            print(f"  with StatementLog    {captured:8.1f} ms   ratio {captured / plain:.3f}x (target <= 1.10x)")
            if args.url is None:
                demo_path = Path(scratch) / "demo.db"
                import sqlite3

                sqlite3.connect(demo_path).close()
                demo_engine, _ = await connect(f"sqlite:///{demo_path}", read_only=False)
                await load_demo(demo_engine)
                fan_rounds = max(3, args.rounds // 3)
                bare, ours, traced = await fanout_ratio(demo_engine, runs=3, rounds=fan_rounds)
                await demo_engine.dispose()
                print(f"  fan-out users.posts (joined, selectin, subquery, mixed; 3 runs each) on the demo, "
                      f"median of {fan_rounds} alternating rounds:")
                print(f"    plans run bare     {bare:8.1f} ms")
                print(f"    compare()          {ours:8.1f} ms   ratio {ours / bare:.3f}x (target <= 1.10x)")
                print(f"    compare(memory=True) {traced:8.1f} ms   ratio {traced / bare:.3f}x "
                      "(fanout --memory: tracemalloc peak per plan, opt-in)")
            print(f"  load average {' '.join(Path('/proc/loadavg').read_text().split()[:3])}")
        finally:
            async with engine.begin() as conn:
                await conn.run_sync(Base.metadata.drop_all)
            await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
