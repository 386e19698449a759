"""StyleOnceARedraw: a widget's own style worked out once per redraw, not once per line.

``Widget.rich_style`` walks every ancestor's styles each time it is read,
and DataTable and Tree read it for every line (DataTable once more per
row): 40-50 walks a redraw of a full-height tree or grid, ~0.2 ms each.
Nothing a redraw does changes the widget's style, so while ``render_lines``
runs the first answer is kept.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.style import Style
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget

if TYPE_CHECKING:
    _Base = Widget
else:  # not a Widget at run time: Textual finds a widget's CSS and component classes through its first
    _Base = object  # base that is one, which must stay the class this is mixed into (Tree, DataTable)


class StyleOnceARedraw(_Base):
    """Mix in before a Textual widget class that reads ``rich_style`` per line."""

    _drawing_style: Style | None = None
    """The widget's style while ``render_lines`` runs; None otherwise."""

    @property
    def rich_style(self) -> Style:
        return super().rich_style if self._drawing_style is None else self._drawing_style

    def render_lines(self, crop: Region) -> list[Strip]:
        self._drawing_style = super().rich_style
        try:
            return super().render_lines(crop)
        finally:
            self._drawing_style = None
