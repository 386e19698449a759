"""Lessons on loading relationships: the N+1, the eager strategies, unique(), raiseload.

Every function below is a step's code: the lesson shows its source and runs
it. They read twenty users (or their posts) ordered by key, so the numbers
in the checks are whatever this database holds for those rows.
"""

from __future__ import annotations

import math
import re

from sqlalchemy import exc, select
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import Session, joinedload, raiseload, selectinload, subqueryload

from sqla_tui.core.grammar import counted
from sqla_tui.core.lessons.engine import Lesson, Seen, Step, first_line
from sqla_tui.core.lessons.models import Post, User
from sqla_tui.core.lessons.strategies import CHUNK
from sqla_tui.core.observe.capture import find_n_plus_one
from sqla_tui.core.query.fanout import compare
from sqla_tui.core.query.spec import QuerySpec


# -- (a) lazy loading and the N+1 ----------------------------------------------------------
def load_users(session: Session) -> int:
    users = session.scalars(select(User).order_by(User.id).limit(20)).all()
    return len(users)


def posts_per_user(session: Session) -> list[int]:
    users = session.scalars(select(User).order_by(User.id).limit(20)).all()
    return [len(user.posts) for user in users]  # each user.posts runs a SELECT: the N+1


def posts_per_user_selectin(session: Session) -> list[int]:
    stmt = select(User).options(selectinload(User.posts)).order_by(User.id).limit(20)
    users = session.scalars(stmt).all()
    return [len(user.posts) for user in users]  # already loaded: no SQL here


def _one_query(seen: Seen) -> tuple[bool, str]:
    users = seen.value
    ok = seen.count() == 1 and seen.statements[0].rows == users
    return ok, f"{counted(seen.count(), 'statement')}, {counted(seen.rows, 'row')} for {counted(users, 'user')}"


def _n_plus_one(seen: Seen) -> tuple[bool, str]:
    users = len(seen.value)
    lazy = seen.count("lazy")
    found = find_n_plus_one(seen.statements)
    ok = seen.count("main") == 1 and lazy == users and seen.count() == 1 + users and bool(found)
    return ok, (
        f"{counted(seen.count(), 'statement')} = 1 for the users + {lazy:,} lazy loads of User.posts "
        f"(one per user: N+1 with N = {users:,})" + (f"; the log finds it: {found[0].message}" if found else "")
    )


def _selectin_fix(seen: Seen) -> tuple[bool, str]:
    posts = sum(seen.value)
    eager = [s for s in seen.statements if s.origin.kind == "eager"]
    ok = seen.count() == 2 and seen.count("lazy") == 0 and sum(s.rows for s in eager) == posts
    return ok, (
        f"{counted(seen.count(), 'statement')} whatever N: the users, then their {counted(posts, 'post')} "
        f"in one IN query; no lazy loads"
    )


N_PLUS_ONE = Lesson(
    "n-plus-one",
    "Lazy loading and the N+1",
    "A relationship loads on first access by default; touched in a loop, that is one query per parent.",
    (
        Step("Load 20 users: one statement", "The users arrive in one SELECT; their posts are not loaded yet.",
             load_users, _one_query),
        Step("Touch user.posts in a loop", "Each first access to user.posts runs a SELECT for that user alone: "
             "1 query for the list, then N more. The log groups them and names the N+1.", posts_per_user, _n_plus_one),
        Step("Fix it with selectinload", "selectinload(User.posts) loads every user's posts in one more statement, "
             "however many users there are.", posts_per_user_selectin, _selectin_fix),
    ),
)  # fmt: skip


# -- (b) joinedload vs selectinload vs subqueryload ------------------------------------------
def posts_with_author_joined(session: Session) -> int:
    stmt = select(Post).options(joinedload(Post.user)).order_by(Post.id).limit(50)
    return len(session.scalars(stmt).all())


def posts_with_author_selectin(session: Session) -> int:
    stmt = select(Post).options(selectinload(Post.user)).order_by(Post.id).limit(50)
    return len(session.scalars(stmt).all())


def users_with_posts_joined(session: Session) -> int:
    stmt = select(User).options(joinedload(User.posts)).order_by(User.id).limit(20)
    return len(session.scalars(stmt).unique().all())


def users_with_posts_selectin(session: Session) -> int:
    stmt = select(User).options(selectinload(User.posts)).order_by(User.id).limit(20)
    return len(session.scalars(stmt).all())


def users_with_posts_subquery(session: Session) -> int:
    stmt = select(User).options(subqueryload(User.posts)).order_by(User.id).limit(20)
    return len(session.scalars(stmt).all())


def many_posts_with_comments(session: Session) -> int:
    stmt = select(Post).options(selectinload(Post.comments)).order_by(Post.id).limit(1200)
    return len(session.scalars(stmt).all())


async def fan_out_users_posts(engine: AsyncEngine) -> list[tuple[str, int, int, int]]:
    report = await compare(engine, User, QuerySpec("users", limit=20), ["posts"], ("joined", "selectin", "subquery"), 1)
    return [(plan.strategy, plan.statements, plan.rows, plan.duplicated_rows) for plan in report.results]


def _to_one_joined(seen: Seen) -> tuple[bool, str]:
    posts = seen.value
    ok = seen.count() == 1 and seen.rows == posts
    return ok, (
        f"{counted(seen.count(), 'statement')}, {counted(seen.rows, 'row')} for {counted(posts, 'post')}: "
        "to-one, so the join adds each post's author as columns, never as rows"
    )


def _to_one_selectin(seen: Seen) -> tuple[bool, str]:
    posts = seen.value
    authors = seen.statements[-1].rows if seen.statements else 0
    ok = seen.count() == 2 and seen.statements[0].rows == posts
    return ok, (
        f"{counted(seen.count(), 'statement')}: {counted(posts, 'post')}, then their {counted(authors, 'author')} "
        "by IN; for a to-one path joinedload wins by one round trip"
    )


def _collection_joined(seen: Seen) -> tuple[bool, str]:
    users = seen.value
    ok = seen.count() == 1 and seen.rows > users
    return ok, (
        f"{counted(seen.count(), 'statement')}, {counted(seen.rows, 'row')} for {counted(users, 'user')}: "
        f"each user's columns repeated once per post ({seen.rows / max(users, 1):.1f} rows per user)"
    )


def _collection_selectin(seen: Seen) -> tuple[bool, str]:
    users = seen.value
    ok = seen.count() == 2 and seen.statements[0].rows == users
    posts = seen.statements[-1].rows if seen.statements else 0
    return ok, (
        f"{counted(seen.count(), 'statement')}: {counted(users, 'user')} once each, then {counted(posts, 'post')} "
        "once each; nothing repeats, so on a collection selectinload wins"
    )


_USERS_AGAIN = re.compile(r"FROM\s+[`\"]?users\b", re.IGNORECASE)


def _collection_subquery(seen: Seen) -> tuple[bool, str]:
    users = seen.value
    second = seen.statements[-1].sql if seen.count() == 2 else ""
    ok = seen.count() == 2 and bool(_USERS_AGAIN.search(second))
    return ok, (
        f"{counted(seen.count(), 'statement')}; the second joins the posts to the users query run again as a "
        f"subquery ({'it reads FROM users again' if ok else 'no second run of the users query found'}), "
        f"for the same {counted(users, 'user')}"
    )


def _in_chunks(seen: Seen) -> tuple[bool, str]:
    posts = seen.value
    eager = [s for s in seen.statements if s.origin.kind == "eager"]
    chunks = math.ceil(posts / CHUNK)
    if posts <= CHUNK:
        return False, f"only {counted(posts, 'post')} here: chunks show with more than {CHUNK:,} parents"
    return len(eager) == chunks, (
        f"{counted(posts, 'post')} → {counted(len(eager), 'IN statement')} for their comments "
        f"(chunks of at most {CHUNK:,} keys; {chunks:,} expected)"
    )


def _fan_out(seen: Seen) -> tuple[bool, str]:
    plans = {strategy: (statements, rows, repeated) for strategy, statements, rows, repeated in seen.value}
    joined, selectin = plans.get("joined"), plans.get("selectin")
    ok = joined is not None and selectin is not None and joined[2] > 0 and selectin[2] == 0 and selectin[0] == 2
    shown = "; ".join(f"{name}: {s:,} stmts, {r:,} rows, {d:,} repeated" for name, (s, r, d) in plans.items())
    return ok, f"fan-out of users → posts: {shown}"


STRATEGIES = Lesson(
    "strategies",
    "joinedload vs selectinload vs subqueryload",
    "Where each eager strategy wins: to-one or collection, how wide the rows get, IN chunks.",
    (
        Step("To-one with joinedload", "Post.user is many-to-one: joining it adds the author's columns to each post row.",
             posts_with_author_joined, _to_one_joined),
        Step("To-one with selectinload", "The same authors by a second statement: correct, but one round trip more.",
             posts_with_author_selectin, _to_one_selectin),
        Step("A collection with joinedload", "User.posts is one-to-many: the join repeats every user once per post, "
             "and the ORM folds the copies back (unique()).", users_with_posts_joined, _collection_joined),
        Step("A collection with selectinload", "The posts come in a second statement, WHERE user_id IN (...): "
             "each row once.", users_with_posts_selectin, _collection_selectin),
        Step("A collection with subqueryload", "subqueryload re-runs the users query as a subquery to find the posts: "
             "the parent query runs twice.", users_with_posts_subquery, _collection_subquery),
        Step("selectinload splits IN lists", f"More than {CHUNK:,} parents: selectinload sends one IN statement per "
             f"{CHUNK:,} keys.", many_posts_with_comments, _in_chunks),
        Step("The fan-out table", "The same query under each strategy, measured side by side (what the f key shows "
             "in the composer).", fan_out_users_posts, _fan_out),
    ),
)  # fmt: skip


# -- (c) joinedload on a collection needs unique() -------------------------------------------
def joined_collection_without_unique(session: Session) -> int:
    stmt = select(User).options(joinedload(User.posts)).order_by(User.id).limit(20)
    return len(session.scalars(stmt).all())  # raises: unique() must be invoked


def joined_collection_with_unique(session: Session) -> int:
    stmt = select(User).options(joinedload(User.posts)).order_by(User.id).limit(20)
    return len(session.scalars(stmt).unique().all())


def _needs_unique(seen: Seen) -> tuple[bool, str]:
    message = first_line(seen.error) if seen.error else ""
    ok = "unique()" in message and seen.count() == 1
    return ok, (
        f"raised InvalidRequestError: {message}; the statement had run ({counted(seen.rows, 'row')}), "
        "the ORM refused to hand back repeated users"
    )


def _unique_folds(seen: Seen) -> tuple[bool, str]:
    users = seen.value
    ok = seen.count() == 1 and seen.rows > users
    return ok, f"{counted(seen.rows, 'row')} became {counted(users, 'user')}: unique() keeps one object per identity"


UNIQUE = Lesson(
    "unique",
    "joinedload on a collection needs unique()",
    "A joined collection repeats the parent rows, so the ORM makes you say that you want them folded.",
    (
        Step("Without unique()", "2.x refuses to return the repeated parents of a joined collection.",
             joined_collection_without_unique, _needs_unique, (exc.InvalidRequestError,)),
        Step("With unique()", "unique() folds the repeated rows into one User each.",
             joined_collection_with_unique, _unique_folds),
    ),
)  # fmt: skip


# -- (d) raise and raise_on_sql -----------------------------------------------------------------
def touch_with_raiseload(session: Session) -> int:
    stmt = select(User).options(raiseload(User.posts)).order_by(User.id).limit(20)
    users = session.scalars(stmt).all()
    return len(users[0].posts)  # raises instead of running a SELECT


def touch_lazy_raise_relationship(session: Session) -> int:
    users = session.scalars(select(User).order_by(User.id).limit(20)).all()
    return len(users[0].posts_strict)  # mapped with lazy="raise"


def eager_load_raise_relationship(session: Session) -> int:
    stmt = select(User).options(selectinload(User.posts_strict)).order_by(User.id).limit(20)
    users = session.scalars(stmt).all()
    return sum(len(user.posts_strict) for user in users)


def raise_on_sql_from_identity_map(session: Session) -> int:
    users = session.scalars(select(User).order_by(User.id).limit(20)).all()
    stmt = select(Post).where(Post.user_id.in_([u.id for u in users])).options(raiseload(Post.user, sql_only=True))
    posts = session.scalars(stmt).all()
    return len({post.user.id for post in posts})  # every author is already in the session: no SQL, no error


def _refused(seen: Seen) -> tuple[bool, str]:
    message = first_line(seen.error) if seen.error else ""
    ok = seen.count() == 1 and seen.count("lazy") == 0 and "lazy='raise'" in message
    return ok, f"{counted(seen.count(), 'statement')}, no lazy load; the access raised: {message}"


def _eager_allowed(seen: Seen) -> tuple[bool, str]:
    ok = seen.count() == 2 and seen.count("lazy") == 0
    return ok, (
        f"{counted(seen.count(), 'statement')} for {counted(seen.value, 'post')}: raise forbids lazy loads only; "
        "an eager option loads the relationship as usual"
    )


def _identity_map(seen: Seen) -> tuple[bool, str]:
    ok = seen.count() == 2 and seen.count("lazy") == 0
    return ok, (
        f"{counted(seen.count(), 'statement')}, {counted(seen.value, 'author')} read with no SQL and no error: "
        "raise_on_sql lets a many-to-one come from the identity map"
    )


RAISE = Lesson(
    "raise",
    "lazy='raise' and raiseload make an N+1 impossible",
    "Forbid lazy loading, and an N+1 becomes an error in your tests instead of a slow page in production.",
    (
        Step("raiseload() as a query option", "The access raises before any SQL is sent.",
             touch_with_raiseload, _refused, (exc.InvalidRequestError,)),
        Step("lazy='raise' on the relationship", "Mapped that way, every query is protected unless it asks.",
             touch_lazy_raise_relationship, _refused, (exc.InvalidRequestError,)),
        Step("Eager loading still works", "A relationship mapped lazy='raise' loads fine with selectinload.",
             eager_load_raise_relationship, _eager_allowed),
        Step("raise_on_sql and the identity map", "raiseload(sql_only=True) refuses only accesses that need SQL.",
             raise_on_sql_from_identity_map, _identity_map),
    ),
)  # fmt: skip
