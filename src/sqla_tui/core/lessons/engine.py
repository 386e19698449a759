"""How a lesson runs: each step's code on the database in use, then its claim checked against the log.

A step is a function (its source is what the lesson shows, so the code on
screen is the code that ran) and a check that reads what happened: the
value the code returned, the error it was meant to raise, and the exact
statements the database received. The step passes only if the claim holds
on this database, with the numbers in its detail.
"""

from __future__ import annotations

import gc
import inspect
import re
import textwrap
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from sqla_tui.core.connect.engine import create_engine
from sqla_tui.core.connect.target import PoolOptions
from sqla_tui.core.lessons.models import missing_shape
from sqla_tui.core.observe.capture import CapturedStatement, StatementLog
from sqla_tui.core.sqltext import one_line

_WRAPPED = re.compile(r"^\((?:[\w.]+)\)\s*")
"""SQLAlchemy's prefix naming the wrapped exception, e.g. ``(sqlalchemy.exc.MissingGreenlet)``."""

Check = Callable[["Seen"], tuple[bool, str]]


@dataclass(frozen=True)
class Step:
    """One claim: the code that demonstrates it, the words beside it, and how the log proves it.

    ``code`` takes one parameter, by name: ``session`` (a sync Session, run
    through ``AsyncSession.run_sync``), ``Session`` (an async_sessionmaker) or
    ``engine`` (the AsyncEngine). ``expects`` names the error the code is
    meant to raise: then the error is the lesson, not a failure.
    """

    title: str
    text: str
    code: Callable[..., Any]
    check: Check
    expects: tuple[type[BaseException], ...] = ()

    @property
    def source(self) -> str:
        return textwrap.dedent(inspect.getsource(self.code)).strip()


@dataclass(frozen=True)
class Lesson:
    name: str
    title: str
    summary: str
    steps: tuple[Step, ...]


@dataclass
class Seen:
    """What running a step's code did: its value, the error it raised, the statements it sent."""

    value: Any
    error: BaseException | None
    statements: list[CapturedStatement]

    def count(self, kind: str | None = None) -> int:
        """Statements sent, or those of one origin kind (main, eager, lazy)."""
        return sum(1 for statement in self.statements if kind is None or statement.origin.kind == kind)

    @property
    def rows(self) -> int:
        return sum(statement.rows for statement in self.statements)


@dataclass(frozen=True)
class LoggedStatement:
    """One statement of a step, as the log shows and the handout prints it."""

    sql: str
    rows: int
    origin: str


@dataclass
class StepResult:
    title: str
    passed: bool
    detail: str
    text: str = ""
    code: str = ""
    statements: list[LoggedStatement] = field(default_factory=list)


@dataclass
class LessonResult:
    name: str
    title: str
    steps: list[StepResult]

    @property
    def passed(self) -> bool:
        return all(step.passed for step in self.steps)


class Classroom:
    """An engine of its own with a statement log on it, and a session factory.

    Its own engine, so nothing else (a composer run, a pool load) lands in a
    step's log; ``close()`` disposes it. It never writes: the engine is
    read-only where the database allows, and no step flushes.
    """

    def __init__(self, url: str, pool: PoolOptions = PoolOptions()) -> None:
        self.url, self.pool = url, pool
        self.engine = create_engine(url, pool, read_only=True)
        self.log = StatementLog()
        self.log.attach(self.engine)
        self.Session = async_sessionmaker(self.engine)
        self._shape: str | bool | None = False

    async def close(self) -> None:
        self.log.detach()
        await self.engine.dispose()

    def make_engine(self, **pool: Any) -> AsyncEngine:
        """Another read-only engine on the same database with these pool settings (``pool_size=2`` …),
        for the steps about the pool itself; the step disposes it. Its statements are logged too."""
        engine = create_engine(self.url, replace(self.pool, poolclass=None, **pool), read_only=True)
        self.log.attach(engine)
        return engine

    async def missing(self) -> str | None:
        """Why the lessons cannot run here (read once), or None."""
        if self._shape is False:
            async with self.engine.connect() as connection:
                self._shape = await connection.run_sync(missing_shape)
        return self._shape  # type: ignore[return-value]  # set by the first check, before any step reads it

    async def _invoke(self, code: Callable[..., Any]) -> Any:
        parameter = next(iter(inspect.signature(code).parameters))
        if parameter == "session":
            async with self.Session() as session:
                return await session.run_sync(code)
        argument = {"Session": self.Session, "engine": self.engine, "make_engine": self.make_engine}[parameter]
        return await code(argument)

    async def run_step(self, step: Step) -> StepResult:
        """Run one step's code and check its claim; an unexpected error fails the step in one line."""
        result = StepResult(step.title, False, "", step.text, step.source)
        missing = await self.missing()
        if missing is not None:
            result.detail = missing
            return result
        mark = self.log.mark()
        value, error = None, None
        with warnings.catch_warnings():
            # A lazy load refused with MissingGreenlet leaves the driver's cursor coroutine unawaited:
            # the error is the lesson, Python's warning about its leftover is noise, so collect it here.
            warnings.filterwarnings("ignore", "coroutine .* was never awaited", RuntimeWarning)
            try:
                value = await self._invoke(step.code)
            except step.expects as raised:
                error = raised
            except Exception as raised:  # noqa: BLE001 - a step that breaks is a failed step, said in one line
                result.detail = f"the code raised {type(raised).__name__}: {first_line(raised)}"
            gc.collect()
        seen = Seen(value, error, self.log.since(mark))
        result.statements = [LoggedStatement(one_line(s.sql), s.rows, _origin(s)) for s in seen.statements]
        if result.detail:
            return result
        if step.expects and error is None:
            result.detail = f"expected {' or '.join(e.__name__ for e in step.expects)}, but the code ran without it"
            return result
        result.passed, result.detail = step.check(seen)
        return result

    async def run_lesson(self, lesson: Lesson) -> LessonResult:
        return LessonResult(lesson.name, lesson.title, [await self.run_step(step) for step in lesson.steps])


def first_line(error: BaseException) -> str:
    """An exception's message without SQLAlchemy's '(Background on this error ...)' and the SQL it quotes."""
    text = str(error).split("\n")[0]
    text = _WRAPPED.sub("", text)
    return text.split(" (Background on this error")[0].strip().rstrip(".")


def _origin(statement: CapturedStatement) -> str:
    origin = statement.origin
    if origin.kind in ("eager", "lazy"):
        return f"{origin.kind} {origin.attribute}"
    return origin.kind
