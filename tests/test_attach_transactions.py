"""What the attach feed says of transactions: which statements share one, which session ran them, which are open.

The probe numbers SQLAlchemy's own transaction of each statement's
connection and asks it, when the feed lists the open ones, whether it has
ended; nothing of the application's commits and rollbacks is wrapped. These
tests pin what that gives on each backend, read by a real viewer or from the
instrumented process's own probe.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, create_async_engine
from sqlalchemy.orm import Session

from sqla_tui.attach import instrument
from tests.attach_app import async_url
from tests.attach_helpers import Reader, marked_line, watched
from tests.databases import TestDatabase


def test_statements_share_a_transaction_until_it_ends_and_a_session_keeps_its_number(
    empty_db: TestDatabase, runtime: Path
) -> None:
    engine = create_async_engine(async_url(empty_db.url))

    async def work() -> None:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
            await conn.execute(text("SELECT 2"))
            await conn.commit()  # the connection stays checked out: its next statement begins another transaction
            await conn.execute(text("SELECT 3"))
            await conn.rollback()
            await conn.execute(text("SELECT 4"))
        async with AsyncSession(engine) as session:
            await session.execute(text("SELECT 5"))
            await session.commit()
            await session.execute(text("SELECT 6"))
        async with AsyncSession(engine) as other:
            await other.execute(text("SELECT 7"))
        sessions.extend((session.sync_session, other.sync_session))
        await engine.dispose()

    sessions: list[Session] = []

    with watched(engine, "transactions") as reader:
        asyncio.run(work())

    seen = {event["sql"][-1]: (event["tx"], event["session"]) for event in reader.digest.recent}
    assert sorted(seen) == list("1234567")
    tx = {sql: number for sql, (number, _) in seen.items()}
    assert tx["1"] == tx["2"]
    assert len({tx["1"], tx["3"], tx["4"], tx["5"], tx["6"], tx["7"]}) == 6
    session = {sql: number for sql, (_, number) in seen.items()}
    assert session["1"] is session["2"] is session["3"] is session["4"] is None  # engine.connect(): no session
    assert session["5"] == session["6"] is not None
    assert session["7"] is not None and session["7"] != session["5"]
    # SQLAlchemy's own numbers: nothing of sqla-tui's is written to the application's sessions
    assert [session["5"], session["7"]] == [ran.hash_key for ran in sessions]
    assert not [name for ran in sessions for name in vars(ran) if "sqla" in name]


async def _hold_open(conn: AsyncConnection) -> None:
    await conn.execute(text("SELECT 1"))  # MARK: held_open


def test_only_a_transaction_still_open_is_listed_open_also_after_thousands(empty_db: TestDatabase, runtime: Path) -> None:
    """A transaction left open is listed with the line that began it, one committed on a connection still checked
    out is not (also while the application keeps its transaction object), and the probe forgets each transaction as
    it goes: 300 short transactions later it holds only the two this test still references."""
    engine = create_async_engine(async_url(empty_db.url), pool_size=3)
    handle = instrument(engine, name="open")
    reader = Reader("open")
    reader.start()
    assert handle.wait_for_viewer(30)
    probe = handle._probe
    here = Path(__file__)

    async def work() -> None:
        async with engine.connect() as held, engine.connect() as done:
            await _hold_open(held)
            committed = await done.begin()  # kept: an ended transaction still referenced says it has ended
            await done.execute(text("SELECT 2"))
            await committed.commit()
            open_now = probe.open_transactions(0)
            assert [(tx["file"], tx["line"]) for tx in open_now] == [(str(here), marked_line("held_open", here))]
            for _ in range(300):
                async with AsyncSession(engine) as session:
                    await session.execute(text("SELECT 3"))
            assert len(probe.open) == 2
            assert [tx["tx"] for tx in probe.open_transactions(0)] == [open_now[0]["tx"]]
            await held.commit()
            assert probe.open_transactions(0) == []
            assert not committed.is_active
        await engine.dispose()

    asyncio.run(work())
    handle.close()
    reader.join(60)
    assert reader.digest.summary()["statements"] == 302
