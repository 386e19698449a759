"""PoolSettingsDialog: the pool's settings over the pool screen, so the gauges keep their room at 80×24."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from sqla_tui.core.connect.target import PoolOptions
from sqla_tui.core.errors import UserError
from sqla_tui.core.observe.figures import PoolSnapshot
from sqla_tui.tui.widgets.pool_settings import PoolSettings


class PoolSettingsDialog(ModalScreen[PoolOptions | None]):
    """Edit the settings; Enter in a field (or ctrl+a) applies them, Escape leaves them as they are."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="pool_settings.cancel"),
        Binding("ctrl+a", "apply", "Apply", id="pool_settings.apply"),
    ]

    def __init__(self, options: PoolOptions, snapshot: PoolSnapshot) -> None:
        super().__init__()
        self.options, self.snapshot = options, snapshot

    def compose(self) -> ComposeResult:
        with Vertical(id="pool-settings-box") as box:
            box.border_title = "Pool settings"
            yield PoolSettings(self.options, self.snapshot)
            yield Label("Enter applies (a new engine; a running load stops) · Escape cancels")

    @on(Input.Submitted)
    def action_apply(self) -> None:
        try:
            options = self.query_one(PoolSettings).options()
        except UserError as error:
            self.notify(str(error), title="Not applied", severity="error")
            return
        self.dismiss(options)

    def action_cancel(self) -> None:
        self.dismiss(None)
