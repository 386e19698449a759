"""PoolLab: an instrumented engine, its monitor, the server's view of it, and at most one load.

Both front-ends reproduce pool exhaustion through this one object: the
``pool`` command runs a load to its end and prints the report, the pool
screen starts and stops loads, reads snapshots ten times a second and
changes the pool's settings while watching. A pool cannot be resized in
place, so ``apply`` builds a new engine and monitor; invalid settings are
refused before anything is touched. The lab runs on whichever event loop
calls it (the workbench puts the TUI's on a thread of its own);
``monitor.snapshot()``, ``stop_load()`` and ``options`` are safe from any
thread.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncEngine

from sqla_tui.core.connect.engine import ServerInfo, probe
from sqla_tui.core.connect.target import PoolOptions
from sqla_tui.core.connect.url import display_url
from sqla_tui.core.errors import UserError
from sqla_tui.core.observe.figures import PoolSnapshot, Sample
from sqla_tui.core.observe.monitor import (
    DEFAULT_LEAK_THRESHOLD,
    SAMPLE_INTERVAL,
    PoolMonitor,
    create_monitored_engine,
)
from sqla_tui.core.pool.activity import ActivityView, ServerActivity
from sqla_tui.core.pool.load import LoadGenerator, LoadResult, LoadSpec

MAX_LEAK_THRESHOLD = 3600.0


@dataclass(frozen=True)
class PoolRunReport:
    """One load run: the load's own tally, the pool's figures after it, and the sampled series."""

    url: str
    server_version: str
    spec: LoadSpec
    load: LoadResult
    pool: PoolSnapshot
    series: list[Sample]


class PoolLab:
    """One watched engine at a time; call its coroutines on one event loop."""

    def __init__(self, url: URL, options: PoolOptions, *, leak_threshold: float = DEFAULT_LEAK_THRESHOLD) -> None:
        if not 0 < leak_threshold <= MAX_LEAK_THRESHOLD:  # written so that NaN fails it too
            raise UserError(
                f"--leak-threshold must be more than 0 and at most {MAX_LEAK_THRESHOLD:g} s, got {leak_threshold:g}"
            )
        self.url = url
        self.options = options
        self.engine: AsyncEngine = create_monitored_engine(url, options)
        self.monitor = PoolMonitor(self.engine, leak_threshold=leak_threshold)
        self._activity = ActivityView(url)
        self._load: LoadGenerator | None = None
        self._load_ended: asyncio.Event | None = None
        """Set when the last load's ``run()`` has returned: its statements stopped, its connections back."""

    @property
    def load_running(self) -> bool:
        return self._load is not None

    async def probe(self) -> ServerInfo:
        """Prove the target answers (a bad URL is one line, not a thousand counted errors), then forget that connection."""
        info = await probe(self.engine, display=display_url(self.url))
        await self.engine.dispose()
        self.monitor.close()
        self.monitor = PoolMonitor(self.engine, leak_threshold=self.monitor.leak_threshold)
        return info

    async def start_sampling(self) -> None:
        """Sample the pool ten times a second, on the loop the lab runs on, until ``close``."""
        self.monitor.start_sampling(SAMPLE_INTERVAL)

    async def run_load(self, spec: LoadSpec) -> LoadResult:
        """Run one load to its end (its duration, or ``stop_load``); a load already running is stopped first."""
        spec.validate()
        self.stop_load()
        load = self._load = LoadGenerator(self.engine, spec)
        ended = self._load_ended = asyncio.Event()
        try:
            return await load.run()
        finally:
            ended.set()
            if self._load is load:
                self._load = None

    def stop_load(self) -> None:
        """Ask the running load to return its connections; safe from any thread."""
        load = self._load
        if load is not None:
            load.stop()

    async def report(self, spec: LoadSpec) -> PoolRunReport:
        """Probe, sample, run ``spec`` to its end: what the ``pool`` command prints."""
        spec.validate()
        info = await self.probe()
        await self.start_sampling()
        try:
            result = await self.run_load(spec)
        finally:
            await self.monitor.stop_sampling()
        return PoolRunReport(info.url, info.server_version, spec, result, self.monitor.snapshot(), self.monitor.history())

    async def apply(self, options: PoolOptions) -> None:
        """Switch to an engine built with ``options``; the load on the old one is stopped first.

        Raises ``UserError`` for invalid settings and then changes nothing.
        The new monitor starts from zero and samples if the old one did.
        """
        engine = create_monitored_engine(self.url, options)
        self.stop_load()
        old_engine, old_monitor = self.engine, self.monitor
        sampling = old_monitor.is_sampling
        await old_monitor.stop_sampling()
        await old_engine.dispose()
        old_monitor.close()  # after the dispose, so its figures end with the connections closed
        self.engine, self.options = engine, options
        self.monitor = PoolMonitor(engine, leak_threshold=old_monitor.leak_threshold)
        if sampling:
            await self.start_sampling()

    async def activity(self) -> ServerActivity:
        """This pool's sessions as the server sees them."""
        return await self._activity.fetch(self.monitor.session_ids())

    async def close(self) -> None:
        """Stop the load (and wait until its statements are stopped), stop sampling, close every connection."""
        self.stop_load()
        if self._load_ended is not None:
            await self._load_ended.wait()
        await self.monitor.stop_sampling()
        self.monitor.close()
        await self._activity.close()
        await self.engine.dispose()
