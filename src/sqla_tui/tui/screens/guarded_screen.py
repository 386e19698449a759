"""GuardedScreen: the base of every screen that runs workers, so none of them fails silently."""

from __future__ import annotations

from textual.worker import Worker, WorkerState

from sqla_tui.core.connect.unexpected import failure_line
from sqla_tui.tui.failure import HandlerGuard
from sqla_tui.tui.screens.keys_follow import KeysFollowTheScreen
from sqla_tui.tui.screens.styled_once import StyledOnce


class GuardedScreen(HandlerGuard, KeysFollowTheScreen, StyledOnce):
    """A screen whose workers' and handlers' unexpected failures become one-line notifications.

    ``Worker.StateChanged`` does not bubble, so the app never hears about a
    screen's workers: without this a database error in a screen's worker
    would leave a spinner or a half-filled pane and say nothing. A handler's
    failure is caught by ``HandlerGuard``. Keys typed just after one that
    opened another screen follow it there (``KeysFollowTheScreen``).
    """

    FAILURE_TITLE = "Failed"
    """The notification's title; a screen names what failed."""

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            self.worker_failed(failure_line(event.worker.error))

    def worker_failed(self, line: str) -> None:
        """Say what went wrong; a screen with a status line extends this to show it there too."""
        self.notify(line, title=self.FAILURE_TITLE, severity="error", timeout=10)
