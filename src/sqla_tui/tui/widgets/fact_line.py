"""A Static for figures refreshed on a timer: redrawn only when its text changes."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static


class FactLine(Static):
    """Plain text (never markup) that ``show`` replaces only when it differs from what is shown.

    ``Static.update`` lays the whole screen out again, whatever the text: the
    pool screen sets its settings and counters five times a second, the same
    text whenever no load runs, and each set was a layout of every widget
    (benchmarks/README.md, "UI lag").
    """

    _shown: str | None = None

    def show(self, text: str) -> None:
        if text != self._shown:
            self._shown = text
            self.update(Content(text))
