"""A labelled gauge: a value against a capacity, as a bar and as figures."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

if TYPE_CHECKING:
    from textual.dom import DOMNode

    from sqla_tui.core.observe.figures import PoolSnapshot

LABEL_WIDTH = 14
MIN_BAR_WIDTH = 4
"""Narrower than this a bar says nothing; the label and the figures stay."""


class Gauge(Widget):
    """``checked out  ━━━━━━━━━━━━━━━━━━━━  7 / 15``; with no capacity the bar is left out and only the value shows.

    The bar takes the width the label and the figures leave, so the figures
    are never the part cut off: in an 80-column terminal the pool screen's
    half-width panel still shows ``15 / 15``, and at 200 columns the bar grows.

    Drawn as one line of one widget: built from a Label, a ProgressBar and a
    Label, each gauge was eight widgets, and the pool screen's four took
    ~40 ms of its first frame to mount (benchmarks/README.md, "Pool screen").
    Colours come from the component classes below, so they live in CSS.
    """

    COMPONENT_CLASSES = {"gauge--label", "gauge--bar", "gauge--track", "gauge--figure"}

    DEFAULT_CSS = """
    Gauge {
        height: 1;
    }
    Gauge > .gauge--label {
        color: $foreground-muted;
    }
    Gauge > .gauge--bar {
        color: $primary;
    }
    Gauge > .gauge--track {
        color: $foreground 15%;
    }
    Gauge > .gauge--figure {
        text-style: bold;
    }
    Gauge.-full > .gauge--figure {
        color: $error;
    }
    """

    value: reactive[int] = reactive(0)
    """What is in use now."""
    total: reactive[int | None] = reactive(None)
    """The capacity, or None when the pool has none (NullPool, StaticPool)."""

    def __init__(self, label: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.label = label

    @property
    def figure(self) -> str:
        """The value, and the capacity when there is one."""
        return f"{self.value} / {self.total}" if self.total is not None else str(self.value)

    def watch_value(self) -> None:
        self.set_class(self.total is not None and self.value >= self.total, "-full")

    def watch_total(self) -> None:
        self.watch_value()

    def render(self) -> Text:
        figure = self.figure
        label = self.label.ljust(LABEL_WIDTH)[: max(self.size.width - len(figure) - 1, 1)]
        line = Text(label, self.get_component_rich_style("gauge--label"))
        bar_width = self.size.width - len(label) - len(figure) - 1
        if self.total is not None and bar_width >= MIN_BAR_WIDTH:
            filled = round(bar_width * min(self.value, self.total) / self.total) if self.total else 0
            line.append("━" * filled, self.get_component_rich_style("gauge--bar"))
            line.append("━" * (bar_width - filled) + " ", self.get_component_rich_style("gauge--track"))
        line.append(figure, self.get_component_rich_style("gauge--figure"))
        return line


def pool_gauges() -> list[Gauge]:
    """The pool's four gauges, with the ids ``show_pool_gauges`` fills."""
    return [
        Gauge("checked out", id="gauge-out"),
        Gauge("idle", id="gauge-idle"),
        Gauge("overflow", id="gauge-overflow"),
        Gauge("waiting", id="gauge-waiters"),
    ]


def show_pool_gauges(screen: DOMNode, snapshot: PoolSnapshot) -> None:
    """Set the four pool gauges (``#gauge-out``, ``-idle``, ``-overflow``, ``-waiters``) under ``screen`` from a snapshot.

    The pool screen and the attach screen draw the same gauges from the same figures.
    """
    figures = {
        "#gauge-out": (snapshot.checked_out, snapshot.capacity),
        "#gauge-idle": (snapshot.idle or 0, snapshot.size),
        "#gauge-overflow": (snapshot.overflow or 0, snapshot.max_overflow),
        "#gauge-waiters": (snapshot.waiters or 0, None),
    }
    for selector, (value, total) in figures.items():
        gauge = screen.query_one(selector, Gauge)
        gauge.value, gauge.total = value, total
