"""Textual's Sparkline, drawing the same bars in a fraction of the time.

The pool screen redraws two sparklines five times a second while a load
runs, and each took ~3 ms of the UI thread: Textual's renderable splits the
series with ``Fraction`` arithmetic and blends a colour and builds a Style
for every cell. ``_Bars`` computes the same buckets with integers and keeps
one Style per bar height; the segments it yields are Textual's, segment
for segment (tests/test_tui_sparkline.py holds it to that).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from rich.color import Color
from rich.console import Console, ConsoleOptions
from rich.segment import Segment
from rich.style import Style
from textual.app import RenderResult
from textual.renderables.sparkline import Sparkline as SparklineRenderable
from textual.widgets import Sparkline as TextualSparkline

BARS = SparklineRenderable.BARS


class _Bars:
    """Textual's sparkline renderable with its default summary (each bucket's maximum)."""

    def __init__(self, data: Sequence[float], *, width: int, height: int, min_color: Color, max_color: Color) -> None:
        self.data, self.width, self.height = data, width, height
        self.min_color, self.max_color = min_color, max_color

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Segment]:
        width = self.width or options.max_width
        height = self.height or 1
        data = list(self.data)
        if len(data) < 2:
            yield from self._flat(data, width, height)
            return
        minimum, maximum = min(data), max(data)
        extent = maximum - minimum or 1
        count = len(data)
        summaries = [
            max(data[count * bucket // width : count * (bucket + 1) // width])
            for bucket in range(width)
            if count * bucket // width < count * (bucket + 1) // width
        ]
        per_line = len(BARS)
        top = per_line * height - 1
        columns: list[tuple[int, Style]] = []
        styles: dict[float, Style] = {}
        index, step = 0.0, len(summaries) / width
        for _ in range(width):  # the same float walk over the buckets as Textual's, so the same columns
            ratio = (summaries[int(index)] - minimum) / extent
            style = styles.get(ratio)
            if style is None:
                style = styles[ratio] = Style.from_color(_blend(self.min_color, self.max_color, ratio))
            columns.append((int(ratio * top), style))
            index += step
        for line in reversed(range(height)):
            low, high = line * per_line, (line + 1) * per_line
            for bar, style in columns:
                if bar < low:
                    yield Segment(" ", None)
                elif bar >= high:
                    yield Segment("█", style)
                else:
                    yield Segment(BARS[bar % per_line], style)
            if line > 0:
                yield Segment.line()

    def _flat(self, data: list[float], width: int, height: int) -> Iterator[Segment]:
        """No data: a floor line; one value: full bars."""
        for line in range(height):
            if data:
                yield Segment("█" * width, Style.from_color(self.max_color))
            elif line == height - 1:
                yield Segment("▁" * width, Style.from_color(self.min_color))
            if line < height - 1:
                yield Segment.line()


def _blend(low: Color, high: Color, ratio: float) -> Color:
    """Textual's ``blend_colors``: ``ratio`` of the way from ``low`` to ``high`` in RGB."""
    if low.triplet is None or high.triplet is None:
        return high
    (r1, g1, b1), (r2, g2, b2) = low.triplet, high.triplet
    return Color.from_rgb(r1 + (r2 - r1) * ratio, g1 + (g2 - g1) * ratio, b1 + (b2 - b1) * ratio)


class Sparkline(TextualSparkline):
    """A Sparkline whose bars are each bucket's maximum (Textual's default summary), drawn by ``_Bars``."""

    def render(self) -> RenderResult:
        _, base = self.background_colors
        low = self.min_color or self.get_component_styles("sparkline--min-color").color
        high = self.max_color or self.get_component_styles("sparkline--max-color").color
        return _Bars(
            self.data or [],
            width=self.size.width,
            height=self.size.height,
            min_color=(base + low).rich_color,
            max_color=(base + high).rich_color,
        )
