"""Origins reach the statement they belong to and no other; payload sizes follow the per-value rule."""

from __future__ import annotations

import datetime
import decimal

from sqlalchemy import bindparam, event, select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import ORMExecuteState, selectinload

from sqla_tui.core.connect.engine import connect
from sqla_tui.core.internals.sqlalchemy import orm_loads_visible
from sqla_tui.core.observe.capture import StatementLog, payload_bytes
from sqla_tui.core.observe.loaders import OTHER, Origin, executed_origin, loader_origin
from tests.databases import TestDatabase, run_async
from tests.seeded import POSTS, USERS, User, seeded_db


def test_an_orm_execution_that_sends_nothing_lends_its_origin_to_no_later_statement(seeded_db: TestDatabase) -> None:
    async def scenario() -> list[tuple[str, int]]:
        engine, _ = await connect(seeded_db.url)
        log = StatementLog()
        log.attach(engine)
        async with AsyncSession(engine) as session:
            await session.scalars(select(User).options(selectinload(User.posts)))
            try:  # announced as a main query, then refused before any cursor: no value for :missing
                await session.scalars(select(User).where(User.id == bindparam("missing")))
            except Exception:  # noqa: BLE001 - which error the dialect raises does not matter here
                pass
            connection = await session.connection()
            await connection.execute(text("SELECT count(*) FROM users"))
        await engine.dispose()
        return [(entry.origin.kind, entry.rows) for entry in log.entries]

    assert run_async(scenario()) == [("main", USERS), ("eager", POSTS), ("other", 1)]


def test_the_origin_read_from_the_execution_alone_is_the_one_the_session_tells(seeded_db: TestDatabase) -> None:
    """``executed_origin`` (``statement_loader_path``, ``lazy_loaded``) against what ``do_orm_execute`` tells publicly."""
    seen: list[tuple[Origin | None, Origin]] = []
    told: dict[int, tuple[object, Origin]] = {}

    def announce(state: ORMExecuteState) -> None:
        if state.is_select:
            origin = loader_origin(state.loader_strategy_path, lazy=state.lazy_loaded_from is not None)
        else:
            origin = OTHER
        told[id(state.statement)] = (state.statement, origin)

    def compare(conn, cursor, statement, parameters, context, executemany) -> None:
        theirs = told.get(id(context.invoked_statement))
        seen.append((theirs[1] if theirs and theirs[0] is context.invoked_statement else None, executed_origin(context)))

    async def scenario() -> None:
        engine, _ = await connect(seeded_db.url)
        event.listen(engine.sync_engine, "after_cursor_execute", compare)
        async with AsyncSession(engine) as session:
            event.listen(session.sync_session, "do_orm_execute", announce)
            users = (await session.scalars(select(User).options(selectinload(User.posts)).limit(2))).all()
            await session.run_sync(lambda _: [len(post.comments) for post in users[0].posts])
            await session.execute(select(User.__table__.c.id))
            await session.execute(text("SELECT 1"))
        await engine.dispose()

    assert orm_loads_visible()
    run_async(scenario())
    assert all(theirs == ours for theirs, ours in seen[:-1]) and seen[-1] == (OTHER, OTHER)
    assert [(ours.kind, ours.attribute) for _, ours in seen] == [
        ("main", ""),
        ("eager", "User.posts"),
        *[("lazy", "Post.comments")] * 3,
        ("main", ""),
        ("other", ""),
    ]


def test_origins_hold_with_the_statement_cache_off_where_every_execution_compiles_anew(seeded_db: TestDatabase) -> None:
    """Origins are worked out once per compiled statement: with SQLAlchemy's cache off each execution has its own."""

    async def scenario() -> list[tuple[str, str]]:
        engine, _ = await connect(seeded_db.url)
        uncached = engine.execution_options(compiled_cache=None)
        log = StatementLog()
        log.attach(uncached)
        async with AsyncSession(uncached) as session:

            async def load() -> None:
                users = (await session.scalars(select(User).options(selectinload(User.posts)).limit(2))).all()
                await session.run_sync(lambda _: [len(post.comments) for post in users[0].posts[:2]])
                session.expire_all()

            await load()
            await load()
            await session.execute(text("SELECT 1"))
        await engine.dispose()
        return [(entry.origin.kind, entry.origin.attribute) for entry in log.entries]

    once = [("main", ""), ("eager", "User.posts"), ("lazy", "Post.comments"), ("lazy", "Post.comments")]
    assert run_async(scenario()) == [*once, *once, ("other", "")]


def test_payload_bytes_measure_each_column_by_the_rule_for_its_values() -> None:
    rows = [
        ("abc", 7, None, decimal.Decimal("1.50"), datetime.date(2026, 1, 2), b"\x00\x01", ""),
        (None, True, 2.5, decimal.Decimal("10"), None, b"", "zz"),
        ("", None, "mixed", None, datetime.datetime(2026, 1, 2, 3, 4), None, None),
    ]
    # str/bytes: their length; None: 1; numbers, dates, booleans: 8; anything else: the length of its str()
    strs, numbers, mixed, decimals, dates, blobs, texts = 3 + 1 + 0, 8 + 8 + 1, 1 + 8 + 5, 4 + 2 + 1, 8 + 1 + 8, 2 + 0 + 1, 0 + 2 + 1
    assert payload_bytes(rows) == (7, strs + numbers + mixed + decimals + dates + blobs + texts)
    assert payload_bytes([]) == (0, 0)
    many = [(index, f"{index:04}") for index in range(1000)]  # every third measured, scaled to 1,000
    assert payload_bytes(many) == (2, 12 * 1000)
