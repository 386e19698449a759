"""An asyncio event loop on a thread of its own, awaited from another loop.

Two hundred load tasks, or a fan-out timing its runs, keep a loop busy; on
the TUI's loop that would be felt on every key, and the UI's own work would
be counted in the timings. Work submitted here runs on the private loop;
the caller awaits it from its loop, and cancelling the caller cancels the
work (so a server-side cancel still happens). An engine used here must be
used only here: its pooled connections belong to this loop.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


class LoopThread:
    """One daemon thread running one event loop until ``close``."""

    def __init__(self, name: str) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name=name, daemon=True)
        self._thread.start()
        self._closed = False

    def run(self, coroutine: Coroutine[Any, Any, T]) -> asyncio.Future[T]:
        """Schedule ``coroutine`` on the thread's loop; await the result from the calling loop."""
        if self._closed:
            coroutine.close()
            raise RuntimeError("the loop thread is closed")
        return asyncio.wrap_future(asyncio.run_coroutine_threadsafe(coroutine, self._loop))

    def call_soon(self, callback: Any, *args: Any) -> None:
        """Run a plain callback on the thread's loop (e.g. to stop something living there)."""
        self._loop.call_soon_threadsafe(callback, *args)

    async def close(self) -> None:
        """Cancel what still runs there and let it clean up, then stop the loop and join the thread."""
        if self._closed:
            return
        await self.run(_cancel_the_rest())
        self._closed = True
        self._loop.call_soon_threadsafe(self._loop.stop)
        await asyncio.to_thread(self._thread.join)
        self._loop.close()


async def _cancel_the_rest() -> None:
    """Cancel every other task on this loop and wait for their ``finally`` blocks."""
    others = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
    for task in others:
        task.cancel()
    await asyncio.gather(*others, return_exceptions=True)
