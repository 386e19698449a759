"""The attach screen over a live feed from this process's instrumented engine, and over its recording."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine
from textual.pilot import Pilot

from sqla_tui.attach import instrument
from sqla_tui.attach.viewer import connect, read_events, replay_events
from sqla_tui.tui.attach_app import AttachApp
from sqla_tui.tui.widgets.fact_table import FactTable
from sqla_tui.tui.widgets.gauge import Gauge
from tests.attach_app import AUTHORS, Author, Base, Book, async_url
from tests.attach_helpers import marked_line
from tests.databases import TestDatabase

HERE = Path(__file__)


async def until(pilot: Pilot[None], condition: Callable[[], bool], what: str) -> None:
    ends = time.monotonic() + 30
    while not condition():
        if time.monotonic() > ends:
            raise AssertionError(f"gave up waiting for {what}")
        await pilot.pause(0.05)


def table(app: AttachApp, name: str) -> FactTable:
    return app.screen.query_one(f"#attach-{name}", FactTable)


async def _seed(engine) -> None:  # type: ignore[no-untyped-def]
    async with engine.begin() as conn:
        await conn.run_sync(Base.metadata.drop_all)
        await conn.run_sync(Base.metadata.create_all)
        await conn.execute(Author.__table__.insert(), [{"id": a, "name": f"a{a}"} for a in range(1, AUTHORS + 1)])
        await conn.execute(
            Book.__table__.insert(), [{"id": a, "title": "t", "author_id": a} for a in range(1, AUTHORS + 1)]
        )


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"], indirect=True)
async def test_the_screen_shows_the_holder_the_n_plus_one_and_every_statement(
    empty_db: TestDatabase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SQLA_TUI_RUNTIME_DIR", str(tmp_path / "rt"))
    engine = create_async_engine(async_url(empty_db.url))
    await _seed(engine)
    handle = instrument(engine, name="screen", leak_after=0.2)
    record = tmp_path / "feed.jsonl"
    release = asyncio.Event()
    try:
        with record.open("wb") as recording:
            app = AttachApp(read_events(connect("screen"), record=recording), "screen")
            async with app.run_test(size=(180, 50)) as pilot:
                await until(pilot, lambda: handle.viewers == 1, "the screen to attach")

                async def hold() -> None:
                    async with engine.connect() as conn:  # MARK: screen_hold
                        await conn.execute(text("SELECT 1"))
                        await release.wait()

                holder = asyncio.create_task(hold())
                async with async_sessionmaker(engine)() as session:
                    for author in (await session.scalars(select(Author))).all():
                        await author.awaitable_attrs.books  # MARK: screen_n_plus_one
                hold_line = f"test_tui_attach.py:{marked_line('screen_hold', HERE)} in hold"
                out = app.screen.query_one("#gauge-out", Gauge)

                def only_the_holder_is_out() -> bool:
                    """One connection out, held at the hold line, and its leak row: the session's own connection
                    may be a returned suspect too, when its ten lazy loads took longer than leak_after on a busy machine."""
                    holders = table(app, "holders").rows_text
                    leaks = table(app, "leaks").rows_text
                    return (
                        out.value == 1
                        and len(holders) == 1
                        and any(leak[2] == "held" and leak[3].endswith(hold_line) for leak in leaks)
                    )

                await until(pilot, only_the_holder_is_out, "the held connection, alone, and its leak row")
                [holding] = table(app, "holders").rows_text
                assert holding[0] == "1" and holding[2].endswith(hold_line)
                [leak] = [leak for leak in table(app, "leaks").rows_text if leak[2] == "held"]
                assert leak[3].endswith(hold_line)
                release.set()
                await holder
                await until(pilot, lambda: len(table(app, "statements").rows_text) == 2 + AUTHORS, "every statement")
                [group] = table(app, "n-plus-one").rows_text
                assert group[:3] == (str(AUTHORS), "1", "Author.books")
                assert group[3].endswith(f"test_tui_attach.py:{marked_line('screen_n_plus_one', HERE)}")
                assert app.screen.digest.statements == 2 + AUTHORS
                await pilot.press("q")
    finally:
        release.set()
        handle.close()
        await engine.dispose()

    replay = AttachApp(replay_events(record), "feed.jsonl")
    async with replay.run_test(size=(180, 50)) as pilot:
        await until(pilot, lambda: len(table(replay, "statements").rows_text) == 2 + AUTHORS, "the recorded statements")
        assert table(replay, "n-plus-one").rows_text[0][2] == "Author.books"
        assert f"{2 + AUTHORS} statements" in str(replay.screen.query_one("#attach-target").render())


async def test_e_explains_a_statement_from_the_feed_on_the_url_given(
    empty_db: TestDatabase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqla_tui.core.connect.target import Target
    from sqla_tui.tui.screens.explain_screen import ExplainScreen

    monkeypatch.setenv("SQLA_TUI_RUNTIME_DIR", str(tmp_path / "rt"))
    engine = create_async_engine(async_url(empty_db.url))
    await _seed(engine)
    handle = instrument(engine, name="explained", capture_params=True)
    try:
        app = AttachApp(read_events(connect("explained")), "explained", target=Target(empty_db.url))
        async with app.run_test(size=(180, 50)) as pilot:
            await until(pilot, lambda: handle.viewers == 1 and app.workbench is not None, "the feed and the database")
            async with async_sessionmaker(engine)() as session:
                await session.scalars(select(Author).where(Author.id == 3))
            await until(pilot, lambda: len(table(app, "statements").rows_text) == 1, "the statement")
            await pilot.press("e")  # nothing picked yet: a hint, no screen
            assert not isinstance(app.screen, ExplainScreen)
            await pilot.press("tab", "e")
            await until(
                pilot, lambda: isinstance(app.screen, ExplainScreen) and app.screen.result is not None, "a plan"
            )
            assert app.screen.params in ((3,), {"id_1": 3})  # the application's own value, from the feed
            await pilot.press("escape", "q")
    finally:
        handle.close()
        await engine.dispose()
