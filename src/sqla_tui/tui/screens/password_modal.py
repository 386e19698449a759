"""Asks for a saved connection's password when nothing else holds it (no keyring entry, no variable set)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label


class PasswordModal(ModalScreen[str | None]):
    """A masked field: Enter connects with what was typed, Escape connects to nothing."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="password.cancel")]

    def __init__(self, name: str, why: str) -> None:
        super().__init__()
        self.connection = name
        self.why = why

    def compose(self) -> ComposeResult:
        with Vertical(id="password-box"):
            yield Label(f"{self.why}: type it to connect (it is not kept)", id="password-why")
            yield Input(password=True, placeholder="password", id="password-input")

    def on_mount(self) -> None:
        self.query_one("#password-box", Vertical).border_title = Content(f"Password for {self.connection}")

    @on(Input.Submitted, "#password-input")
    def _typed(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)
