"""A monitored engine on its own event-loop thread, where the pool screen's load runs.

Two hundred tasks hammering a pool keep an event loop busy; on the UI's loop
that would be felt on every key. Here the engine, its PoolMonitor and the
LoadGenerator live on a private loop, and the screen reads the monitor's
snapshots (thread-safe by design) from its own thread. Only core is called:
the bench holds no SQL.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

from sqla_tui.core.connect.target import PoolOptions
from sqla_tui.core.observe.monitor import PoolMonitor, create_monitored_engine
from sqla_tui.core.pool.activity import ActivityView, ServerActivity
from sqla_tui.core.pool.load import LoadGenerator, LoadResult, LoadSpec

T = TypeVar("T")


class PoolBench:
    """Owns the thread, its loop, the monitored engine, and at most one running load."""

    def __init__(self, url: str, pool: PoolOptions, *, leak_threshold: float) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="sqla-tui-pool-bench", daemon=True)
        self._thread.start()
        self._engine = create_monitored_engine(url, pool)
        self.monitor = PoolMonitor(self._engine, leak_threshold=leak_threshold)
        self._activity = ActivityView(self._engine.url)
        self._load: LoadGenerator | None = None
        self._runs: set[concurrent.futures.Future[LoadResult]] = set()
        self._closed = False
        asyncio.run_coroutine_threadsafe(self._start_sampling(), self._loop)

    @property
    def load_running(self) -> bool:
        return self._load is not None

    async def run_load(self, spec: LoadSpec) -> LoadResult:
        """Run one load to its end (its duration, or ``stop_load``) on the bench's loop.

        The generator is built here, so a ``stop_load`` right after this call
        reaches it even before the bench's loop starts it. Cancelling the
        caller (a worker of a closing screen) does not cancel the load
        mid-checkout; ``stop_load`` and ``close`` end it cleanly.
        """
        self.stop_load()
        load = self._load = LoadGenerator(self._engine, spec)
        run = asyncio.run_coroutine_threadsafe(self._run(load), self._loop)
        self._runs.add(run)
        run.add_done_callback(self._runs.discard)
        return await asyncio.shield(asyncio.wrap_future(run))

    def stop_load(self) -> None:
        """Ask the running load to return its connections; safe from any thread."""
        load = self._load
        if load is not None:
            load.stop()

    async def activity(self) -> ServerActivity:
        """The server's view of the bench's own sessions."""
        return await self._on_loop(self._activity.fetch(self.monitor.session_ids()))

    async def close(self) -> None:
        """Stop the load, stop sampling, dispose the engine, end the thread."""
        if self._closed:
            return
        self._closed = True
        self.stop_load()
        await asyncio.gather(*(asyncio.wrap_future(run) for run in list(self._runs)), return_exceptions=True)
        try:
            await self._on_loop(self._shutdown())
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            await asyncio.to_thread(self._thread.join)
            self._loop.close()

    def _on_loop(self, coroutine: Coroutine[Any, Any, T]) -> asyncio.Future[T]:
        """Schedule on the bench's loop; await the result from the caller's loop."""
        return asyncio.wrap_future(asyncio.run_coroutine_threadsafe(coroutine, self._loop))

    async def _start_sampling(self) -> None:
        self.monitor.start_sampling()

    async def _run(self, load: LoadGenerator) -> LoadResult:
        try:
            return await load.run()
        finally:
            if self._load is load:
                self._load = None

    async def _shutdown(self) -> None:
        await self.monitor.stop_sampling()
        self.monitor.close()
        await self._activity.close()
        await self._engine.dispose()
