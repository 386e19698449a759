"""A labelled gauge: a value against a capacity, as a bar and as figures."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.reactive import reactive
from textual.widgets import Label, ProgressBar


class Gauge(Horizontal):
    """``checked out  ███████░░░  7 / 15``; with no capacity the bar is hidden and only the value shows."""

    DEFAULT_CSS = """
    Gauge {
        height: 1;
    }
    Gauge > .gauge--label {
        width: 14;
        color: $foreground-muted;
    }
    Gauge > ProgressBar {
        width: auto;
        padding-right: 1;
    }
    Gauge > .gauge--figure {
        width: auto;
        text-style: bold;
    }
    Gauge.-full > .gauge--figure {
        color: $error;
    }
    Gauge.-unbounded > ProgressBar {
        display: none;
    }
    """

    value: reactive[int] = reactive(0)
    """What is in use now."""
    total: reactive[int | None] = reactive(None)
    """The capacity, or None when the pool has none (NullPool, StaticPool)."""

    def __init__(self, label: str, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.label = label
        self._bar = ProgressBar(show_eta=False, show_percentage=False)
        self._figure = Label(classes="gauge--figure")

    def compose(self) -> ComposeResult:
        yield Label(self.label, classes="gauge--label")
        yield self._bar
        yield self._figure

    def watch_value(self) -> None:
        self._show()

    def watch_total(self) -> None:
        self._show()

    def _show(self) -> None:
        self._bar.update(total=self.total or 1, progress=self.value if self.total else 0)
        self._figure.update(f"{self.value} / {self.total}" if self.total is not None else str(self.value))
        self.set_class(self.total is not None and self.value >= self.total, "-full")
        self.set_class(self.total is None, "-unbounded")

    def on_mount(self) -> None:
        self._show()
