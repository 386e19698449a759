"""Pool subclasses that report how long each checkout took, and the pool's settings.

SQLAlchemy fires no event before a checkout starts, so acquire times can
only be seen by wrapping the pool's own ``connect()``. Waiters are not
counted here: they are the checkouts in the pool's queue, read from the
queue when the figures are (``core.internals.sqlalchemy.queue_waiters``),
which costs a checkout nothing. The private methods and attributes this
takes are read through ``core.internals.sqlalchemy``; when an upgrade
removes one, no twin is built and the monitor says which figures it cannot
give.
"""

from __future__ import annotations

from dataclasses import dataclass
from time import perf_counter as _perf_counter
from typing import Any, Protocol

from sqlalchemy import exc as sa_exc
from sqlalchemy import pool as sa_pool

from sqla_tui.core.connect.masking import mask_url_text
from sqla_tui.core.internals.sqlalchemy import connection_record, log_as, pool_return, private_settings
from sqla_tui.core.observe.figures import Durations


class AcquireStats:
    """What an instrumented pool tallies about its checkouts, for the monitor to read.

    Written by the pool on the thread of the event loop that runs the
    engine (a sync engine's: on its threads), except ``max_waiting``, which
    whoever reads the figures raises. Plain attributes updated inline (no
    lock, no listener calls): this runs on every checkout, where each extra
    Python call costs about 1 µs under load.
    """

    __slots__ = ("last_timeout", "max_waiting", "timeouts", "times")

    def __init__(self, window: int) -> None:
        self.max_waiting = 0
        """The most checkouts seen waiting at once, by whoever read the waiters (the sampler, a snapshot)."""
        self.times = Durations(window)
        """Acquire times: all of ``connect()``, i.e. the wait, a new connection, the pre-ping."""
        self.timeouts = 0
        self.last_timeout: str | None = None

    def failed(self, seconds: float, error: Exception) -> None:
        times = self.times
        times.recent.append(seconds)
        times.count += 1
        times.max = max(times.max, seconds)
        if isinstance(error, sa_exc.TimeoutError):
            self.timeouts += 1
            self.last_timeout = error_text(error)


class Watcher(Protocol):
    """What an instrumented pool reports to: its acquire tallies and each checkout and return."""

    acquire: AcquireStats

    def on_checkout(self, record: Any) -> None: ...

    def on_checkin(self, dbapi_connection: Any, record: Any) -> None: ...


def _timed_twin(base: type[sa_pool.Pool]) -> type[sa_pool.Pool] | None:
    """A subclass of ``base`` that times each checkout and reports it, and its return, to a watcher.

    Acquire time is all of ``connect()``: the wait, a new connection, the
    pre-ping. A failed checkout (a timeout, say) is a sample too, a
    cancelled one (the task was stopped) is not.

    Checkouts and returns go to the watcher straight from ``connect()`` and
    ``_return_conn()``, the places where SQLAlchemy fires its ``checkout``
    and ``checkin`` events, rather than through those events: a pool with
    checkout listeners takes SQLAlchemy's slower checkout path, and the
    dispatch adds calls; the monitor cost 3.5–4% of a ``SELECT 1``'s CPU
    time through the events and 1–2% this way (benchmarks/pool_overhead.py).
    For the same reason the base's methods are called directly, not through
    ``super()``, which builds a proxy object on every call.

    A direct subclass adding no slots (rather than a mixin listed first), so
    a pool object's class can be switched between ``base`` and its twin: the
    overhead benchmark compares the two on the same connections that way.
    """

    found = pool_return(base)
    if found is None:
        return None
    base_connect, base_return = base.connect, found

    class Timed(base):  # type: ignore[valid-type,misc]  # a subclass of the pool class given at run time
        watcher: Watcher | None = None

        def connect(self) -> Any:
            watcher = self.watcher
            if watcher is None:
                return base_connect(self)
            stats = watcher.acquire
            started = _perf_counter()
            try:
                fairy = base_connect(self)
            except Exception as error:
                stats.failed(_perf_counter() - started, error)
                raise
            elapsed, times = _perf_counter() - started, stats.times
            times.recent.append(elapsed)
            times.count += 1
            if elapsed > times.max:
                times.max = elapsed
            watcher.on_checkout(connection_record(fairy))
            return fairy

        def _return_conn(self, record: Any) -> None:
            watcher = self.watcher
            if watcher is not None:
                watcher.on_checkin(record.dbapi_connection, record)
            base_return(self, record)

        def recreate(self) -> Any:
            """Keep the watcher when ``engine.dispose()`` swaps in a fresh pool."""
            fresh = super().recreate()
            attach(fresh, self.watcher)
            return fresh

    Timed.__name__ = Timed.__qualname__ = f"Instrumented{base.__name__.removeprefix('AsyncAdapted')}"
    Timed.__doc__ = f"{base.__name__}, reporting acquire times, checkouts and returns to its ``watcher``."
    log_as(Timed, base)  # its errors go where SQLAlchemy's pools' go
    return Timed


_INSTRUMENTED: dict[type[sa_pool.Pool], type[sa_pool.Pool]] = {
    base: twin
    for base in (
        sa_pool.AsyncAdaptedQueuePool,
        sa_pool.NullPool,
        sa_pool.StaticPool,
        sa_pool.QueuePool,  # a sync Engine's, for attach.instrument in threaded applications
        sa_pool.SingletonThreadPool,
    )
    if (twin := _timed_twin(base)) is not None
}
_TWINS = frozenset(_INSTRUMENTED.values())
InstrumentedQueuePool = _INSTRUMENTED.get(sa_pool.AsyncAdaptedQueuePool)


def instrumented_class(poolclass: type[sa_pool.Pool]) -> type[sa_pool.Pool] | None:
    """The instrumented twin of a pool class, or None when there is none."""
    if poolclass in _TWINS:
        return poolclass
    return _INSTRUMENTED.get(poolclass)


def is_instrumented(pool: sa_pool.Pool) -> bool:
    return type(pool) in _TWINS


def attach(pool: sa_pool.Pool, watcher: Watcher | None) -> None:
    """Have an instrumented pool report to ``watcher`` (None stops it)."""
    if is_instrumented(pool):
        pool.watcher = watcher  # type: ignore[attr-defined]  # the instrumented twin declares it; the base class does not


def swap_in_twin(pool: sa_pool.Pool) -> type[sa_pool.Pool] | None:
    """Turn a running pool into its instrumented twin in place; the class it had, or None when it has no twin.

    For someone else's engine (``sqla_tui.attach``): the pool keeps its
    connections, settings and listeners, only its class changes, which the
    twin allows because it adds no slots. ``swap_out_twin`` undoes it.
    """
    original = type(pool)
    twin = instrumented_class(original)
    if twin is None or twin is original:
        return None
    pool.__class__ = twin
    return original


def swap_out_twin(pool: sa_pool.Pool) -> None:
    """Give an instrumented pool back its SQLAlchemy class and drop its watcher, leaving it as it was."""
    if is_instrumented(pool):
        pool.__class__ = type(pool).__mro__[1]
        vars(pool).pop("watcher", None)


@dataclass(frozen=True)
class PoolSettings:
    """What a pool was configured with; None where the pool class has no such setting."""

    pool_class: str
    size: int | None
    max_overflow: int | None
    timeout: float | None
    recycle: int | None
    pre_ping: bool | None
    """None when this SQLAlchemy no longer says (see ``core.internals``)."""
    resets: bool | None
    """Whether returned connections are reset (rolled back or committed; ``reset_on_return``); None when unknown."""

    @property
    def capacity(self) -> int | None:
        """Most connections the pool will hand out at once (None: unlimited or not a queue)."""
        if self.size is None or self.max_overflow is None or self.max_overflow < 0:
            return None
        return self.size + self.max_overflow


def pool_settings(pool: sa_pool.Pool) -> PoolSettings:
    """Read a pool's settings, including the ones SQLAlchemy only keeps privately (None where unknown)."""
    private = private_settings(pool)
    queue = pool if isinstance(pool, sa_pool.QueuePool) else None
    reset = private.reset_on_return
    return PoolSettings(
        pool_class=_public_name(type(pool)),
        size=queue.size() if queue is not None else None,
        max_overflow=private.max_overflow if queue is not None else None,
        timeout=queue.timeout() if queue is not None else None,
        recycle=private.recycle if private.recycle is not None and private.recycle >= 0 else None,
        pre_ping=private.pre_ping,
        resets=None if reset is None else reset in (sa_pool.base.reset_rollback, sa_pool.base.reset_commit),
    )


def _public_name(poolclass: type[sa_pool.Pool]) -> str:
    """The SQLAlchemy class a user configured, not our instrumented twin."""
    for base in poolclass.__mro__:
        if base.__module__.startswith("sqlalchemy."):
            return base.__name__
    return poolclass.__name__


def error_text(error: BaseException) -> str:
    """An error's first line, credentials masked: a database's as it said it (``driver_message``), SQLAlchemy's own
    (a pool timeout) without its "Background on this error" link."""
    if isinstance(error, sa_exc.DBAPIError):
        from sqla_tui.core.connect.failures import driver_message  # only once something fails: not in an app's import

        return mask_url_text(driver_message(error))
    first = (str(error).strip().splitlines() or [type(error).__name__])[0]
    return mask_url_text(first.split(" (Background on this error")[0])
