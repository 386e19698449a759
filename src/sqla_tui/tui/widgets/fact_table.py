"""A read-only grid of text rows, replaced as a whole whenever its facts change."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.cache import LRUCache
from textual.geometry import Region
from textual.strip import Strip
from textual.widgets import DataTable

CELLS_KEPT = 4096
"""Rendered cells remembered per table: a screenful of grids many times over."""


class FactTable(DataTable[Text]):
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
    the widget's own style, which DataTable asks for on every line and row
    (each time walking every ancestor's styles), is worked out once a redraw.
    """

    _drawing_style: Style | None = None
    """The widget's style while ``render_lines`` runs; None otherwise."""

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

    @property
    def rich_style(self) -> Style:
        return super().rich_style if self._drawing_style is None else self._drawing_style

    def render_lines(self, crop: Region) -> list[Strip]:
        self._drawing_style = super().rich_style
        try:
            return super().render_lines(crop)
        finally:
            self._drawing_style = None

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
            lines = super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
            self._cells[key] = lines
        return lines
