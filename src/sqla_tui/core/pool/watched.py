"""WatchedPool: an instrumented engine with its monitor, re-created when the settings change.

The pool screen lets a person change pool_size, max_overflow, timeout,
recycle, pre-ping and the pool class while watching. A pool cannot be
resized in place, so applying settings builds a new engine and monitor and
disposes the old engine; invalid settings are refused before anything is
touched, so a typo never leaves the screen without an engine.
"""

from __future__ import annotations

from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncEngine

from sqla_tui.core.connect.target import PoolOptions
from sqla_tui.core.connect.url import parse_url
from sqla_tui.core.observe.monitor import (
    DEFAULT_LEAK_THRESHOLD,
    SAMPLE_INTERVAL,
    PoolMonitor,
    create_monitored_engine,
)
from sqla_tui.core.pool.activity import ActivityView, ServerActivity


class WatchedPool:
    """One watched engine at a time; use it (and ``apply``) on the event loop that runs the engine."""

    def __init__(
        self,
        raw_url: str | URL,
        options: PoolOptions = PoolOptions(),
        *,
        leak_threshold: float = DEFAULT_LEAK_THRESHOLD,
    ) -> None:
        self.url = parse_url(raw_url) if isinstance(raw_url, str) else raw_url
        self.options = options
        self.engine: AsyncEngine = create_monitored_engine(self.url, options)
        self.monitor = PoolMonitor(self.engine, leak_threshold=leak_threshold)
        self._activity = ActivityView(self.url)

    async def apply(self, options: PoolOptions) -> None:
        """Switch to an engine built with ``options``; stop any load on the old one first.

        Raises ``UserError`` for invalid settings and then changes nothing.
        The new monitor starts from zero and samples if the old one did.
        """
        engine = create_monitored_engine(self.url, options)
        old_engine, old_monitor = self.engine, self.monitor
        sampling = old_monitor.is_sampling
        await old_monitor.stop_sampling()
        await old_engine.dispose()
        old_monitor.close()  # after the dispose, so its figures end with the connections closed
        self.engine, self.options = engine, options
        self.monitor = PoolMonitor(engine, leak_threshold=old_monitor.leak_threshold)
        if sampling:
            self.monitor.start_sampling(SAMPLE_INTERVAL)

    async def activity(self) -> ServerActivity:
        """This pool's sessions as the server sees them."""
        return await self._activity.fetch(self.monitor.session_ids())

    async def close(self) -> None:
        await self.monitor.stop_sampling()
        self.monitor.close()
        await self.engine.dispose()
        await self._activity.close()
