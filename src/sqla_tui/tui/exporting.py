"""The export key: any screen that offers tables gets them written as CSV, JSON or Markdown.

A screen takes part by having ``exportables()`` (the tables it shows, as
``core.export`` Tables; none yet is an empty list) and ``nothing_to_export``
(what to do first). The app binds the key once, opens the dialog and hands
the text to Textual's ``deliver_text``, which saves the file in a terminal
and starts a download in a browser; the notification comes when the file is
really written (``DeliveryComplete``) or says why not (``DeliveryFailed``).
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from textual import events
from textual.binding import Binding

from sqla_tui.core.export.writers import render

if TYPE_CHECKING:
    from textual.app import App

    from sqla_tui.core.export.table import Table
    from sqla_tui.tui.screens.export_dialog import ExportRequest

EXPORT_KEY = "ctrl+s"

_MIME = {"csv": "text/csv", "json": "application/json", "markdown": "text/markdown"}


@runtime_checkable
class ExportSource(Protocol):
    """A screen whose tables can be exported."""

    nothing_to_export: str
    """Why there is nothing yet and what to do, e.g. "run the query first (r)"."""

    def exportables(self) -> list[Table]: ...


class ExportKey:
    """The app's half: the binding, the dialog, the delivery and what the user is told."""

    EXPORT_BINDING = Binding(EXPORT_KEY, "export", "Export", id="app.export")

    def action_export(self: App[None]) -> None:  # type: ignore[misc]  # a mixin method typed on the App it is mixed into
        from sqla_tui.tui.screens.export_dialog import ExportDialog

        screen = self.screen
        if isinstance(screen, ExportDialog):
            return
        if not isinstance(screen, ExportSource):
            self.notify("nothing to export on this screen: compose, fan-out, EXPLAIN and pool have tables", severity="warning")
            return
        tables = screen.exportables()
        if not tables:
            self.notify(f"nothing to export yet: {screen.nothing_to_export}", severity="warning")
            return
        self.push_screen(ExportDialog(tables), callback=self.deliver_export)  # type: ignore[attr-defined]  # the App's method, reached through the mixin

    def deliver_export(self: App[None], request: ExportRequest | None) -> None:  # type: ignore[misc]  # a mixin method typed on the App it is mixed into
        """Write the chosen table through Textual's delivery: a file here, a download in a browser."""
        if request is None:
            return
        text = render(request.table, request.format_name)
        rows = len(request.table.rows)
        self.deliver_text(
            io.StringIO(text),
            save_directory=request.path.parent,
            save_filename=request.path.name,
            mime_type=_MIME[request.format_name],
            name=f"{request.table.name}: {rows:,} row{'s' if rows != 1 else ''} as {request.format_name}",
        )

    def on_delivery_complete(self: App[None], event: events.DeliveryComplete) -> None:  # type: ignore[misc]  # a mixin method typed on the App it is mixed into
        where = f" to {event.path}" if event.path is not None else ""
        self.notify(f"exported {event.name}{where}", title="Exported")

    def on_delivery_failed(self: App[None], event: events.DeliveryFailed) -> None:  # type: ignore[misc]  # a mixin method typed on the App it is mixed into
        reason = " ".join(str(event.exception).split()) or type(event.exception).__name__
        self.notify(f"could not export {event.name}: {reason}", title="Export failed", severity="error", timeout=10)
