"""PoolMonitor: live figures of an engine's connection pool, from its events.

Counts and times come from SQLAlchemy's pool events plus the instrumented
pool's acquire timing (``pool_class``); the history is a ring buffer that
``sample()`` appends to about ten times a second. All state sits behind one
lock, so the load may run on one thread's event loop while the screen
samples and snapshots from another.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import deque
from typing import Any, NamedTuple

from sqlalchemy import event
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncEngine

from sqla_tui.core.activity import session_id
from sqla_tui.core.connect import PoolOptions, create_engine, parse_url
from sqla_tui.core.origin import Location, caller_location
from sqla_tui.core.pool_class import attach, error_text, instrumented_class, is_instrumented, pool_settings
from sqla_tui.core.pool_stats import Counters, Durations, LeakSuspect, PoolSnapshot, Sample, percentiles

DEFAULT_LEAK_THRESHOLD = 60.0
SAMPLE_INTERVAL = 0.1
_RELEASED_KEPT = 100

_LIMITATIONS = {
    "NullPool": [
        "no size, idle, overflow or capacity: NullPool opens a new connection for every checkout "
        "and closes it on return",
        "no timeouts: NullPool never waits, so acquire time is the time to connect",
    ],
    "StaticPool": [
        "no size, idle, overflow or capacity: StaticPool shares one connection among all checkouts",
        "no timeouts: StaticPool never waits",
        "overlapping checkouts share one connection, so their hold times and leak reports merge into one",
    ],
}
_NOT_INSTRUMENTED = (
    "no waiters or acquire times: the engine was not built with an instrumented pool "
    "(use create_monitored_engine)"
)


def create_monitored_engine(
    raw_url: str | URL, pool: PoolOptions = PoolOptions(), *, read_only: bool = True
) -> AsyncEngine:
    """``connect.create_engine`` with the instrumented twin of whatever pool it would pick.

    The default pool depends on the URL (StaticPool for in-memory SQLite), so
    the engine is built once to learn it, then again with the twin; neither
    build opens a connection.
    """
    url = parse_url(raw_url) if isinstance(raw_url, str) else raw_url
    plain = create_engine(url, pool, read_only=read_only)
    twin = instrumented_class(type(plain.sync_engine.pool))
    if twin is None:
        return plain
    return create_engine(url, pool, read_only=read_only, poolclass=twin)


class _Checkout(NamedTuple):
    started: float
    location: Location | None


class PoolMonitor:
    """Watches one AsyncEngine's pool until ``close()``; snapshots are safe from any thread."""

    def __init__(
        self,
        engine: AsyncEngine,
        *,
        leak_threshold: float = DEFAULT_LEAK_THRESHOLD,
        history: int = 600,
        window: int = 4096,
    ) -> None:
        self._engine = engine.sync_engine
        self.leak_threshold = leak_threshold
        self._lock = threading.Lock()
        self._started = time.monotonic()
        self._history: deque[Sample] = deque(maxlen=history)
        self._acquire = Durations(window)
        self._hold = Durations(window)
        self._counts = dict.fromkeys(Counters.__dataclass_fields__, 0)
        self._in_get = self._connecting = self._max_waiters = self._max_out = 0
        self._last_timeout: str | None = None
        self._born: dict[Any, tuple[int, float, int | None]] = {}
        self._out: dict[Any, _Checkout] = {}
        self._released: deque[LeakSuspect] = deque(maxlen=_RELEASED_KEPT)
        self._serial = 0
        self._sampler: asyncio.Task[None] | None = None
        self._listeners = {
            "connect": self._on_connect,
            "checkout": self._on_checkout,
            "checkin": self._on_checkin,
            "close": self._on_close,
            "close_detached": self._on_close_detached,
            "detach": self._on_detach,
            "invalidate": self._on_invalidate,
            "soft_invalidate": self._on_invalidate,
            "reset": self._on_reset,
        }
        for name, listener in self._listeners.items():
            event.listen(self._engine, name, listener)
        attach(self._engine.pool, self)

    def close(self) -> None:
        """Stop listening; the figures stay readable."""
        attach(self._engine.pool, None)
        for name, listener in self._listeners.items():
            event.remove(self._engine, name, listener)

    # -- acquire timing, called by the instrumented pool ------------------

    def waiting(self, delta: int) -> None:
        """Count checkouts inside the pool's queue.

        The peak is read before adding the newcomer: it may be about to open
        a connection rather than wait, and until it yields nobody could see
        it waiting. A newcomer that does wait is seen by the next arrival or
        the next sample.
        """
        with self._lock:
            if delta > 0:
                self._max_waiters = max(self._max_waiters, self._in_get - self._connecting)
            self._in_get += delta

    def connecting(self, delta: int) -> None:
        with self._lock:
            self._connecting += delta

    def acquire_finished(self, started: float, error: BaseException | None) -> None:
        """Record the wait; a cancelled wait (the task was stopped) is not a sample."""
        elapsed = time.perf_counter() - started
        with self._lock:
            if error is None or isinstance(error, Exception):
                self._acquire.add(elapsed)
            if isinstance(error, sa_exc.TimeoutError):
                self._counts["timeouts"] += 1
                self._last_timeout = error_text(error)

    # -- pool events ------------------------------------------------------

    def _on_connect(self, dbapi_connection: Any, record: Any) -> None:
        sid = session_id(record.driver_connection)
        with self._lock:
            self._counts["connects"] += 1
            self._serial += 1
            self._born[record] = (self._serial, time.monotonic(), sid)

    def _on_checkout(self, dbapi_connection: Any, record: Any, proxy: Any) -> None:
        location = caller_location(2)
        with self._lock:
            self._counts["checkouts"] += 1
            self._out[record] = _Checkout(time.monotonic(), location)
            self._max_out = max(self._max_out, len(self._out))

    def _on_checkin(self, dbapi_connection: Any, record: Any) -> None:
        with self._lock:
            self._end_checkout(record)

    def _on_detach(self, dbapi_connection: Any, record: Any) -> None:
        with self._lock:
            self._end_checkout(record)
            self._born.pop(record, None)

    def _end_checkout(self, record: Any) -> None:
        checkout = self._out.pop(record, None)
        if checkout is None:
            return
        held = time.monotonic() - checkout.started
        self._counts["checkins"] += 1
        self._hold.add(held)
        if held >= self.leak_threshold:
            self._released.append(self._suspect(record, checkout, held, released=True))

    def _on_close(self, dbapi_connection: Any, record: Any) -> None:
        with self._lock:
            self._counts["disconnects"] += 1
            self._born.pop(record, None)

    def _on_close_detached(self, dbapi_connection: Any) -> None:
        with self._lock:
            self._counts["disconnects"] += 1

    def _on_invalidate(self, dbapi_connection: Any, record: Any, exception: Any) -> None:
        """Count invalidations; the pre-ping's own is an ``InvalidatePoolError``.

        Counting pre-ping failures here rather than in ``handle_error`` keeps
        the monitor off the engine's per-statement event path.
        """
        with self._lock:
            self._counts["invalidations"] += 1
            if isinstance(exception, sa_exc.InvalidatePoolError):
                self._counts["pre_ping_failures"] += 1

    def _on_reset(self, dbapi_connection: Any, record: Any, reset_state: Any) -> None:
        with self._lock:
            self._counts["resets"] += 1

    # -- reading ----------------------------------------------------------

    def _pool_figures(self) -> tuple[int, int | None, int | None]:
        """Checked out, idle and overflow, from the pool itself when it keeps them."""
        pool = self._engine.pool
        if hasattr(pool, "checkedout"):
            return pool.checkedout(), pool.checkedin(), max(0, pool.overflow())
        return len(self._out), None, None

    def sample(self) -> Sample:
        """Append one point to the history and return it (cheap; call ~10 times a second)."""
        checked_out, idle, overflow = self._pool_figures()
        instrumented = is_instrumented(self._engine.pool)
        with self._lock:
            if instrumented:
                self._max_waiters = max(self._max_waiters, self._in_get - self._connecting)
            point = Sample(
                t=round(time.monotonic() - self._started, 3),
                checked_out=checked_out,
                idle=idle,
                overflow=overflow,
                waiters=self._in_get - self._connecting if instrumented else None,
                checkouts=self._counts["checkouts"],
                timeouts=self._counts["timeouts"],
            )
            self._history.append(point)
        return point

    def history(self) -> list[Sample]:
        """The sampled series, oldest first."""
        with self._lock:
            return list(self._history)

    def session_ids(self) -> list[int]:
        """Server ids (PostgreSQL pid, MariaDB connection id) of the pool's open connections."""
        with self._lock:
            return sorted(sid for _, _, sid in self._born.values() if sid is not None)

    def snapshot(self) -> PoolSnapshot:
        """Every figure at this instant, as a frozen dataclass."""
        pool = self._engine.pool
        settings = pool_settings(pool)
        instrumented = is_instrumented(pool)
        checked_out, idle, overflow = self._pool_figures()
        now = time.monotonic()
        with self._lock:
            acquire = self._acquire.frozen()
            hold = self._hold.frozen()
            counters = Counters(**self._counts)
            born = [since for _, since, _ in self._born.values()]
            suspects = [
                self._suspect(record, checkout, now - checkout.started, released=False)
                for record, checkout in self._out.items()
                if now - checkout.started >= self.leak_threshold
            ]
            released = list(self._released)
            waiters, max_waiters, max_out = self._in_get - self._connecting, self._max_waiters, self._max_out
            last_timeout = self._last_timeout
        limitations = list(_LIMITATIONS.get(settings.pool_class, []))
        if not instrumented:
            limitations.append(_NOT_INSTRUMENTED)
        return PoolSnapshot(
            pool_class=settings.pool_class,
            size=settings.size,
            capacity=settings.capacity,
            max_overflow=settings.max_overflow,
            timeout_s=settings.timeout,
            recycle_s=settings.recycle,
            pre_ping=settings.pre_ping,
            checked_out=checked_out,
            idle=idle,
            overflow=overflow,
            waiters=waiters if instrumented else None,
            max_checked_out=max_out,
            max_waiters=max_waiters if instrumented else None,
            acquire=percentiles(*acquire) if instrumented else None,
            hold=percentiles(*hold),
            counters=counters,
            connection_ages_s=sorted((round(now - since, 3) for since in born), reverse=True),
            leak_threshold_s=self.leak_threshold,
            leak_suspects=sorted(suspects, key=lambda suspect: -suspect.held_s),
            released_suspects=released,
            last_timeout_message=last_timeout,
            uptime_s=round(now - self._started, 3),
            limitations=limitations,
        )

    def _suspect(self, record: Any, checkout: _Checkout, held: float, *, released: bool) -> LeakSuspect:
        serial, _, sid = self._born.get(record, (0, 0.0, None))
        where = checkout.location
        return LeakSuspect(
            connection=serial,
            held_s=round(held, 3),
            released=released,
            location=str(where) if where else None,
            file=where.file if where else None,
            line=where.line if where else None,
            session_id=sid,
        )

    # -- sampling task ----------------------------------------------------

    @property
    def is_sampling(self) -> bool:
        return self._sampler is not None

    def start_sampling(self, interval: float = SAMPLE_INTERVAL) -> None:
        """Sample on the running event loop every ``interval`` seconds until ``stop_sampling``."""
        if self._sampler is None:
            self._sampler = asyncio.get_running_loop().create_task(self._sample_forever(interval))

    async def stop_sampling(self) -> None:
        sampler, self._sampler = self._sampler, None
        if sampler is not None:
            sampler.cancel()
            try:
                await sampler
            except asyncio.CancelledError:
                pass
            self.sample()

    async def _sample_forever(self, interval: float) -> None:
        while True:
            self.sample()
            await asyncio.sleep(interval)
