"""The widgets the pool and schema screens redraw many times a second: they draw what Textual's own draw.

Sparkline, FactTable and FactLine each skip work Textual would do on every
redraw (benchmarks/README.md, "UI lag"); these tests hold them to showing
exactly what the plain widgets show, after any sequence of changes.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import pytest
from rich.color import Color
from rich.console import Console
from rich.text import Text
from textual.app import App, ComposeResult
from textual.containers import Horizontal
from textual.renderables.sparkline import Sparkline as TextualBars
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import DataTable
from textual.widgets import Sparkline as TextualSparkline

from sqla_tui.tui.widgets.fact_line import FactLine
from sqla_tui.tui.widgets.fact_table import FactTable
from sqla_tui.tui.widgets.sparkline import Sparkline, _Bars

LOW, HIGH = Color.from_rgb(10, 60, 30), Color.from_rgb(200, 100, 0)


def series(count: int, seed: int) -> list[float]:
    """Pool-like figures: whole counts with runs of the same value, and some fractions."""
    pick = random.Random(seed)
    return [pick.choice([pick.randint(0, 15), 15, 0, pick.random() * 200]) for _ in range(count)]


@pytest.mark.parametrize("count", [0, 1, 2, 3, 69, 70, 71, 140, 600, 601])
@pytest.mark.parametrize(("width", "height"), [(1, 1), (7, 2), (70, 2), (71, 3)])
def test_bars_are_textuals_segment_for_segment(count: int, width: int, height: int) -> None:
    console = Console(width=80)
    for seed in range(5):
        data = series(count, seed) if seed else [5.0] * count
        theirs = list(console.render(TextualBars(data, width=width, height=height, min_color=LOW, max_color=HIGH)))
        ours = list(console.render(_Bars(data, width=width, height=height, min_color=LOW, max_color=HIGH)))
        assert ours == theirs


class Beside(App[None]):
    """One of ours and one of Textual's, the same size, side by side."""

    CSS = "Horizontal > * { width: 1fr; height: 1fr; }"

    def __init__(self, ours: Callable[[], Widget], theirs: Callable[[], Widget]) -> None:
        super().__init__()
        self.made = (ours, theirs)

    def compose(self) -> ComposeResult:
        with Horizontal():
            for make in self.made:
                yield make()

    @property
    def ours(self) -> Any:
        return self.query_one(Horizontal).children[0]

    @property
    def theirs(self) -> Any:
        return self.query_one(Horizontal).children[1]


def drawn(widget: Widget) -> list[Strip]:
    return widget.render_lines(widget.size.region)


async def test_sparkline_draws_what_textuals_draws() -> None:
    app = Beside(lambda: Sparkline([]), lambda: TextualSparkline([]))
    async with app.run_test(size=(100, 4)) as pilot:
        ours, theirs = app.ours, app.theirs
        for data in ([], [3.0], series(250, 1), series(600, 2)):
            ours.data = theirs.data = data
            await pilot.pause()
            assert drawn(ours) == drawn(theirs)


def unfocusable_table() -> DataTable[str]:
    """A plain DataTable styled as a FactTable: no cursor, zebra stripes, never focused (focus changes its colours)."""
    table = DataTable[str](show_cursor=False, zebra_stripes=True)
    table.can_focus = False
    return table


async def test_a_fact_table_after_changes_draws_what_a_new_one_draws() -> None:
    """Cells are remembered by text and place: rows that changed, moved or went must never show an old cell."""
    headers = ("session", "state", "for s", "query")
    before = [(str(100 + n), "idle", f"{n / 10:.1f}", "SELECT 1") for n in range(12)]
    after = [(str(100 + n), "active" if n % 3 else "idle", f"{n / 10 + 1:.1f}", "SELECT 1") for n in range(1, 9)]
    app = Beside(lambda: FactTable(*headers), unfocusable_table)
    async with app.run_test(size=(120, 20)) as pilot:
        ours, fresh = app.ours, app.theirs
        ours.show(before)
        await pilot.pause()
        ours.show(after)
        fresh.add_columns(*headers)
        fresh.add_rows(after)
        await pilot.pause()
        assert ours.rows_text == after
        assert drawn(ours) == drawn(fresh)


async def test_a_fact_table_draws_odd_text_as_datatable_draws_it() -> None:
    """Plain cells are drawn without Rich; whatever a cell holds, it must look as DataTable draws it."""
    headers = ("名前", "type", "default")
    rows = [
        ("", "integer", "nextval('t_id_seq'::regclass)"),
        ("naïve café", "character varying(20)", "[bold]not markup[/]"),
        ("ＷＩＤＥ", "tab\there", "two\nlines"),
        ("🐘 elephant", "e\u0301", "\x1b[31mred"),
    ]
    app = Beside(lambda: FactTable(*headers), unfocusable_table)
    async with app.run_test(size=(160, 12)) as pilot:
        ours, plain = app.ours, app.theirs
        ours.show(rows)
        plain.add_columns(*headers)
        plain.add_rows([tuple(Text(cell) for cell in row) for row in rows])
        await pilot.pause()
        assert drawn(ours) == drawn(plain)


async def test_a_fact_line_grows_and_shrinks_with_its_wrapped_text() -> None:
    """A new text of the same height is shown in place; one that wraps to more lines makes the line taller."""
    app = Beside(FactLine, Widget)
    async with app.run_test(size=(100, 10)) as pilot:
        line = app.ours
        line.styles.height = "auto"
        line.show("max checked out 15 · max waiting 185")
        await pilot.pause()
        assert line.size.height == 1
        line.show("max checked out 15 · max waiting 186")
        await pilot.pause()
        assert line.size.height == 1 and "186" in line.render_lines(line.size.region)[0].text
        line.show(" · ".join(f"counter {n} {n * 1000:,}" for n in range(6)))  # 101 cells, 50 wide
        await pilot.pause()
        assert line.size.height == 3
        assert "5,000" in line.render_lines(line.size.region)[2].text
        line.show("checkouts 12")
        await pilot.pause()
        assert line.size.height == 1 and line.render_lines(line.size.region)[0].text.startswith("checkouts 12")
