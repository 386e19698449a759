"""Lessons on large collections and results: write_only relationships, streaming against all().

Each function is a step's code; ``traced()`` is the one helper they share,
a tracemalloc window whose peak the checks compare.
"""

from __future__ import annotations

import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlalchemy.orm import Session

from sqla_tui.core.grammar import counted
from sqla_tui.core.lessons.engine import Lesson, Seen, Step, first_line
from sqla_tui.core.lessons.models import Comment, User

YIELD_PER = 500


@dataclass
class Memory:
    peak_kib: float = 0.0


@contextmanager
def traced() -> Iterator[Memory]:
    """The peak of Python memory allocated inside the block, in KiB."""
    memory = Memory()
    started = not tracemalloc.is_tracing()
    if started:
        tracemalloc.start()
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    try:
        yield memory
    finally:
        memory.peak_kib = (tracemalloc.get_traced_memory()[1] - base) / 1024
        if started:
            tracemalloc.stop()


# -- (h) write_only relationships ------------------------------------------------------------------
def write_only_is_never_loaded(session: Session) -> str:
    user = session.scalars(select(User).order_by(User.id).limit(1)).one()
    return type(user.post_pages).__name__  # a WriteOnlyCollection: touching it sends nothing


def write_only_cannot_be_iterated(session: Session) -> int:
    user = session.scalars(select(User).order_by(User.id).limit(1)).one()
    return len(list(user.post_pages))  # raises: it would have to load the whole collection


def page_through_write_only(session: Session) -> list[int]:
    user = session.scalars(select(User).order_by(User.id).limit(1)).one()
    total = session.scalar(select(func.count()).select_from(user.post_pages.select().subquery()))
    second_page = session.scalars(user.post_pages.select().limit(2).offset(2)).all()
    return [total or 0, len(second_page)]


def _never_loaded(seen: Seen) -> tuple[bool, str]:
    ok = seen.count() == 1 and seen.value == "WriteOnlyCollection"
    return ok, f"{counted(seen.count(), 'statement')}: user.post_pages is a {seen.value}, nothing was loaded"


def _not_iterable(seen: Seen) -> tuple[bool, str]:
    ok = isinstance(seen.error, TypeError) and seen.count() == 1
    return ok, f"raised TypeError: {first_line(seen.error) if seen.error else ''}; {counted(seen.count(), 'statement')}"


def _paged(seen: Seen) -> tuple[bool, str]:
    total, page = seen.value
    statements = seen.statements
    ok = len(statements) == 3 and statements[1].rows == 1 and statements[2].rows == page == max(0, min(2, total - 2))
    return ok, (
        f"{counted(len(statements), 'statement')}: the user; a COUNT of 1 row ({counted(total, 'post')}); "
        f"the second page of 2 ({counted(page, 'row')}); the collection itself never loaded"
    )


WRITE_ONLY = Lesson(
    "write-only",
    "write_only relationships for large collections",
    "A collection too big to load is mapped write_only: it is never loaded, you page it with a select().",
    (
        Step("Touching it loads nothing", "User.post_pages is WriteOnlyMapped: the attribute is a handle, not a list.",
             write_only_is_never_loaded, _never_loaded),
        Step("It cannot be iterated", "Iterating would load everything, which is what write_only forbids.",
             write_only_cannot_be_iterated, _not_iterable, (TypeError,)),
        Step("Count and page it with select()", "post_pages.select() is a SELECT of that user's posts: add COUNT, "
             "LIMIT and OFFSET like any query.", page_through_write_only, _paged),
    ),
)  # fmt: skip


# -- (j) streaming against all() -----------------------------------------------------------------------
async def all_at_once(Session: async_sessionmaker) -> int:
    async with Session() as session:
        comments = (await session.scalars(select(Comment))).all()  # every row buffered, every object built
        return len(comments)


async def stream_against_all(Session: async_sessionmaker) -> tuple[int, float, int, float]:
    with traced() as everything:
        async with Session() as session:
            loaded = len((await session.scalars(select(Comment))).all())
    with traced() as streamed:
        async with Session() as session:
            result = await session.stream_scalars(select(Comment).execution_options(yield_per=YIELD_PER))
            seen = 0
            async for partition in result.partitions():  # 500 objects at a time, then let go
                seen += len(partition)
    return loaded, everything.peak_kib, seen, streamed.peak_kib


def _buffered(seen: Seen) -> tuple[bool, str]:
    ok = seen.count() == 1 and seen.rows == seen.value > 0
    return ok, f"{counted(seen.count(), 'statement')}: all {counted(seen.rows, 'row')} arrived before the first object was used"


def _streamed(seen: Seen) -> tuple[bool, str]:
    loaded, everything, streamed_rows, streamed = seen.value
    if loaded <= YIELD_PER:
        return False, f"only {counted(loaded, 'comment')} here: streaming shows with more than {YIELD_PER:,} rows"
    ok = loaded == streamed_rows > YIELD_PER and streamed < everything and seen.count() == 2
    return ok, (
        f"all(): {loaded:,} comments, peak {everything:,.0f} KiB; stream_scalars with yield_per={YIELD_PER}: "
        f"{streamed_rows:,} comments, peak {streamed:,.0f} KiB ({everything / max(streamed, 1):.1f}× less); "
        f"the streamed statement's log shows {counted(seen.statements[-1].rows, 'row')} at execute time: "
        "they arrive as you iterate"
    )


STREAMING = Lesson(
    "streaming",
    "Streaming a large result: stream_scalars and yield_per against all()",
    "all() holds every row and object at once; a server-side cursor in batches keeps memory flat.",
    (
        Step("all(): everything at once", "The driver buffers every row and the ORM builds every object.",
             all_at_once, _buffered),
        Step("stream_scalars with yield_per", f"A server-side cursor hands over {YIELD_PER} rows at a time; "
             "each batch can be freed before the next.", stream_against_all, _streamed),
    ),
)  # fmt: skip
