"""A Static for figures refreshed on a timer: redrawn only when its text changes, laid out only when its height does."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static


class FactLine(Static):
    """Plain text (never markup) that ``show`` replaces only when it differs from what is shown.

    ``Static.update`` lays the whole screen out again, whatever the text: the
    pool screen sets its settings and counters five times a second, the same
    text whenever no load runs, and each set was a layout of every widget
    (benchmarks/README.md, "UI lag"). While a load runs the counters do
    change every time, but their wrapped height almost never does, so a
    changed text that keeps the height is only repainted: a layout of the
    pool screen is ~5 ms of the UI thread, one per refresh.
    """

    _shown: Content | None = None

    def show(self, text: str) -> None:
        before = self._shown
        if before is not None and text == before.plain:
            return
        content = self._shown = Content(text)
        self.update(content, layout=self._resizes(before, content))

    def _resizes(self, before: Content | None, after: Content) -> bool:
        """Whether ``after`` may take another size than ``before``: unknown until laid out, or where the width follows the text."""
        width = self.content_size.width
        if before is None or not width or self.styles.is_auto_width:
            return True
        rules = self.styles.get_rules()
        return after.get_height(rules, width) != before.get_height(rules, width)
