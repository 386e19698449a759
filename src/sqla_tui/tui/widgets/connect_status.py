"""What the app is waiting for before the first query: connecting, building the demo, or why it failed."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.reactive import reactive
from textual.widgets import LoadingIndicator, ProgressBar, Static

PHASES = ("connecting", "building", "failed", "connected")


class ConnectStatus(Vertical):
    """A spinner, a progress bar while the demo is built, and one status line.

    The phase is a CSS class (``-connecting``...), so what shows in each phase
    is decided in app.tcss; once connected the whole widget is hidden.
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

    def watch_message(self, message: str) -> None:
        self.query_one("#status-line", Static).update(Content(message))  # errors carry [brackets], never markup

    def table_filled(self, table: str, rows: int, total_tables: int) -> None:
        """Advance the demo build by one table."""
        self.phase = "building"
        bar = self.query_one(ProgressBar)
        bar.update(total=total_tables)
        bar.advance(1)
        self.message = f"building the demo database: filled {table} ({rows:,} rows)"

    def failed(self, error: str) -> None:
        self.phase = "failed"
        self.message = error
