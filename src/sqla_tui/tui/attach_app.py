"""The attach viewer as its own small Textual app: one screen over a live or recorded feed.

It owns no engine and opens no database connection: everything it shows
comes from the feed (``sqla_tui.attach``), read on a worker thread.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from textual.app import App

from sqla_tui.tui.screens.attach_screen import AttachScreen


class AttachApp(App[None]):
    """Shows one feed; q quits."""

    CSS_PATH = "attach.tcss"
    TITLE = "sqla-tui attach"
    BINDINGS = [("q", "quit", "Quit")]

    def __init__(self, events: Iterator[dict[str, Any]], title: str) -> None:
        super().__init__()
        self._events = events
        self.sub_title = title

    def on_mount(self) -> None:
        self.push_screen(AttachScreen(self._events))
