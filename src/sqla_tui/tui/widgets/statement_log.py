"""The statements one run emitted, in order, consecutive repeats folded, N+1 runs flagged."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.message import Message
from textual.widgets import DataTable

from sqla_tui.core.preview import StatementRun
from sqla_tui.core.sqltext import one_line


class StatementLogTable(DataTable[object]):
    """One row per folded run; highlighting a row posts Selected with that run."""

    COMPONENT_CLASSES = {"statement-log--n-plus-one"}
    """Style of the N+1 flag; set in app.tcss so it follows the theme."""

    @dataclass
    class Selected(Message):
        """The cursor is on a run of statements."""

        run: StatementRun
        """The run under the cursor; its first statement stands for it."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)  # type: ignore[arg-type]
        self.runs: list[StatementRun] = []

    def on_mount(self) -> None:
        self.add_columns("#", "origin", "rows", "ms", "SQL")

    @property
    def selected(self) -> StatementRun | None:
        """The run under the cursor, if any."""
        if not self.runs or not 0 <= self.cursor_row < len(self.runs):
            return None
        return self.runs[self.cursor_row]

    def show(self, runs: list[StatementRun]) -> None:
        """Replace the log with one run's statements and put the cursor on the first."""
        self.runs = runs
        self.clear()
        flag_style = self.get_component_rich_style("statement-log--n-plus-one")
        for position, run in enumerate(runs):
            label = Text(run.label)
            if run.is_n_plus_one:
                label = Text.assemble(("N+1 ", flag_style), run.label)
            self.add_row(
                label,
                run.origin,
                Text(f"{run.rows:,}", justify="right"),
                Text(f"{run.ms:.2f}", justify="right"),
                one_line(run.statements[0].sql, 160),
                key=str(position),
            )
        if runs:
            self.move_cursor(row=0)
            self.post_message(self.Selected(runs[0]))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        run = self.selected
        if run is not None:
            self.post_message(self.Selected(run))
