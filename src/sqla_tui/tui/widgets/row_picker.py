"""A DataTable whose rows stand for items, announcing the item under the cursor."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from textual.message import Message
from textual.widgets import DataTable

Item = TypeVar("Item")


class RowPicker(DataTable[object], Generic[Item]):
    """Row ``n`` shows ``items[n]``; moving the cursor posts the subclass's message for that item.

    Subclasses nest their own message (so handlers name the widget that
    posted it) and build it in ``picked``.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self.items: list[Item] = []

    @property
    def selected(self) -> Item | None:
        """The item under the cursor, if any."""
        if not 0 <= self.cursor_row < len(self.items):
            return None
        return self.items[self.cursor_row]

    def picked(self, item: Item) -> Message:
        raise NotImplementedError

    def announce_first(self) -> None:
        """Put the cursor on the first row and say so, after the rows were replaced."""
        if self.items:
            self.move_cursor(row=0)
            self.post_message(self.picked(self.items[0]))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        item = self.selected
        if item is not None:
            self.post_message(self.picked(item))
