"""A watched engine for the pool, load and activity tests, always disposed."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from sqlalchemy.ext.asyncio import AsyncEngine

from sqla_tui.core.connect.target import PoolOptions
from sqla_tui.core.observe.monitor import PoolMonitor, create_monitored_engine
from tests.databases import TestDatabase

OVERLOADED = PoolOptions(pool_size=2, max_overflow=0, pool_timeout=0.3)
"""Capacity 2 and a short timeout: ten tasks holding 600 ms must time out."""


@contextlib.asynccontextmanager
async def watched(
    database: TestDatabase, pool: PoolOptions = OVERLOADED, *, leak_threshold: float = 60.0
) -> AsyncIterator[tuple[AsyncEngine, PoolMonitor]]:
    """An instrumented engine on ``database`` with a monitor attached."""
    engine = create_monitored_engine(database.url, pool)
    monitor = PoolMonitor(engine, leak_threshold=leak_threshold)
    try:
        yield engine, monitor
    finally:
        monitor.close()
        await engine.dispose()
