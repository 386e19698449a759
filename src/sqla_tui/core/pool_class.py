"""Pool subclasses that report how long each checkout waited, and the pool's settings.

SQLAlchemy fires no event before a checkout starts waiting for a free
connection, so waiters and acquire times can only be seen by wrapping the
pool's own ``connect()``. The wrap and every read of a private pool attribute
live in this module, so a SQLAlchemy upgrade that moves them breaks one
tested place instead of the whole monitor.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Protocol

import greenlet
from sqlalchemy import pool as sa_pool


class AcquireListener(Protocol):
    """Told when a checkout ended (with its ``perf_counter`` start), and how many wait or connect."""

    def acquire_finished(self, started: float, error: BaseException | None) -> None: ...

    def waiting(self, delta: int) -> None: ...

    def connecting(self, delta: int) -> None: ...


class _TimedConnect:
    """Mixin: time each ``connect()`` and count the checkouts waiting for a connection.

    Acquire time is all of ``connect()``: the wait, opening a new connection,
    the pre-ping. Waiting is narrower: time inside ``_do_get`` (the queue)
    that is not spent in ``_create_connection``, so a pre-ping or a first
    connect does not look like contention. ``_do_get`` calls itself after a
    lost race; ``_in_get`` (per greenlet, i.e. per checkout) keeps that from
    counting one waiter twice.
    """

    acquire_listener: AcquireListener | None = None
    _in_get: set[Any] = set()

    def connect(self) -> Any:
        listener = self.acquire_listener
        if listener is None:
            return super().connect()  # type: ignore[misc]
        started = time.perf_counter()
        failure: BaseException | None = None
        try:
            return super().connect()  # type: ignore[misc]
        except BaseException as error:
            failure = error
            raise
        finally:
            listener.acquire_finished(started, failure)

    def _do_get(self) -> Any:
        listener, me = self.acquire_listener, greenlet.getcurrent()
        if listener is None or me in self._in_get:
            return super()._do_get()  # type: ignore[misc]
        self._in_get.add(me)
        listener.waiting(1)
        try:
            return super()._do_get()  # type: ignore[misc]
        finally:
            self._in_get.discard(me)
            listener.waiting(-1)

    def _create_connection(self) -> Any:
        listener = self.acquire_listener
        if listener is None:
            return super()._create_connection()  # type: ignore[misc]
        listener.connecting(1)
        try:
            return super()._create_connection()  # type: ignore[misc]
        finally:
            listener.connecting(-1)

    def recreate(self) -> Any:
        """Keep the listener when ``engine.dispose()`` swaps in a fresh pool."""
        fresh = super().recreate()  # type: ignore[misc]
        attach(fresh, self.acquire_listener)
        return fresh


class InstrumentedQueuePool(_TimedConnect, sa_pool.AsyncAdaptedQueuePool):
    """The async queue pool, reporting waiters and acquire times."""


class InstrumentedNullPool(_TimedConnect, sa_pool.NullPool):
    """NullPool, reporting how long opening each connection took."""


class InstrumentedStaticPool(_TimedConnect, sa_pool.StaticPool):
    """StaticPool, reporting acquire times of its one shared connection."""


_INSTRUMENTED = {
    sa_pool.AsyncAdaptedQueuePool: InstrumentedQueuePool,
    sa_pool.NullPool: InstrumentedNullPool,
    sa_pool.StaticPool: InstrumentedStaticPool,
}


def instrumented_class(poolclass: type[sa_pool.Pool]) -> type[sa_pool.Pool] | None:
    """The instrumented twin of a pool class, or None when there is none."""
    if issubclass(poolclass, _TimedConnect):
        return poolclass
    return _INSTRUMENTED.get(poolclass)


def is_instrumented(pool: sa_pool.Pool) -> bool:
    return isinstance(pool, _TimedConnect)


def attach(pool: sa_pool.Pool, listener: AcquireListener | None) -> None:
    """Point an instrumented pool at a listener (None detaches)."""
    if isinstance(pool, _TimedConnect):
        pool.acquire_listener = listener
        pool._in_get = set()


@dataclass(frozen=True)
class PoolSettings:
    """What a pool was configured with; None where the pool class has no such setting."""

    pool_class: str
    size: int | None
    max_overflow: int | None
    timeout: float | None
    recycle: int | None
    pre_ping: bool

    @property
    def capacity(self) -> int | None:
        """Most connections the pool will hand out at once (None: unlimited or not a queue)."""
        if self.size is None or self.max_overflow is None or self.max_overflow < 0:
            return None
        return self.size + self.max_overflow


def pool_settings(pool: sa_pool.Pool) -> PoolSettings:
    """Read a pool's settings, including the ones SQLAlchemy only keeps privately."""
    recycle = getattr(pool, "_recycle", -1)
    queue = isinstance(pool, sa_pool.QueuePool)
    return PoolSettings(
        pool_class=_public_name(type(pool)),
        size=pool.size() if queue else None,
        max_overflow=getattr(pool, "_max_overflow", None) if queue else None,
        timeout=pool.timeout() if queue else None,
        recycle=recycle if recycle >= 0 else None,
        pre_ping=bool(getattr(pool, "_pre_ping", False)),
    )


def _public_name(poolclass: type[sa_pool.Pool]) -> str:
    """The SQLAlchemy class a user configured, not our instrumented twin."""
    for base in poolclass.__mro__:
        if base.__module__.startswith("sqlalchemy."):
            return base.__name__
    return poolclass.__name__


def error_text(error: BaseException) -> str:
    """SQLAlchemy's first line of an error, without its "Background on this error" link."""
    first = (str(error).strip().splitlines() or [type(error).__name__])[0]
    return first.split(" (Background on this error")[0]
