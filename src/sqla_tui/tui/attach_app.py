"""The attach viewer as its own small Textual app: one screen over a live or recorded feed.

Everything it shows comes from the feed (``sqla_tui.attach``), read on a
worker thread. With ``--url`` it also opens a workbench on that database, for
EXPLAIN of a statement from the feed: the application's own credentials
never leave the application, so the user names the database again.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

from textual import work

from sqla_tui.core.connect.target import Target
from sqla_tui.core.errors import UserError
from sqla_tui.tui import breakpoints
from sqla_tui.tui.controls import DrawsNoControls
from sqla_tui.tui.screens.attach_screen import AttachScreen
from sqla_tui.workbench import Workbench


class AttachApp(DrawsNoControls):
    """Shows one feed; q quits."""

    CSS_PATH = ["app.tcss", "attach.tcss"]
    TITLE = "sqla-tui attach"
    BINDINGS = [("q", "quit", "Quit")]
    HORIZONTAL_BREAKPOINTS = breakpoints.HORIZONTAL
    VERTICAL_BREAKPOINTS = breakpoints.VERTICAL

    def __init__(
        self,
        events: Iterator[dict[str, Any]],
        title: str,
        *,
        target: Target | None = None,
        stop: threading.Event | None = None,
    ) -> None:
        """``stop`` ends ``events`` from the UI thread as the screen goes (``viewer.read_events`` says why)."""
        super().__init__()
        self._events = events
        self._stop = stop
        self.sub_title = title
        self.target = target
        self.workbench: Workbench | None = None
        """Connected to ``--url`` for EXPLAIN; None without it, or until connected."""

    def on_mount(self) -> None:
        self.push_screen(AttachScreen(self._events, self._stop))
        if self.target is not None:
            self.open_workbench(self.target)

    @work(exit_on_error=False, group="attach-workbench")
    async def open_workbench(self, target: Target) -> None:
        bench = Workbench(target)
        try:
            await bench.open()
        except UserError as error:
            await bench.close()
            self.notify(f"EXPLAIN is off: {error}", title="Connection failed", severity="error", timeout=10)
            return
        self.workbench = bench

    async def on_unmount(self) -> None:
        if self.workbench is not None:
            await self.workbench.close()
