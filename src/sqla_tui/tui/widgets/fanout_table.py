"""The fan-out comparison side by side: one row per strategy, the CLI's columns."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.message import Message
from textual.widgets import DataTable

from sqla_tui.core.fanout import PlanResult

COLUMNS = ("strategy", "stmts", "rows", "entities", "fan-out", "dup rows", "cells", "bytes", "ms med", "ms min–max", "KiB peak")


class FanoutTable(DataTable[object]):
    """Lists the plans at once as pending, marks each as measured, then shows the numbers."""

    @dataclass
    class Selected(Message):
        """The cursor is on a measured strategy."""

        result: PlanResult
        """That strategy's measurements, its SQL included."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)  # type: ignore[arg-type]
        self.results: list[PlanResult] = []

    def on_mount(self) -> None:
        for column in COLUMNS:
            self.add_column(column, key=column)

    def show_pending(self, plans: list[str]) -> None:
        """One row per plan with nothing measured yet."""
        self.results = []
        self.clear()
        for plan in plans:
            self.add_row(plan, Text("waiting", style="dim italic"), *[""] * (len(COLUMNS) - 2), key=plan)

    def mark(self, plan: str, state: str) -> None:
        """Say where a plan is (measuring, measured, cancelled) before the numbers arrive."""
        if plan in {key.value for key in self.rows}:
            self.update_cell(plan, "stmts", Text(state, style="italic"))

    def show(self, results: list[PlanResult]) -> None:
        self.results = results
        self.clear()
        for r in results:
            numbers = (
                f"{r.statements:,}", f"{r.rows:,}", f"{r.entities:,}", f"{r.fanout:.2f}", f"{r.duplicated_rows:,}",
                f"{r.cells:,}", f"{r.bytes:,}", f"{r.ms_median:.1f}", f"{r.ms_min:.1f}–{r.ms_max:.1f}", f"{r.peak_kib:,.0f}",
            )  # fmt: skip
            self.add_row(r.strategy, *(Text(number, justify="right") for number in numbers), key=r.strategy)
        if results:
            self.move_cursor(row=0)
            self.post_message(self.Selected(results[0]))

    @property
    def selected(self) -> PlanResult | None:
        if not self.results or not 0 <= self.cursor_row < len(self.results):
            return None
        return self.results[self.cursor_row]

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        result = self.selected
        if result is not None:
            self.post_message(self.Selected(result))
