"""The fan-out screen, opened from the composer on the chosen path: exact numbers, verdict, cancel."""

from __future__ import annotations

import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from sqla_tui.tui.screens.explain_screen import ExplainScreen
from sqla_tui.tui.screens.fanout_screen import DEFAULT_RUNS, FanoutScreen
from sqla_tui.tui.widgets.code_preview import CodePreview
from sqla_tui.tui.widgets.fanout_chart import FanoutChart
from sqla_tui.tui.widgets.fanout_table import FanoutTable
from sqla_tui.tui.widgets.statement_log import StatementLogTable
from tests.databases import TestDatabase
from tests.seeded import POSTS, USERS, seeded_db
from tests.test_tui_compose import (
    SIZE,
    compose_then_drop_posts,
    open_compose,
    seeded_file,
)
from tests.tui_helpers import make_app, screen_text, settle

ON_SQLITE = pytest.mark.parametrize("seeded_db", ["sqlite"], indirect=True)


async def open_fanout_on_posts(pilot: Pilot[None]) -> FanoutScreen:
    """Compose over users, pick selectin for posts, press f."""
    await open_compose(pilot)
    await pilot.press("down", "3", "f")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, FanoutScreen)
    assert screen.paths == ["posts"]
    return screen


@ON_SQLITE  # core's fan-out tests pin these numbers on all three backends; here the screen is under test
async def test_every_plan_has_its_exact_statements_and_rows(seeded_db: TestDatabase) -> None:
    app = make_app(seeded_db.url)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_fanout_on_posts(pilot)
        await settle(pilot)
        table = screen.query_one(FanoutTable)
        measured = {result.strategy: (result.statements, result.rows) for result in table.items}
        lazy = (1 + USERS, USERS + POSTS)  # one per user: the N+1
        assert measured == {
            "joined": (1, POSTS),
            "selectin": (2, USERS + POSTS),
            "subquery": (2, USERS + POSTS),
            "immediate": lazy,
            "select": lazy,
            "mixed": (2, USERS + POSTS),
        }
        assert table.row_count == len(measured) and table.has_focus
        assert [table.get_cell(plan, "rows/root").plain for plan in ("joined", "selectin")] == [f"{POSTS / USERS:.2f}", "1.00"]
        verdict = str(screen.query_one("#fanout-verdict", Static).content)
        assert screen.report is not None and verdict.startswith(screen.report.verdict)
        assert verdict.endswith("Why selectin: its row's Strategy pane explains it (each row explains its own).")
        note = str(screen.query_one("#fanout-note", Static).content)  # the selected row's note (core/lessons/strategies.py)
        assert note.startswith("joinedload()\nSQL: A LEFT OUTER JOIN added to the main query")
        assert note.endswith(f"Here: 1 statement, {POSTS} rows, {POSTS - USERS} repeated root rows")
        assert f"joinedload received {POSTS} rows for {USERS} rows of users" in verdict
        assert "Recommended: selectinload" in verdict
        assert screen.query_one("#fanout-sql", CodePreview).code.startswith(f"-- ran 1 time, {POSTS} rows\nSELECT")
        await pilot.press(*["down"] * 4)  # the select plan's SQL: the lazy load folded with its count
        await pilot.pause()
        assert screen.query_one(FanoutTable).selected.strategy == "select"
        assert f"-- ran {USERS} times, {POSTS} rows" in screen.query_one("#fanout-sql", CodePreview).code
        assert len(screen.query(FanoutChart)) == 4
        await pilot.press("plus", "plus", "minus")
        assert screen.runs == DEFAULT_RUNS + 1
        assert f"{DEFAULT_RUNS + 1} timed runs per strategy · r measures again" in screen_text(app)

        assert {result.peak_kib for result in table.items} == {None}  # the memory peak is opt-in: m
        assert table.get_cell("joined", "KiB peak").plain == "–"
        await pilot.press("m")
        await settle(pilot)
        assert f"6 strategies measured, {DEFAULT_RUNS + 1} timed runs each and its memory peak" in screen_text(app)
        peaks = {result.strategy: result.peak_kib for result in table.items}
        assert len(peaks) == 6 and all(peak is not None and peak > 0 for peak in peaks.values())
        assert table.get_cell("joined", "KiB peak").plain == f"{peaks['joined']:,.0f}"


@ON_SQLITE
async def test_cancel_stops_the_measurement_and_the_screen_stays_usable(seeded_db: TestDatabase) -> None:
    app = make_app(seeded_db.url)
    async with app.run_test(size=SIZE) as pilot:
        compose = await open_compose(pilot)
        await pilot.press("down", "3")
        assert compose.composer is not None
        spec, entity = compose.composer.spec, compose.composer.entity
        # 100 timed runs per strategy over two levels (41 statements a run when lazy loading):
        # long enough that the cancel always lands mid-measurement
        screen = FanoutScreen(compose.workbench, entity, spec, ["posts.comments"], runs=100)
        await app.push_screen(screen)
        await pilot.pause()
        assert screen.measuring, screen_text(app)
        await pilot.press("x")
        await pilot.pause()
        assert not screen.measuring and screen.report is None
        assert "cancelled · r measures again" in screen_text(app)
        await pilot.press("r")
        await pilot.pause()
        assert screen.measuring, screen_text(app)
        await pilot.press("escape")  # the first Escape cancels, the second leaves
        await pilot.pause()
        assert not screen.measuring and app.screen is screen
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is compose
        await pilot.press("r")
        await settle(pilot)
        assert [run.rows for run in compose.query_one(StatementLogTable).items] == [USERS, POSTS]


@ON_SQLITE
async def test_a_screen_key_over_fanout_goes_back_to_its_screen_once(seeded_db: TestDatabase) -> None:
    app = make_app(seeded_db.url)
    async with app.run_test(size=SIZE) as pilot:
        compose = await open_compose(pilot)
        await pilot.press("down", "3", "r")
        await settle(pilot)
        assert compose.composer is not None
        spec, entity = compose.composer.spec, compose.composer.entity
        fanout = FanoutScreen(compose.workbench, entity, spec, ["posts"], plans=("joined",), runs=1)
        await app.push_screen(fanout)
        await settle(pilot)
        assert app.screen_stack == [app.home, compose, fanout]
        assert "1 strategy measured, 1 timed run each · +/- runs" in screen_text(app)  # counted in the singular
        await pilot.press("c")  # the composer is under the fan-out: back to it, not a second copy
        await pilot.pause()
        assert app.screen_stack == [app.home, compose]
        await pilot.press("e")  # EXPLAIN the main query, then the schema screen from over it
        await settle(pilot)
        assert isinstance(app.screen, ExplainScreen)
        await pilot.press("s")
        await pilot.pause()
        schema = app.get_screen("s")
        assert app.screen_stack == [app.home, schema]
        await pilot.press("c")
        await pilot.pause()
        assert app.screen_stack == [app.home, compose]
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen_stack == [app.home]


async def test_a_database_error_while_measuring_is_one_line_and_the_app_keeps_working(
    seeded_file: TestDatabase,
) -> None:
    app = make_app(seeded_file.url)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        compose = await compose_then_drop_posts(pilot, seeded_file)
        await pilot.press("f")
        await settle(pilot)
        shown = " ".join(screen_text(app).split())
        assert "Fan-out failed" in shown and ": no such table: posts" in shown
        assert "table: posts" in shown and "joined failed" in shown
        assert "failed · r measures again" in shown
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is compose
        await pilot.press("0", "r")  # without the posts loader the composer still runs
        await settle(pilot)
        assert [run.rows for run in compose.query_one(StatementLogTable).items] == [USERS]
