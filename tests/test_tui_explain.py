"""The EXPLAIN screen opened on a statement: the plan tree, the fix, ANALYZE on a key, the raw plan, cancel."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import text
from textual.pilot import Pilot
from textual.widgets import Static

from sqla_tui.core.connect.engine import connect
from sqla_tui.tui.screens.explain_screen import ExplainScreen
from sqla_tui.tui.widgets.code_preview import CodePreview
from sqla_tui.tui.widgets.plan_tree import HOTTEST_MARK, PlanTree
from tests.databases import TestDatabase
from tests.seeded import COMMENTS, COMMENTS_PER_POST, seeded_db
from tests.test_fanout import count
from tests.tui_helpers import make_app, pause_until, screen_text, settle

SIZE = (160, 40)
_MARK = {"sqlite": "?", "postgresql": "$1", "mariadb": "%s"}
_SCAN = {"sqlite": "SCAN on comments", "postgresql": "Seq Scan on comments"}


@pytest.mark.parametrize("seeded_db", ["sqlite", "postgresql"], indirect=True)
async def test_plan_tree_warning_analyze_toggle_and_raw(seeded_db: TestDatabase) -> None:
    app = make_app(seeded_db.url)
    async with app.run_test(size=SIZE) as pilot:
        await pause_until(pilot, lambda: app.workbench is not None, "the connection")
        sql = f"SELECT * FROM comments WHERE post_id = {_MARK[seeded_db.backend]}"
        screen = ExplainScreen(app.workbench, sql, (3,))
        await app.push_screen(screen)
        await settle(pilot)
        tree = screen.query_one(PlanTree)
        labels = [str(node.label) for node in tree.root.children[0].children] + [str(tree.root.children[0].label)]
        assert any(label.startswith(_SCAN[seeded_db.backend]) for label in labels)
        assert screen.result is not None and not screen.result.analyzed
        assert tree.border_title == "Plan (estimated)"
        warnings = str(screen.query_one("#explain-warnings", Static).content)
        assert "fix: CREATE INDEX ix_comments_post_id ON comments (post_id)" in warnings

        await pilot.press("a")
        await settle(pilot)
        assert screen.result.analyzed and tree.border_title == "Plan (analysed, rolled back)"
        analysed = [node.data for node in tree.root.children]
        assert max(n.act_rows or 0 for root in analysed for n in root.walk()) == COMMENTS_PER_POST
        if seeded_db.backend == "postgresql":
            assert HOTTEST_MARK in screen_text(app)

        await pilot.press("r")
        await pilot.pause()
        assert screen.has_class("-raw") and screen.query_one(CodePreview).has_focus
        assert screen.query_one(CodePreview).code.startswith("[")
        await pilot.press("a")
        await settle(pilot)
        assert not screen.result.analyzed


@pytest.mark.parametrize("seeded_db", ["sqlite"], indirect=True)  # refused before any database is asked
async def test_analyze_of_a_write_is_refused_and_the_plan_stays(seeded_db: TestDatabase) -> None:
    app = make_app(seeded_db.url)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pause_until(pilot, lambda: app.workbench is not None, "the connection")
        screen = ExplainScreen(app.workbench, "DELETE FROM comments WHERE id = ?", (1,))
        await app.push_screen(screen)
        await settle(pilot)
        assert screen.result is not None and [n.op for n in screen.result.plan.walk()] == ["QUERY PLAN", "SEARCH"]
        await pilot.press("a")
        await settle(pilot)
        assert not screen.analyze and not screen.result.analyzed
        assert "EXPLAIN ANALYZE runs the statement; it is not a SELECT" in screen_text(app)


@pytest.mark.parametrize("seeded_db", ["mariadb"], indirect=True)
async def test_a_stacked_statement_from_the_log_is_refused_and_nothing_changes(seeded_db: TestDatabase) -> None:
    """The screen explains whatever text it is handed through the same guard as the CLI: one statement, read as MariaDB reads it."""
    attack = "SELECT 1 --1; COMMIT; SET SESSION TRANSACTION READ WRITE; DELETE FROM comments; COMMIT"
    app = make_app(seeded_db.url)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pause_until(pilot, lambda: app.workbench is not None, "the connection")
        screen = ExplainScreen(app.workbench, attack)
        await app.push_screen(screen)
        await settle(pilot)
        assert screen.result is None
        refusal = "EXPLAIN takes exactly one statement, got 5; explain them one at a time"
        assert refusal in " ".join(screen_text(app).split())
    assert count(seeded_db, "SELECT COUNT(*) FROM comments") == COMMENTS


_SLEEP = {"postgresql": "SELECT pg_sleep(30)", "mariadb": "SELECT SLEEP(30)"}
_SLEEPING = {  # the sleep still running on the server, in this test's database only
    "postgresql": "SELECT count(*) FROM pg_stat_activity "
    "WHERE datname = current_database() AND state = 'active' AND query LIKE '%pg_sleep(30)%' "
    "AND pid <> pg_backend_pid()",
    "mariadb": "SELECT count(*) FROM information_schema.processlist "
    "WHERE db = DATABASE() AND info LIKE '%SLEEP(30)%' AND id <> CONNECTION_ID()",
}


async def _sleeping(database: TestDatabase) -> int:
    engine, _ = await connect(database.url)
    try:
        async with engine.connect() as conn:
            return int(await conn.scalar(text(_SLEEPING[database.backend])))
    finally:
        await engine.dispose()


async def _until_sleeping(pilot: Pilot[None], database: TestDatabase, count: int, seconds: float) -> None:
    """Let the app run until the server shows ``count`` sleeps running, or fail after ``seconds``."""
    deadline = time.monotonic() + seconds
    while await _sleeping(database) != count:
        assert time.monotonic() < deadline, f"the server shows {await _sleeping(database)} sleeps, not {count}"
        await pilot.pause(0.05)


@pytest.mark.parametrize("backend", ["postgresql", "mariadb"])
async def test_x_cancels_a_long_analyze_on_the_server_too(empty_db: TestDatabase) -> None:
    app = make_app(empty_db.url)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pause_until(pilot, lambda: app.workbench is not None, "the connection")
        screen = ExplainScreen(app.workbench, _SLEEP[empty_db.backend], analyze=True)
        await app.push_screen(screen)
        await _until_sleeping(pilot, empty_db, 1, 5)
        assert screen.asking
        await pilot.press("x")
        await pilot.pause()
        assert not screen.asking and screen.result is None
        shown = " ".join(screen_text(app).split())
        assert "Cancelled" in shown and "EXPLAIN cancelled" in shown
        await _until_sleeping(pilot, empty_db, 0, 2)
        await settle(pilot)
        assert not screen.query_one(PlanTree).loading
        await pilot.press("escape")  # nothing runs any more: Escape leaves
        await pilot.pause()
        assert app.screen is app.home
        again = ExplainScreen(app.workbench, "SELECT 1", analyze=True)  # the pool still hands out a good connection
        await app.push_screen(again)
        await settle(pilot)
        assert again.result is not None and again.result.analyzed
