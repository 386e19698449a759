"""SQLAlchemy's warnings about the user's database, as notifications: Textual keeps stderr off the screen.

The CLI prints a warning as one ``warning:`` line (``cli.output.warnings_as_lines``);
in the app the same warning went to a stderr nobody sees, so a table shown
without the foreign key SQLAlchemy could not parse (MariaDB's ``REFERENCES
`my``tab```) said nothing. SQLAlchemy's own warnings (``SAWarning``) are what
concern the user's schema and models; its deprecation warnings, and every
other library's warnings, concern sqla-tui's code and go where they went.
"""

from __future__ import annotations

import warnings
from typing import Any, TextIO

from textual import on
from textual.app import App
from textual.message import Message

from sqla_tui.core.connect.masking import mask_url_text

WARNING_TIMEOUT_S = 12.0
"""Long enough to read a parse warning's quoted CREATE TABLE clause."""


class Warned(Message):
    """A warning to notify, posted from whichever thread warned (``post_message`` is thread-safe)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class NotifiesWarnings(App[None]):
    """Shows each distinct SQLAlchemy warning once as a notification while the app runs."""

    def on_mount(self) -> None:
        self._warned: set[str] = set()
        self._showwarning = warnings.showwarning
        warnings.showwarning = self._show

    async def on_unmount(self) -> None:  # async as the app's own: Textual calls each class's handler
        if warnings.showwarning == self._show:
            warnings.showwarning = self._showwarning

    def _show(
        self,
        message: Warning | str,
        category: type[Warning],
        filename: str,
        lineno: int,
        file: TextIO | None = None,
        line: str | None = None,
    ) -> None:
        if not _about_the_database(category):
            self._showwarning(message, category, filename, lineno, file, line)
            return
        text = mask_url_text(" ".join(str(message).split()))
        if text not in self._warned:
            self._warned.add(text)
            self.post_message(Warned(text))

    @on(Warned)
    def _notify_warning(self, event: Warned) -> None:
        self.notify(event.text, title="SQLAlchemy warns", severity="warning", timeout=WARNING_TIMEOUT_S, markup=False)


def _about_the_database(category: type[Any]) -> bool:
    """SQLAlchemy's ``SAWarning`` and its kinds, read by module so that checking one imports nothing."""
    return category.__module__ == "sqlalchemy.exc" and not issubclass(category, DeprecationWarning)
