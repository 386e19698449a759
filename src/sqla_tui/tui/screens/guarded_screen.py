"""GuardedScreen: the base of every screen that runs workers, so none of them fails silently."""

from __future__ import annotations

from textual.screen import Screen
from textual.worker import Worker, WorkerState

from sqla_tui.tui.failure import one_line


class GuardedScreen(Screen[None]):
    """A screen whose workers' unexpected failures become one-line notifications.

    ``Worker.StateChanged`` does not bubble, so the app never hears about a
    screen's workers: without this a database error in a screen's worker
    would leave a spinner or a half-filled pane and say nothing.
    """

    FAILURE_TITLE = "Failed"
    """The notification's title; a screen names what failed."""

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            self.worker_failed(one_line(event.worker.error))

    def worker_failed(self, line: str) -> None:
        """Say what went wrong; a screen with a status line extends this to show it there too."""
        self.notify(line, title=self.FAILURE_TITLE, severity="error", timeout=10)
