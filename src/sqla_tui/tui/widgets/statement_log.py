"""The statements one run emitted, in order, consecutive repeats folded, N+1 runs flagged."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.message import Message

from sqla_tui.core.query.preview import StatementRun
from sqla_tui.core.sqltext import one_line
from sqla_tui.tui.widgets.row_picker import RowPicker


class StatementLogTable(RowPicker[StatementRun]):
    """One row per folded run; ``items`` are the runs, and the cursor's run is posted as Selected."""

    COMPONENT_CLASSES = {"statement-log--n-plus-one"}
    """Style of the N+1 flag; set in app.tcss so it follows the theme."""

    @dataclass
    class Selected(Message):
        """The cursor is on a run of statements."""

        run: StatementRun
        """The run under the cursor; its first statement stands for it."""

    def on_mount(self) -> None:
        self.add_columns("#", "rows", "ms", "origin", "SQL")

    def picked(self, item: StatementRun) -> Message:
        return self.Selected(item)

    def show(self, runs: list[StatementRun]) -> None:
        """Replace the log with one run's statements and put the cursor on the first."""
        self.items = runs
        self.clear()
        flag_style = self.get_component_rich_style("statement-log--n-plus-one")
        for position, run in enumerate(runs):
            label = Text.assemble(("N+1 ", flag_style), run.label) if run.is_n_plus_one else Text(run.label)
            self.add_row(
                label,
                Text(f"{run.rows:,}", justify="right"),
                Text(f"{run.ms:.2f}", justify="right"),
                Text(run.origin),
                Text(one_line(run.statements[0].received, 160)),  # a cell's str is markup: "[/]" is a table name here
                key=str(position),
            )
        self.announce_first()
