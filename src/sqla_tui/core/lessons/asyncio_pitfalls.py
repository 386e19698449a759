"""Lessons on the asyncio pitfalls: MissingGreenlet, expire_on_commit, one session shared by tasks.

Each function is a step's code, given the lessons' ``async_sessionmaker``
(``Session``) or a sync ``session``; the checks read what the database got.
"""

from __future__ import annotations

import asyncio

from sqlalchemy import exc, select
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlalchemy.orm import Session, selectinload

from sqla_tui.core.grammar import counted
from sqla_tui.core.lessons.engine import Lesson, Seen, Step, first_line
from sqla_tui.core.lessons.models import User


def _missing_greenlet(error: BaseException | None) -> bool:
    """MissingGreenlet, raised as is or wrapped in a StatementError (aiosqlite and aiomysql wrap it)."""
    return isinstance(error, exc.MissingGreenlet) or isinstance(getattr(error, "orig", None), exc.MissingGreenlet)


# -- (e) async lazy load raises MissingGreenlet -------------------------------------------------
async def lazy_load_in_async(Session: async_sessionmaker) -> int:
    async with Session() as session:
        users = (await session.scalars(select(User).order_by(User.id).limit(20))).all()
        return len(users[0].posts)  # a lazy load needs IO, and plain attribute access cannot await


async def fix_with_selectinload(Session: async_sessionmaker) -> int:
    async with Session() as session:
        stmt = select(User).options(selectinload(User.posts)).order_by(User.id).limit(20)
        users = (await session.scalars(stmt)).all()
        return len(users[0].posts)


async def fix_with_awaitable_attrs(Session: async_sessionmaker) -> int:
    async with Session() as session:
        users = (await session.scalars(select(User).order_by(User.id).limit(20))).all()
        posts = await users[0].awaitable_attrs.posts  # Base mixes in AsyncAttrs
        return len(posts)


async def fix_with_run_sync(Session: async_sessionmaker) -> int:
    async with Session() as session:
        users = (await session.scalars(select(User).order_by(User.id).limit(20))).all()
        return await session.run_sync(lambda _: sum(len(user.posts) for user in users))


def _raised_missing_greenlet(seen: Seen) -> tuple[bool, str]:
    ok = _missing_greenlet(seen.error) and seen.count() == 1
    name = "MissingGreenlet" if ok else type(seen.error).__name__
    return ok, (
        f"raised {name}: {first_line(seen.error) if seen.error else ''}; "
        f"{counted(seen.count(), 'statement')} in the log: the lazy load never reached the database"
    )


def _eager_fix(seen: Seen) -> tuple[bool, str]:
    ok = seen.count() == 2 and seen.count("lazy") == 0
    return ok, f"{counted(seen.count(), 'statement')}, no lazy load: the posts were loaded before anyone touched them"


def _awaited_fix(seen: Seen) -> tuple[bool, str]:
    ok = seen.count() == 2 and seen.count("lazy") == 1
    return ok, (
        f"{counted(seen.count(), 'statement')}: the users, then 1 lazy load awaited explicitly "
        f"({counted(seen.value, 'post')}); still one query per object you await it on"
    )


def _run_sync_fix(seen: Seen) -> tuple[bool, str]:
    users = seen.statements[0].rows if seen.statements else 0
    ok = seen.count("lazy") == users and seen.count() == 1 + users
    return ok, (
        f"{counted(seen.count(), 'statement')} = 1 + {users:,} lazy loads: run_sync makes lazy loading legal again, "
        "and with it the N+1"
    )


MISSING_GREENLET = Lesson(
    "missing-greenlet",
    "Async lazy loading raises MissingGreenlet",
    "Under asyncio an attribute access cannot await, so a lazy load fails; load up front or await explicitly.",
    (
        Step("The error", "Touching user.posts in async code tries to run a SELECT where no await is possible.",
             lazy_load_in_async, _raised_missing_greenlet, (exc.MissingGreenlet, exc.StatementError)),
        Step("Fix 1: eager load", "selectinload in the query: the posts are there before the access.",
             fix_with_selectinload, _eager_fix),
        Step("Fix 2: awaitable_attrs", "AsyncAttrs gives every object awaitable_attrs: await the lazy load.",
             fix_with_awaitable_attrs, _awaited_fix),
        Step("Fix 3: run_sync", "Run sync ORM code inside the session's greenlet: lazy loads work, one per user.",
             fix_with_run_sync, _run_sync_fix),
    ),
)  # fmt: skip


# -- (f) expire_on_commit -----------------------------------------------------------------------------
def name_after_commit(session: Session) -> str:
    user = session.scalars(select(User).order_by(User.id).limit(1)).one()
    session.commit()  # expires every object in the session
    return user.name  # so this access refreshes the row: one more SELECT


async def name_after_commit_async(Session: async_sessionmaker) -> str:
    async with Session() as session:
        user = (await session.scalars(select(User).order_by(User.id).limit(1))).one()
        await session.commit()
        return user.name  # expired, and refreshing it needs IO: MissingGreenlet


async def name_without_expiry(Session: async_sessionmaker) -> str:
    async with Session(expire_on_commit=False) as session:
        user = (await session.scalars(select(User).order_by(User.id).limit(1))).one()
        await session.commit()
        return user.name  # still loaded: no SQL


async def name_after_refresh(Session: async_sessionmaker) -> str:
    async with Session() as session:
        user = (await session.scalars(select(User).order_by(User.id).limit(1))).one()
        await session.commit()
        await session.refresh(user)  # the refresh, awaited
        return user.name


def _refreshed(seen: Seen) -> tuple[bool, str]:
    ok = seen.count() == 2 and seen.statements[1].rows == 1
    return ok, f"{counted(seen.count(), 'statement')}: the load, then after commit a refresh of 1 row to read {seen.value!r}"


def _expired_async(seen: Seen) -> tuple[bool, str]:
    ok = _missing_greenlet(seen.error) and seen.count() == 1
    return ok, (
        f"raised {'MissingGreenlet' if ok else type(seen.error).__name__} after {counted(seen.count(), 'statement')}: "
        "the expired attribute needs a refresh, and attribute access cannot await"
    )


def _not_expired(seen: Seen) -> tuple[bool, str]:
    ok = seen.count() == 1
    return ok, f"{counted(seen.count(), 'statement')}: {seen.value!r} was read from memory after the commit"


def _awaited_refresh(seen: Seen) -> tuple[bool, str]:
    ok = seen.count() == 2
    return ok, f"{counted(seen.count(), 'statement')}: the load, then the awaited refresh"


EXPIRE_ON_COMMIT = Lesson(
    "expire-on-commit",
    "expire_on_commit: attribute access after commit",
    "A commit expires every loaded object; the next access reloads it, which async code cannot do implicitly.",
    (
        Step("Sync: access after commit refreshes", "The commit marked user as stale; reading user.name reloads it.",
             name_after_commit, _refreshed),
        Step("Async: access after commit fails", "The same access under asyncio would need an await.",
             name_after_commit_async, _expired_async, (exc.MissingGreenlet, exc.StatementError)),
        Step("expire_on_commit=False", "The usual setting for async sessions: objects keep their values after commit.",
             name_without_expiry, _not_expired),
        Step("Or refresh explicitly", "await session.refresh(user) reloads it where an await is allowed.",
             name_after_refresh, _awaited_refresh),
    ),
)  # fmt: skip


# -- (g) one AsyncSession shared by concurrent tasks --------------------------------------------
async def shared_session(Session: async_sessionmaker) -> list[object]:
    async with Session() as session:

        async def name_of(user_id: int) -> str:
            return (await session.execute(select(User.name).where(User.id == user_id))).scalar_one()

        return await asyncio.gather(*(name_of(i) for i in range(1, 6)), return_exceptions=True)


async def session_per_task(Session: async_sessionmaker) -> list[object]:
    async def name_of(user_id: int) -> str:
        async with Session() as session:
            return (await session.execute(select(User.name).where(User.id == user_id))).scalar_one()

    return await asyncio.gather(*(name_of(i) for i in range(1, 6)), return_exceptions=True)


def _shared_fails(seen: Seen) -> tuple[bool, str]:
    failures = [value for value in seen.value if isinstance(value, BaseException)]
    kinds = {f"{type(value).__name__}: {first_line(value)}" for value in failures}
    done = len(seen.value) - len(failures)
    ok = bool(failures) and seen.count() == done
    return ok, (
        f"{len(failures)} of {len(seen.value)} tasks raised {'; '.join(sorted(kinds)) or 'nothing'}; "
        f"{counted(seen.count(), 'statement')} reached the database"
    )


def _per_task_works(seen: Seen) -> tuple[bool, str]:
    failures = [value for value in seen.value if isinstance(value, BaseException)]
    ok = not failures and seen.count() == len(seen.value)
    return ok, f"{len(seen.value) - len(failures)} of {len(seen.value)} tasks succeeded, {counted(seen.count(), 'statement')}"


CONCURRENT_SESSION = Lesson(
    "concurrent-session",
    "One AsyncSession shared by concurrent tasks",
    "A session is one unit of work on one connection: it is not safe to share between tasks that run at once.",
    (
        Step("Five tasks, one session", "asyncio.gather starts five queries on the same session at once.",
             shared_session, _shared_fails),
        Step("A session per task", "Each task opens its own session (and connection) from the sessionmaker.",
             session_per_task, _per_task_works),
    ),
)  # fmt: skip
