"""LoadGenerator: make a pool busy on purpose, in one of five shapes, and always stop.

Used to reproduce "QueuePool limit of size 5 overflow 10 reached" and watch
it happen. A run is bounded in tasks and seconds, can be stopped at any
moment (also from another thread), and returns every connection when it
ends: holds wait on the stop signal, and whatever is still running is
cancelled, which closes its connection on the way out. Failures are counted,
never raised, because exhaustion is the point of the exercise.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Literal

from sqlalchemy import exc as sa_exc
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from sqla_tui.core.errors import UserError
from sqla_tui.core.observe.origin import application_caller, origin_override
from sqla_tui.core.observe.pool import error_text

Scenario = Literal["steady", "burst", "leak", "slow-query", "idle-in-transaction"]
SCENARIOS: tuple[Scenario, ...] = ("steady", "burst", "leak", "slow-query", "idle-in-transaction")
MAX_TASKS = 1000
MAX_DURATION = 600.0
MAX_HOLD_MS = 600_000
_ERROR_BACKOFF = 0.01
_STOP_GRACE = 0.1


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
    """Failures other than pool timeouts."""
    error_counts: dict[str, int] = field(default_factory=dict)
    first_messages: dict[str, str] = field(default_factory=dict)
    """The first message of each error type, SQLAlchemy's text (timeouts under 'TimeoutError')."""
    stopped: bool = False
    """True when ``stop()`` ended the run before its duration."""
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
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop_requested = False
        self._completed = 0
        self._timeouts = 0
        self._errors: Counter[str] = Counter()
        self._messages: dict[str, str] = {}
        self._origin = application_caller()  # who built this load: its checkouts are reported as taken there

    @property
    def completed(self) -> int:
        return self._completed

    @property
    def timeouts(self) -> int:
        return self._timeouts

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
        """Run until the duration ends, ``stop()`` is called, or (burst) every task is done."""
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
            await asyncio.wait([stopper, all_done], timeout=self.spec.duration_s, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopped = self._stop.is_set()
            self._stop.set()
            await _finish([stopper, *tasks])
        return LoadResult(
            scenario=self.spec.scenario,
            tasks=self.spec.tasks,
            elapsed_s=round(time.monotonic() - started, 3),
            completed=self._completed,
            timeouts=self._timeouts,
            errors=sum(self._errors.values()),
            error_counts=dict(self._errors),
            first_messages=dict(self._messages),
            stopped=stopped,
            hold_note=SQLITE_SLOW_NOTE if self._backend == "sqlite" and self.spec.scenario == "slow-query" else None,
        )

    async def _task(self) -> None:
        """Check out, hold, return; again until stopped (a burst task tries once)."""
        while not self._stop.is_set():
            try:
                async with self._engine.connect() as conn:
                    await self._hold(conn)
            except sa_exc.TimeoutError as error:
                self._timeouts += 1
                self._remember("TimeoutError", error)
            except Exception as error:  # noqa: BLE001 - load failures are counted, not raised
                self._errors[type(error).__name__] += 1
                self._remember(type(error).__name__, error)
            else:
                if self._stop.is_set():
                    return  # cut short by the stop: not a completed hold
                self._completed += 1
                if self.spec.scenario == "burst":
                    return
                continue
            if self.spec.scenario == "burst":
                return
            await asyncio.sleep(_ERROR_BACKOFF)  # a failing server must not turn this into a busy loop

    async def _hold(self, conn: AsyncConnection) -> None:
        seconds = self.spec.hold_ms / 1000
        scenario = self.spec.scenario
        if scenario == "leak":
            await self._stop.wait()
            return
        if scenario == "slow-query" and self._backend in _SLOW_QUERY:
            await conn.execute(text(_SLOW_QUERY[self._backend]), {"seconds": seconds})
            return
        if scenario == "idle-in-transaction":
            await conn.execute(text(_OPEN_TRANSACTION.get(self._backend, "SELECT 1")))
        elif scenario == "slow-query":
            await conn.execute(text("SELECT 1"))
        await self._wait(seconds)
        if scenario == "idle-in-transaction":
            await conn.rollback()

    async def _wait(self, seconds: float) -> None:
        """Sleep, but wake as soon as the run is stopped."""
        try:
            await asyncio.wait_for(self._stop.wait(), seconds)
        except asyncio.TimeoutError:
            pass

    def _remember(self, kind: str, error: BaseException) -> None:
        if kind not in self._messages:
            self._messages[kind] = error_text(error)


async def _finish(tasks: list[asyncio.Task[None]]) -> None:
    """Let woken holds return their connections, cancel what still runs, wait for all."""
    await asyncio.wait(tasks, timeout=_STOP_GRACE)
    for task in tasks:
        if not task.done():
            task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None
