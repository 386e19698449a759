"""ExportDialog: which table, which format, which file; Enter writes it, Escape leaves.

Small on purpose: the choices come with sensible defaults (the first table,
CSV, the downloads directory and a name from the table), so the usual export
is the export key then Enter.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label, RadioButton, RadioSet

from sqla_tui.core.export.table import Table
from sqla_tui.core.export.writers import FORMATS, file_name


@dataclass(frozen=True)
class ExportRequest:
    """What the user chose: a table, a format and the file to write."""

    table: Table
    format_name: str
    path: Path


def default_directory() -> Path:
    """Where files go unless the user says otherwise: the downloads directory (Textual's deliveries' too), else the
    working directory, on a machine without one (a server), rather than a default that fails to write."""
    import platformdirs

    downloads = platformdirs.user_downloads_path()
    return downloads if downloads.is_dir() else Path.cwd()


class ExportDialog(ModalScreen[ExportRequest | None]):
    """Pick the table (when the screen has several), the format and the path."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="export.cancel")]

    def __init__(self, tables: list[Table], directory: Path | None = None) -> None:
        super().__init__()
        self.tables = tables
        self.directory = directory or default_directory()
        self._format = next(iter(FORMATS))
        self._table = tables[0]

    def compose(self) -> ComposeResult:
        with Vertical(id="export-box") as box:
            box.border_title = "Export"
            if len(self.tables) > 1:
                with RadioSet(id="export-what"):
                    for index, table in enumerate(self.tables):
                        yield RadioButton(Content(f"{table.name} ({len(table.rows):,} rows)"), value=index == 0)
            with RadioSet(id="export-format"):
                for index, name in enumerate(FORMATS):
                    yield RadioButton(name, value=index == 0)
            yield Label("file (Enter writes it, Escape cancels)")
            yield Input(str(self.directory / file_name(self._table, self._format)), id="export-path")

    def on_mount(self) -> None:
        self.query_one("#export-path", Input).focus()

    @on(RadioSet.Changed, "#export-what")
    def _table_chosen(self, event: RadioSet.Changed) -> None:
        self._rename(table=self.tables[event.index])

    @on(RadioSet.Changed, "#export-format")
    def _format_chosen(self, event: RadioSet.Changed) -> None:
        self._rename(format_name=list(FORMATS)[event.index])

    def _rename(self, *, table: Table | None = None, format_name: str | None = None) -> None:
        """Follow a new choice in the file name, unless the user typed a name of their own."""
        field = self.query_one("#export-path", Input)
        path = Path(field.value)
        old_default = file_name(self._table, self._format)
        self._table, self._format = table or self._table, format_name or self._format
        if path.name == old_default:
            field.value = str(path.with_name(file_name(self._table, self._format)))

    @on(Input.Submitted, "#export-path")
    def _save(self, event: Input.Submitted) -> None:
        typed = event.value.strip()
        if not typed:
            self.notify("type a file to write, e.g. ~/results.csv", severity="error")
            return
        path = Path(typed).expanduser()
        try:  # a name too long for the file system, a directory we may not look into: said, not a crash
            if path.is_dir():
                path = path / file_name(self._table, self._format)
            # in a browser (sqla-tui serve) the file arrives as a download: only its name counts
            if not path.parent.is_dir() and not self.app.is_web:
                self.notify(f"no directory {path.parent}: create it or pick another", severity="error")
                return
        except OSError as error:
            shown = typed if len(typed) <= 60 else f"{typed[:30]}…{typed[-20:]}"  # the reason must stay in sight
            self.notify(f"cannot write {shown}: {error.strerror or error}; pick another file", severity="error")
            return
        self.dismiss(ExportRequest(self._table, self._format, path))

    def action_cancel(self) -> None:
        self.dismiss(None)
