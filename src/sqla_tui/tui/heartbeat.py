"""Event-loop lag measured inside the app: how late a 50 ms timer fires.

Issue 9's budget (p95 <= 50 ms, p99 <= 100 ms) is about what a user feels,
so the probe runs on the app's own loop, beside its screens and workers.
It is off unless ``SQLA_TUI_HEARTBEAT=<path>`` is set; the samples (ms, one
per line) are written there on exit for benchmarks/ui_lag.py to read.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from textual.app import App

ENV = "SQLA_TUI_HEARTBEAT"
INTERVAL_S = 0.05


class Heartbeat:
    """Re-arms a one-shot timer each tick, so every sample is one tick's lateness, never a backlog's."""

    def __init__(self, app: App[Any], path: Path) -> None:
        self.app, self.path = app, path
        self.samples: list[float] = []
        """How late each tick fired, in ms."""
        self._due = 0.0

    @classmethod
    def from_env(cls, app: App[Any]) -> Heartbeat | None:
        """A running heartbeat if the environment asks for one."""
        path = os.environ.get(ENV)
        if not path:
            return None
        heartbeat = cls(app, Path(path))
        heartbeat._arm()
        return heartbeat

    def _arm(self) -> None:
        self._due = time.monotonic() + INTERVAL_S
        self.app.set_timer(INTERVAL_S, self._tick)

    def _tick(self) -> None:
        self.samples.append(max(0.0, time.monotonic() - self._due) * 1000)
        self._arm()

    def write(self) -> None:
        self.path.write_text("".join(f"{sample:.3f}\n" for sample in self.samples))
