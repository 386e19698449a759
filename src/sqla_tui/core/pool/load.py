"""LoadGenerator: make a pool busy on purpose, in one of five shapes, and always stop.

Used to reproduce "QueuePool limit of size 5 overflow 10 reached" and watch
it happen. A run is bounded in tasks and seconds, can be stopped at any
moment (also from another thread), and leaves nothing behind when it ends:
checkouts still queued for a connection are cancelled (counted as such, never
handed a connection just to give it back), holds end, statements still
running are stopped on the server and awaited, and every connection is
returned. Failures are counted, never raised, because exhaustion is the
point of the exercise; that includes a connection the server dropped, which
shows when the hold's transaction is rolled back on return.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy import exc as sa_exc
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from sqla_tui.core.connect.cancel import cancel_statements, connection_session_id, hang_up
from sqla_tui.core.errors import UserError
from sqla_tui.core.observe.origin import application_caller, origin_override
from sqla_tui.core.observe.pool import error_text

Scenario = Literal["steady", "burst", "leak", "slow-query", "idle-in-transaction"]
SCENARIOS: tuple[Scenario, ...] = ("steady", "burst", "leak", "slow-query", "idle-in-transaction")
MAX_TASKS = 1000
MAX_DURATION = 600.0
MAX_HOLD_MS = 600_000
_ERROR_BACKOFF = 0.01
_STOP_GRACE = 1.0
"""How long each step of stopping may take (queued checkouts leaving, holds returning) before tasks are cancelled."""


@dataclass(frozen=True)
class LoadSpec:
    """What to run: the scenario, how many tasks, how long each holds, and for how long in all."""

    scenario: Scenario = "steady"
    tasks: int = 10
    hold_ms: int = 100
    duration_s: float = 5.0

    def validate(self) -> None:
        if self.scenario not in SCENARIOS:
            raise UserError(f"unknown scenario {self.scenario!r}: choose one of {', '.join(SCENARIOS)}")
        if not 1 <= self.tasks <= MAX_TASKS:
            raise UserError(f"--tasks must be between 1 and {MAX_TASKS}, got {self.tasks}")
        if not 0 <= self.hold_ms <= MAX_HOLD_MS:
            raise UserError(f"--hold-ms must be between 0 and {MAX_HOLD_MS}, got {self.hold_ms}")
        if not 0 < self.duration_s <= MAX_DURATION:
            raise UserError(f"--duration must be more than 0 and at most {MAX_DURATION:g} s, got {self.duration_s:g}")


@dataclass(frozen=True)
class LoadResult:
    """What the tasks saw: holds that ran their full time, pool timeouts, other errors by type."""

    scenario: str
    tasks: int
    elapsed_s: float
    completed: int
    timeouts: int
    errors: int
    """Failures other than pool timeouts, including connections found dead when returned."""
    error_counts: dict[str, int] = field(default_factory=dict)
    first_messages: dict[str, str] = field(default_factory=dict)
    """The first message of each error type, SQLAlchemy's text (timeouts under 'TimeoutError')."""
    stopped: bool = False
    """True when ``stop()`` ended the run before its duration."""
    cancelled: int = 0
    """Checkouts still queued for a connection when the run ended: cancelled, so neither a checkout nor a hold."""
    hold_note: str | None = None


_SLOW_QUERY = {
    "postgresql": "SELECT pg_sleep(:seconds)",
    "mysql": "SELECT SLEEP(:seconds)",
    "mariadb": "SELECT SLEEP(:seconds)",
}
_OPEN_TRANSACTION = {
    "mysql": "START TRANSACTION WITH CONSISTENT SNAPSHOT",
    "mariadb": "START TRANSACTION WITH CONSISTENT SNAPSHOT",
}
"""InnoDB starts a transaction only on first table access; this starts it now, so the server shows it."""
SQLITE_SLOW_NOTE = "SQLite has no sleep function: slow-query holds the connection for the time after a SELECT 1"


class LoadGenerator:
    """Runs one LoadSpec against an engine; ``run()`` once, ``stop()`` from anywhere."""

    def __init__(self, engine: AsyncEngine, spec: LoadSpec) -> None:
        spec.validate()
        self.spec = spec
        self._engine = engine
        self._backend = engine.url.get_backend_name()
        self._stop = asyncio.Event()
        """Set when the run should end: no new checkouts from then on."""
        self._release = asyncio.Event()
        """Set once queued checkouts are gone: holds end, and what fails from here on is the stop's doing."""
        self._queue_empty = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop_requested = False
        self._queued: set[asyncio.Task[None]] = set()
        """Tasks waiting for (or opening) a connection."""
        self._statements: dict[asyncio.Task[None], int | None] = {}
        """Tasks with a statement running, and the server's id of its session."""
        self._completed = 0
        self._timeouts = 0
        self._cancelled = 0
        self._errors: Counter[str] = Counter()
        self._messages: dict[str, str] = {}
        self._origin = application_caller()  # who built this load: its checkouts are reported as taken there

    @property
    def completed(self) -> int:
        return self._completed

    @property
    def timeouts(self) -> int:
        return self._timeouts

    @property
    def errors(self) -> int:
        return sum(self._errors.values())

    def stop(self) -> None:
        """End the run now; safe to call from any thread, before or during ``run()``."""
        self._stop_requested = True
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        if _running_loop() is loop:
            self._stop.set()
        else:
            loop.call_soon_threadsafe(self._stop.set)

    async def run(self) -> LoadResult:
        """Run until the duration ends, ``stop()`` is called, or (burst) every task is done.

        When it returns, every statement it started has ended on the server
        (or the server could not be reached to stop it) and every connection
        is back in the pool.
        """
        self._loop = asyncio.get_running_loop()
        if self._stop_requested:
            self._stop.set()
        token = origin_override.set(self._origin)
        try:
            tasks = [asyncio.create_task(self._task()) for _ in range(self.spec.tasks)]
        finally:
            origin_override.reset(token)
        started = time.monotonic()
        stopper = asyncio.create_task(self._stop.wait())
        all_done = asyncio.gather(*tasks, return_exceptions=True)
        try:
            racing: list[asyncio.Future[Any]] = [stopper, all_done]
            await asyncio.wait(racing, timeout=self.spec.duration_s, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopped = self._stop.is_set()
            self._stop.set()
            await self._wind_down([stopper, *tasks])
        return LoadResult(
            scenario=self.spec.scenario,
            tasks=self.spec.tasks,
            elapsed_s=round(time.monotonic() - started, 3),
            completed=self._completed,
            timeouts=self._timeouts,
            errors=self.errors,
            error_counts=dict(self._errors),
            first_messages=dict(self._messages),
            stopped=stopped,
            cancelled=self._cancelled,
            hold_note=SQLITE_SLOW_NOTE if self._backend == "sqlite" and self.spec.scenario == "slow-query" else None,
        )

    async def _wind_down(self, tasks: list[asyncio.Task[Any]]) -> None:
        """Cancel queued checkouts, then end holds and stop running statements on the server; wait for every task.

        The queue goes first: a hold returning its connection would otherwise
        hand it to a waiter, which would return it at once, a checkout and a
        hold that never were. Each wait is bounded; a task still running
        after it is cancelled.
        """
        if self._queued:
            self._queue_empty.clear()
            for task in self._queued:
                task.cancel()
            await _bounded(self._queue_empty.wait())
        self._release.set()
        await cancel_statements(self._engine.url, [sid for sid in self._statements.values() if sid is not None])
        await asyncio.wait(tasks, timeout=_STOP_GRACE)
        for task in tasks:
            if not task.done():
                task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def _task(self) -> None:
        """Check out, hold, return; again until stopped (a burst task tries once)."""
        while not self._stop.is_set():
            asked = time.monotonic()
            try:
                conn = await self._checkout()
                try:
                    if self._release.is_set():
                        return  # handed a connection as the run stops: a statement started now would outlive the stop
                    await conn.begin()  # so the rollback on return is ours: a dropped connection fails here, counted
                    await self._hold(conn)
                finally:
                    await conn.close()
            except sa_exc.TimeoutError as error:
                self._timeouts += 1
                self._remember("TimeoutError", error)
                if self.spec.scenario != "burst" and time.monotonic() - asked >= _ERROR_BACKOFF:
                    continue  # it has waited its pool timeout already: back in the queue at once, as a next request would be
            except Exception as error:  # noqa: BLE001 - load failures are counted, not raised
                if self._release.is_set():
                    return  # a statement stopped, or a connection dropped, by the stop itself
                self._errors[type(error).__name__] += 1
                self._remember(type(error).__name__, error)
            else:
                if self._release.is_set():
                    return  # cut short by the stop: not a completed hold
                self._completed += 1
                if self.spec.scenario == "burst":
                    return
                continue
            if self.spec.scenario == "burst":
                return
            await asyncio.sleep(_ERROR_BACKOFF)  # a failing server must not turn this into a busy loop

    async def _checkout(self) -> AsyncConnection:
        """A connection from the pool; while waiting for it, this task is one the stop cancels."""
        task = asyncio.current_task()
        assert task is not None
        self._queued.add(task)
        try:
            return await self._engine.connect()
        except asyncio.CancelledError:
            if self._stop.is_set():
                self._cancelled += 1
            raise
        finally:
            self._queued.discard(task)
            if not self._queued:
                self._queue_empty.set()

    async def _hold(self, conn: AsyncConnection) -> None:
        seconds = self.spec.hold_ms / 1000
        scenario = self.spec.scenario
        if scenario == "leak":
            await self._release.wait()
            return
        if scenario == "slow-query" and self._backend in _SLOW_QUERY:
            await self._execute(conn, _SLOW_QUERY[self._backend], {"seconds": seconds})
            return
        if scenario == "idle-in-transaction":
            await self._execute(conn, _OPEN_TRANSACTION.get(self._backend, "SELECT 1"))
        elif scenario == "slow-query":
            await self._execute(conn, "SELECT 1")
        await self._wait(seconds)

    async def _execute(self, conn: AsyncConnection, statement: str, params: dict[str, float] | None = None) -> None:
        """Run one statement, known by its session while it runs, so that a stop can cancel it on the server."""
        task = asyncio.current_task()
        assert task is not None
        self._statements[task] = await connection_session_id(conn)
        try:
            await conn.execute(text(statement), params or {})
        except asyncio.CancelledError:
            await hang_up(conn)  # cancelled mid-result: not reusable, and a goodbye may never get through
            raise
        finally:
            del self._statements[task]

    async def _wait(self, seconds: float) -> None:
        """Sleep, but wake as soon as the run releases its holds."""
        try:
            await asyncio.wait_for(self._release.wait(), seconds)
        except TimeoutError:
            pass

    def _remember(self, kind: str, error: BaseException) -> None:
        if kind not in self._messages:
            self._messages[kind] = error_text(error)


async def _bounded(waiting: Coroutine[Any, Any, object]) -> None:
    """Await a step of stopping for at most ``_STOP_GRACE`` seconds."""
    try:
        await asyncio.wait_for(waiting, _STOP_GRACE)
    except TimeoutError:
        pass


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None
