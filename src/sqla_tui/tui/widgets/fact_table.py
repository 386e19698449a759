"""A read-only grid of text rows, replaced as a whole whenever its facts change."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from rich.text import Text
from textual.widgets import DataTable


class FactTable(DataTable[Text]):
    """Headers fixed at construction; ``show(rows)`` swaps every row; cells are plain text, never markup.

    Facts come from databases (column defaults, queries, file paths), where a
    ``[`` would otherwise be read as markup. Rows equal to the ones shown are
    not redrawn, so a 5 Hz refresh costs nothing while nothing changes.
    """

    def __init__(self, *headers: str, focusable: bool = False, **kwargs: Any) -> None:
        super().__init__(show_cursor=False, zebra_stripes=True, **kwargs)
        self.can_focus = focusable
        self._shown: list[tuple[str, ...]] = []
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
