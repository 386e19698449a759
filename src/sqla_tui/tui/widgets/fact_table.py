"""A read-only grid of text rows, replaced as a whole whenever its facts change."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.cache import LRUCache
from textual.coordinate import Coordinate
from textual.widgets import DataTable

from sqla_tui.tui.widgets.style_once import StyleOnceARedraw

CELLS_KEPT = 4096
"""Rendered cells remembered per table: a screenful of grids many times over."""


class FactTable(StyleOnceARedraw, DataTable[Text]):
    """Headers fixed at construction; ``show(rows)`` swaps every row; cells are plain text, never markup.

    Facts come from databases (column defaults, queries, file paths), where a
    ``[`` would otherwise be read as markup. Rows equal to the ones shown are
    not redrawn, so a 5 Hz refresh costs nothing while nothing changes.

    A cell is drawn once per text, place and style: DataTable renders every
    cell again after any change (its cache is keyed by a change counter),
    ~0.3-0.5 ms a cell through Rich, and the pool screen's server sessions,
    16 rows of which one column changes each second, took 20-45 ms of the UI
    thread a redraw (benchmarks/README.md, "UI lag"). Without a cursor (a
    FactTable never shows one) a cell's look depends on nothing else. And
    the widget's own style, which DataTable asks for on every line and row,
    is worked out once a redraw (``StyleOnceARedraw``).
    """

    def __init__(self, *headers: str, focusable: bool = False, **kwargs: Any) -> None:
        super().__init__(show_cursor=False, zebra_stripes=True, **kwargs)
        self.can_focus = focusable
        self._shown: list[tuple[str, ...]] = []
        self._headers = headers
        self._cells: LRUCache[tuple[str, int, int, Style, int], list[list[Segment]]] = LRUCache(CELLS_KEPT)
        self.add_columns(*headers)

    def show(self, rows: Iterable[Sequence[str]]) -> None:
        shown = [tuple(row) for row in rows]
        if shown == self._shown and self.row_count == len(shown):
            return
        self._shown = shown
        self.clear()
        self.add_rows([tuple(Text(cell) for cell in row) for row in shown])

    @property
    def rows_text(self) -> list[tuple[str, ...]]:
        """The rows shown now, as text."""
        return list(self._shown)

    def _render_cell(
        self,
        row_index: int,
        column_index: int,
        base_style: Style,
        width: int,
        cursor: bool = False,
        hover: bool = False,
    ) -> list[list[Segment]]:
        """DataTable's drawing of a cell, remembered by its text, place (row, column: the click target) and style."""
        if self.show_cursor or column_index < 0:
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        text = self._headers[column_index] if row_index < 0 else self._shown[row_index][column_index]
        key = (text, row_index, column_index, base_style, width)
        lines = self._cells.get(key)
        if lines is None:
            lines = self._plain_cell(row_index, column_index, base_style, width)
            if lines is None:
                lines = super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
            self._cells[key] = lines
        return lines

    def _plain_cell(
        self, row_index: int, column_index: int, base_style: Style, width: int
    ) -> list[list[Segment]] | None:
        """The segments DataTable's drawing gives a one-line cell of unstyled text that fits; None for any other.

        DataTable draws a cell through Rich (padding, styling, wrapping,
        cropping: ~0.25 ms a cell), and the schema screen's detail pane
        showed ~80 new cells in one frame when a table's facts arrived. With
        no cursor shown, DataTable adds no style of its own to a cell's, so a
        plain line that fits comes out as padding, text and filler, each in
        the given style with the cell's place as meta; ``test_tui_figures``
        holds this to DataTable's own drawing, segment for segment.
        """
        if row_index < 0:
            cell, height = self.ordered_columns[column_index].label, self.header_height
        else:
            cell, height = self.get_cell_at(Coordinate(row_index, column_index)), self.ordered_rows[row_index].height
        if not (
            height == 1
            and self.cell_padding > 0
            and isinstance(cell, Text)
            and not cell.spans
            and not cell.style
            and cell.justify in (None, "default", "left")
            and "\n" not in cell.plain
            and "\t" not in cell.plain
        ):
            return None
        filler = width - 2 * self.cell_padding - cell.cell_len
        if filler < 0:
            return None
        style = base_style + Style.from_meta({"row": row_index, "column": column_index})
        pad = Segment(" " * self.cell_padding, style)
        return [[pad, Segment(cell.plain, style), *([Segment(" " * filler, style)] if filler else []), pad]]
