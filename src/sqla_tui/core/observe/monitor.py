"""PoolMonitor: live figures of an engine's connection pool.

The instrumented pool (``pool_class``) reports acquire times and each
checkout and return; waiters are read from the pool's queue whenever the
figures are; SQLAlchemy's pool events report connects, closes,
invalidations and detaches (and checkouts and returns too, for a pool that
is not instrumented). The history is a ring buffer that ``sample()``
appends to about ten times a second.

One writer, many readers: the event hooks and ``sample()`` run on the thread
of the event loop that runs the engine (an AsyncEngine's pool is only used
there), and they update plain attributes without a lock, because they run
on every checkout and the budget is a few microseconds. Readers on other
threads (the pool screen) only copy: ``dict.copy()``, ``list(deque)`` and
the like run in C without letting another thread in, so a snapshot never
sees a container mid-change, though two figures in it may be a checkout
apart.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from sqlalchemy import event
from sqlalchemy import exc as sa_exc
from sqlalchemy import pool as sa_pool
from sqlalchemy.engine import URL, Engine
from sqlalchemy.ext.asyncio import AsyncEngine

from sqla_tui.core.connect.engine import create_engine
from sqla_tui.core.connect.session_ids import session_id
from sqla_tui.core.connect.target import PoolOptions
from sqla_tui.core.connect.url import parse_url
from sqla_tui.core.internals.sqlalchemy import queue_waiters
from sqla_tui.core.observe.figures import (
    Counters,
    Durations,
    LeakSuspect,
    PoolSnapshot,
    Sample,
    percentiles,
)
from sqla_tui.core.observe.origin import Location, caller_location
from sqla_tui.core.observe.pool import (
    AcquireStats,
    attach,
    instrumented_class,
    is_instrumented,
    pool_settings,
)

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
_SETTINGS_UNKNOWN = "pre-ping and reset-on-return unknown: this SQLAlchemy keeps them where sqla-tui cannot read them"
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


class PoolMonitor:
    """Watches one engine's pool until ``close()``; snapshots are safe from any thread.

    An AsyncEngine's pool is used on one event loop; a sync Engine's (an
    application ``sqla_tui.attach`` instruments) on many threads, where a
    counter may now and then miss an increment that raced another thread,
    which is the price of taking no lock on the checkout path.
    """

    def __init__(
        self,
        engine: AsyncEngine | Engine,
        *,
        leak_threshold: float = DEFAULT_LEAK_THRESHOLD,
        history: int = 600,
        window: int = 4096,
    ) -> None:
        self._engine = engine.sync_engine if isinstance(engine, AsyncEngine) else engine
        self.leak_threshold = leak_threshold
        self._started = time.monotonic()
        self._history: deque[Sample] = deque(maxlen=history)
        self.acquire = AcquireStats(window)
        self._hold = Durations(window)
        self._counts = dict.fromkeys(Counters.__dataclass_fields__, 0)
        """Events counted as they happen; checkins and resets are read off the hold times when asked."""
        self._unreset = 0
        """Checkins of a connection that did not come back live (invalidated, detached): not reset."""
        self._max_out = 0
        self._born: dict[Any, tuple[int, float, int | None]] = {}
        self._out: dict[Any, tuple[float, Location | None]] = {}
        """Checked-out connection records: when, and where in the application."""
        self._released: deque[LeakSuspect] = deque(maxlen=_RELEASED_KEPT)
        self._serial = 0
        self._sampler: asyncio.Task[None] | None = None
        self._listeners: dict[str, Callable[..., None]] = {
            "connect": self._on_connect,
            "close": self._on_close,
            "close_detached": self._on_close_detached,
            "detach": self._on_detach,
            "invalidate": self._on_invalidate,
            "soft_invalidate": self._on_invalidate,
        }
        if not is_instrumented(self._engine.pool):  # an instrumented pool calls them itself, cheaper
            self._listeners.update(checkout=self._on_checkout_event, checkin=self.on_checkin)
        for name, listener in self._listeners.items():
            event.listen(self._engine, name, listener)
        attach(self._engine.pool, self)

    def close(self) -> None:
        """Stop listening; the figures stay readable."""
        attach(self._engine.pool, None)
        for name, listener in self._listeners.items():
            event.remove(self._engine, name, listener)

    # -- pool events ------------------------------------------------------

    def _on_connect(self, dbapi_connection: Any, record: Any) -> None:
        self._counts["connects"] += 1
        self._serial += 1
        self._born[record] = (self._serial, time.monotonic(), session_id(record.driver_connection))

    def _on_checkout_event(self, dbapi_connection: Any, record: Any, proxy: Any) -> None:
        """The ``checkout`` event of a pool that is not instrumented: its record is all ``on_checkout`` reads."""
        self.on_checkout(record)

    def on_checkout(self, record: Any) -> None:
        """Note when and where the connection of this pool record went out.

        The record is all an instrumented pool reads of a checkout: each read
        of its ``_ConnectionFairy`` passes through that class's ``__getattr__``.
        """
        self._counts["checkouts"] += 1
        out = self._out
        out[record] = (time.monotonic(), caller_location())
        if len(out) > self._max_out:
            self._max_out = len(out)

    def on_checkin(self, dbapi_connection: Any, record: Any) -> None:
        """End a checkout: hold time, leak report, and a reset when a live connection came back.

        SQLAlchemy resets (rolls back) every live connection on its way back
        to the pool, just before this; counting it here rather than listening
        to ``reset`` keeps the monitor off SQLAlchemy's event dispatch, and
        counting only those that were not (a connection whose reset failed
        arrives invalidated, as ``None``) keeps two counters off every checkin.
        """
        checkout = self._out.pop(record, None)
        if checkout is None:
            return
        held, hold = time.monotonic() - checkout[0], self._hold
        if dbapi_connection is None:
            self._unreset += 1
        hold.recent.append(held)
        hold.count += 1  # the checkins: counted once, here
        if held > hold.max:
            hold.max = held
        if held >= self.leak_threshold:
            self._released.append(self._suspect(self._born.get(record), checkout, held, released=True))

    def _on_detach(self, dbapi_connection: Any, record: Any) -> None:
        self.on_checkin(None, record)  # ends the checkout; a detached connection is not reset
        self._born.pop(record, None)

    def _on_close(self, dbapi_connection: Any, record: Any) -> None:
        self._counts["disconnects"] += 1
        self._born.pop(record, None)

    def _on_close_detached(self, dbapi_connection: Any) -> None:
        self._counts["disconnects"] += 1

    def _on_invalidate(self, dbapi_connection: Any, record: Any, exception: Any) -> None:
        """Count invalidations; the pre-ping's own is an ``InvalidatePoolError``.

        Counting pre-ping failures here rather than in ``handle_error`` keeps
        the monitor off the engine's per-statement event path.
        """
        self._counts["invalidations"] += 1
        if isinstance(exception, sa_exc.InvalidatePoolError):
            self._counts["pre_ping_failures"] += 1

    # -- reading ----------------------------------------------------------

    def _pool_figures(self) -> tuple[int, int | None, int | None]:
        """Checked out, idle and overflow, from the pool itself when it keeps them."""
        pool = self._engine.pool
        if isinstance(pool, sa_pool.QueuePool):
            return pool.checkedout(), pool.checkedin(), max(0, pool.overflow())
        return len(self._out), None, None

    def sample(self) -> Sample:
        """Append one point to the history and return it (cheap; call ~10 times a second).

        Call it on the engine's event loop (``start_sampling`` does). It also
        raises the waiting peak, as a snapshot does (``_waiters``).
        """
        checked_out, idle, overflow = self._pool_figures()
        waiters = self._waiters()
        point = Sample(
            t=round(time.monotonic() - self._started, 3),
            checked_out=checked_out,
            idle=idle,
            overflow=overflow,
            waiters=waiters,
            checkouts=self._counts["checkouts"],
            timeouts=self.acquire.timeouts,
        )
        self._history.append(point)
        return point

    def _waiters(self) -> int | None:
        """Checkouts waiting for a connection now, read from the pool's queue, raising the peak; None uninstrumented.

        The peak is what the sampler and snapshots saw: a checkout that
        waited less than a sampling interval between two of them is missed.
        """
        pool = self._engine.pool
        if not is_instrumented(pool):
            return None
        waiters = queue_waiters(pool)
        if waiters is not None and waiters > self.acquire.max_waiting:
            self.acquire.max_waiting = waiters
        return waiters

    def history(self) -> list[Sample]:
        """The sampled series, oldest first."""
        return list(self._history)

    def session_ids(self) -> list[int]:
        """Server ids (PostgreSQL pid, MariaDB connection id) of the pool's open connections."""
        return sorted(sid for _, _, sid in self._born.copy().values() if sid is not None)

    def holders(self) -> list[tuple[Location | None, int, float]]:
        """Who holds connections right now: (where they were checked out, how many, the oldest's seconds), most first.

        Leak suspects wait for the threshold; this answers "which line holds
        the pool" at once, grouped, so 14 requests at one line are one row.
        """
        now = time.monotonic()
        groups: dict[Location | None, list[float]] = {}
        for since, where in self._out.copy().values():
            groups.setdefault(where, []).append(now - since)
        return sorted(
            ((where, len(ages), round(max(ages), 3)) for where, ages in groups.items()),
            key=lambda group: (-group[1], -group[2]),
        )

    def snapshot(self) -> PoolSnapshot:
        """Every figure at this instant, as a frozen dataclass."""
        pool = self._engine.pool
        settings = pool_settings(pool)
        instrumented = is_instrumented(pool)
        checked_out, idle, overflow = self._pool_figures()
        now = time.monotonic()
        acquire, born, out = self.acquire, self._born.copy(), self._out.copy()
        suspects = [
            self._suspect(born.get(record), checkout, now - checkout[0], released=False)
            for record, checkout in out.items()
            if now - checkout[0] >= self.leak_threshold
        ]
        limitations = list(_LIMITATIONS.get(settings.pool_class, []))
        if not instrumented:
            limitations.append(_NOT_INSTRUMENTED)
        if None in (settings.pre_ping, settings.resets):
            limitations.append(_SETTINGS_UNKNOWN)
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
            waiters=self._waiters(),
            max_checked_out=self._max_out,
            max_waiters=acquire.max_waiting if instrumented else None,
            acquire=percentiles(*acquire.times.frozen()) if instrumented else None,
            hold=percentiles(*self._hold.frozen()),
            counters=Counters(
                **{
                    **self._counts,
                    "timeouts": acquire.timeouts,
                    "checkins": self._hold.count,
                    "resets": (self._hold.count - self._unreset) * bool(settings.resets),
                }
            ),
            connection_ages_s=sorted((round(now - since, 3) for _, since, _ in born.values()), reverse=True),
            leak_threshold_s=self.leak_threshold,
            leak_suspects=sorted(suspects, key=lambda suspect: -suspect.held_s),
            released_suspects=list(self._released),
            last_timeout_message=acquire.last_timeout,
            uptime_s=round(now - self._started, 3),
            limitations=limitations,
        )

    @staticmethod
    def _suspect(
        born: tuple[int, float, int | None] | None,
        checkout: tuple[float, Location | None],
        held: float,
        *,
        released: bool,
    ) -> LeakSuspect:
        serial, _, sid = born or (0, 0.0, None)
        where = checkout[1]
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
