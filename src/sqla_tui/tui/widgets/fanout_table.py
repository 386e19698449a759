"""The fan-out comparison side by side: one row per strategy, the CLI's columns and cells."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.message import Message

from sqla_tui.core.query.fanout import PlanResult
from sqla_tui.core.query.fanout_table import HEADINGS, table_cells
from sqla_tui.tui.widgets.row_picker import RowPicker


class FanoutTable(RowPicker[PlanResult]):
    """Lists the plans at once as pending, marks each as measured, then shows the numbers (``items``)."""

    @dataclass
    class Selected(Message):
        """The cursor is on a measured strategy."""

        result: PlanResult
        """That strategy's measurements, its SQL included."""

    def on_mount(self) -> None:
        for heading in HEADINGS:
            self.add_column(heading, key=heading)

    def picked(self, item: PlanResult) -> Message:
        return self.Selected(item)

    def show_pending(self, plans: list[str]) -> None:
        """One row per plan with nothing measured yet."""
        self.items = []
        self.clear()
        for plan in plans:
            self.add_row(plan, Text("waiting", style="dim italic"), *[""] * (len(HEADINGS) - 2), key=plan)

    def mark(self, plan: str, state: str) -> None:
        """Say where a plan is (measuring, measured, cancelled) before the numbers arrive."""
        if plan in {key.value for key in self.rows}:
            self.update_cell(plan, "stmts", Text(state, style="italic"))

    def show(self, results: list[PlanResult]) -> None:
        self.items = results
        self.clear()
        for result in results:
            strategy, *numbers = table_cells(result)
            self.add_row(strategy, *(Text(number, justify="right") for number in numbers), key=result.strategy)
        self.announce_first()
