"""Every lesson, in teaching order, and how a name typed by a person finds one."""

from __future__ import annotations

from sqla_tui.core.errors import UserError
from sqla_tui.core.lessons.asyncio_pitfalls import CONCURRENT_SESSION, EXPIRE_ON_COMMIT, MISSING_GREENLET
from sqla_tui.core.lessons.engine import Lesson
from sqla_tui.core.lessons.large import STREAMING, WRITE_ONLY
from sqla_tui.core.lessons.loading import N_PLUS_ONE, RAISE, STRATEGIES, UNIQUE
from sqla_tui.core.lessons.pooling import POOL

LESSONS: tuple[Lesson, ...] = (
    N_PLUS_ONE, STRATEGIES, UNIQUE, RAISE, MISSING_GREENLET, EXPIRE_ON_COMMIT, CONCURRENT_SESSION, WRITE_ONLY,
    POOL, STREAMING,
)  # fmt: skip


def find_lesson(name: str) -> Lesson:
    """A lesson by name, or by its number in the list (1 is the first); one line naming them all otherwise."""
    for number, lesson in enumerate(LESSONS, start=1):
        if name in (lesson.name, str(number)):
            return lesson
    names = ", ".join(lesson.name for lesson in LESSONS)
    raise UserError(f"no lesson {name!r}: choose one of {names} (or its number, 1–{len(LESSONS)})")


def is_lesson(name: str) -> bool:
    return any(name in (lesson.name, str(number)) for number, lesson in enumerate(LESSONS, start=1))
