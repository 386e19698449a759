"""The figures a PoolMonitor hands out: plain, frozen, JSON-serialisable dataclasses.

The TUI renders them and the CLI prints them; neither ever touches the pool,
so a snapshot can be taken on one thread and drawn on another.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Percentiles:
    """A latency distribution in milliseconds; p50/p95 over the recent window, max over all time."""

    count: int
    p50_ms: float | None
    p95_ms: float | None
    max_ms: float | None


class Durations:
    """Recent durations (bounded window) plus an all-time count and maximum.

    No ``add()`` method: the writers (the instrumented pool and the monitor's
    checkin hook) append to ``recent`` and update ``count`` and ``max``
    inline, because a Python call more per checkout is about 1% of a
    ``SELECT 1``'s CPU time. Readers on other threads use ``frozen()``,
    which copies the window in one C call.
    """

    __slots__ = ("count", "max", "recent")

    def __init__(self, window: int) -> None:
        self.recent: deque[float] = deque(maxlen=window)
        self.count = 0
        self.max = 0.0

    def frozen(self) -> tuple[int, float, list[float]]:
        return self.count, self.max, list(self.recent)


def percentiles(count: int, maximum: float, recent: list[float]) -> Percentiles:
    """Nearest-rank p50/p95 of ``recent`` (seconds) in milliseconds."""
    if not recent:
        return Percentiles(count, None, None, None)
    ordered = sorted(recent)

    def rank(fraction: float) -> float:
        index = min(len(ordered) - 1, max(0, math.ceil(len(ordered) * fraction) - 1))
        return round(ordered[index] * 1000, 3)

    return Percentiles(count, rank(0.50), rank(0.95), round(maximum * 1000, 3))


@dataclass(frozen=True)
class Counters:
    """Events since the monitor started."""

    checkouts: int = 0
    checkins: int = 0
    timeouts: int = 0
    connects: int = 0
    disconnects: int = 0
    invalidations: int = 0
    pre_ping_failures: int = 0
    resets: int = 0
    """Live connections rolled back (or committed) on their way back to the pool; 0 with ``reset_on_return=None``."""


@dataclass(frozen=True)
class LeakSuspect:
    """A checkout held longer than the leak threshold, and who took it."""

    connection: int
    """The monitor's number for the connection (1, 2, ... in order of connect)."""
    held_s: float
    """Held so far, or in all when ``released``."""
    released: bool
    """True once it was returned (late); False while it is still out."""
    location: str | None
    """``file:line in function`` of the application code that checked it out."""
    file: str | None
    line: int | None
    session_id: int | None
    """The server's id for the session (PostgreSQL pid, MariaDB connection id)."""


@dataclass(frozen=True)
class Sample:
    """One point of the history, taken about ten times a second."""

    t: float
    """Seconds since the monitor started."""
    checked_out: int
    idle: int | None
    overflow: int | None
    waiters: int | None
    checkouts: int
    timeouts: int


@dataclass(frozen=True)
class PoolSnapshot:
    """Everything the pool screen and ``sqla-tui pool`` show, at one instant."""

    pool_class: str
    size: int | None
    capacity: int | None
    """size + max_overflow; None when unlimited or not a queue pool."""
    max_overflow: int | None
    timeout_s: float | None
    recycle_s: int | None
    pre_ping: bool | None
    checked_out: int
    idle: int | None
    overflow: int | None
    """Connections open beyond ``size`` (SQLAlchemy's own figure starts at -size; clamped at 0)."""
    waiters: int | None
    max_checked_out: int
    max_waiters: int | None
    acquire: Percentiles | None
    hold: Percentiles
    counters: Counters
    connection_ages_s: list[float]
    leak_threshold_s: float
    leak_suspects: list[LeakSuspect]
    """Checkouts held past the threshold right now, longest first."""
    released_suspects: list[LeakSuspect]
    """Checkouts that were held past the threshold and have since been returned (the last 100)."""
    last_timeout_message: str | None
    """SQLAlchemy's own text of the last pool timeout, e.g. 'QueuePool limit of size 2 ...'."""
    uptime_s: float
    limitations: list[str] = field(default_factory=list)
    """Which of the figures above this pool class cannot have, and why."""
