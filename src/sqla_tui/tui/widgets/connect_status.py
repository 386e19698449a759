"""What the app is waiting for before the first query: connecting, building the demo, or why it failed."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.reactive import reactive
from textual.widgets import LoadingIndicator, ProgressBar, Static

from sqla_tui.core.grammar import counted

PHASES = ("connecting", "building", "failed", "connected")

SPINNER_DELAY = 1.0
"""Seconds of connecting before the spinner shows: most connections are up by then, and a spinner
drawing 16 frames a second takes CPU from the thread importing SQLAlchemy (benchmarks/startup.py)."""


class ConnectStatus(Vertical):
    """A spinner, a progress bar while the demo is built, and one status line.

    The phase is a CSS class (``-connecting``...), so what shows in each phase
    is decided in app.tcss; once connected the whole widget is hidden. The
    spinner only shows (class ``-slow``) once connecting has taken SPINNER_DELAY.
    """

    phase: reactive[str] = reactive("connecting")
    """One of PHASES."""
    message: reactive[str] = reactive("connecting…")
    """The status line: the table being filled, or the one-line error."""

    def compose(self) -> ComposeResult:
        yield LoadingIndicator()
        yield ProgressBar(show_eta=False)
        yield Static(id="status-line")

    def watch_phase(self, phase: str) -> None:
        for name in PHASES:
            self.set_class(name == phase, f"-{name}")
        self.remove_class("-slow")
        if phase == "connecting":
            self.set_timer(SPINNER_DELAY, self._still_connecting)

    def _still_connecting(self) -> None:
        """Show the spinner if this (or a later) attempt is still connecting."""
        self.set_class(self.phase == "connecting", "-slow")

    def watch_message(self, message: str) -> None:
        self.query_one("#status-line", Static).update(Content(message))  # errors carry [brackets], never markup

    def table_filled(self, table: str, rows: int, total_tables: int) -> None:
        """Advance the demo build by one table."""
        self.phase = "building"
        bar = self.query_one(ProgressBar)
        bar.update(total=total_tables)
        bar.advance(1)
        self.message = f"building the demo database: filled {table} ({counted(rows, 'row')})"

    def failed(self, error: str) -> None:
        self.phase = "failed"
        self.message = error
