"""Every screen at 80×24, 120×36 and 200×50: what a person needs is on screen, with its figures.

These are layout checks rather than pixel snapshots: the screens show
timings, paths and live pool figures that differ on every run, so each test
asserts what must be visible at that size (a gauge's bar and figures, the
verdict and the SQL beside the fan-out table, both bottom tables of the pool
screen with their borders) from the widgets' regions and the screen's text.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from textual.color import Color
from textual.pilot import Pilot
from textual.widget import Widget

from sqla_tui.tui.app import SqlaTuiApp
from sqla_tui.tui.screens.compose_screen import ComposeScreen
from sqla_tui.tui.screens.explain_screen import ExplainScreen
from sqla_tui.tui.screens.fanout_screen import FanoutScreen
from sqla_tui.tui.screens.pool_screen import PoolScreen
from sqla_tui.tui.screens.schema_screen import SchemaScreen
from tests.tui_helpers import demo_cache, make_app, pause_until, screen_text, settle, small_demo_cache

SIZES = [(80, 24), (120, 36), (200, 50)]
by_size = pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])


def shown(app: SqlaTuiApp, selector: str, *, min_width: int = 10, min_height: int = 3) -> Widget:
    """The widget, asserted to be on screen whole (inside the screen, not squeezed to a border)."""
    widget = app.screen.query_one(selector)
    region = widget.region
    assert app.screen.region.contains_region(region), f"{selector} runs off the screen: {region}"
    assert region.width >= min_width and region.height >= min_height, f"{selector} squeezed to {region}"
    return widget


async def compose_over_comments(pilot: Pilot[None]) -> ComposeScreen:
    """From home: compose over the first root (comments), then run it."""
    await settle(pilot)
    await pilot.press("c")
    await settle(pilot)
    await pilot.press("down", "enter")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ComposeScreen)
    return screen


@by_size
async def test_home_lists_the_tables_and_where_to_go(demo_cache: Path, size: tuple[int, int]) -> None:
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        shown(app, "RelationList", min_height=8)
        shown(app, "ScreenGuide", min_width=30, min_height=8)
        text = screen_text(app)
        assert "users" in text and "Compose" in text


@by_size
async def test_schema_shows_the_tree_and_a_tables_keys(demo_cache: Path, size: tuple[int, int]) -> None:
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, SchemaScreen)
        await pilot.press("down", "down", "enter")  # into the tree, then the second table opens
        await settle(pilot)
        shown(app, "SchemaTree", min_width=25, min_height=10)
        shown(app, "TableDetail", min_width=40, min_height=10)
        assert "FK → users" in screen_text(app)


@by_size
async def test_compose_keeps_room_for_code_and_statements(demo_cache: Path, size: tuple[int, int]) -> None:
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await compose_over_comments(pilot)
        await pilot.press("r")
        await settle(pilot)
        width = size[0]
        python = shown(app, "#compose-python", min_width=20, min_height=5)
        shown(app, "#compose-sql", min_width=20, min_height=5)
        shown(app, "StatementLogTable", min_width=20, min_height=3)
        shown(app, "LoaderToggles", min_width=25, min_height=6)
        assert "1 statement, 100 rows received" in screen_text(app)
        if width >= 200:
            assert app.screen.query_one("#compose-side").region.width >= 45  # grows with the terminal
            assert python.region.width >= 60


@by_size
async def test_fanout_shows_every_plan_the_verdict_and_the_sql(demo_cache: Path, size: tuple[int, int]) -> None:
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await compose_over_comments(pilot)
        await pilot.press("down", "3", "f")  # selectin on the first relationship, then fan-out
        await settle(pilot)
        assert isinstance(app.screen, FanoutScreen)
        table = shown(app, "FanoutTable", min_width=60, min_height=8)
        text = screen_text(app)
        for plan in ("joined", "selectin", "subquery", "immediate", "select", "mixed"):
            assert re.search(rf"│ {plan} +\d+ +\d", text), f"{plan} row not on screen at {size}"
        verdict = shown(app, "#fanout-verdict-box", min_width=25, min_height=6)
        shown(app, "#fanout-sql", min_width=30, min_height=6)
        assert verdict.region.y > table.region.y
        assert "joinedload needed 1" in text


@by_size
async def test_explain_shows_the_plan_tree(demo_cache: Path, size: tuple[int, int]) -> None:
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await compose_over_comments(pilot)
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, ExplainScreen)
        shown(app, "PlanTree", min_width=40, min_height=5)
        assert "SCAN" in screen_text(app)


@by_size
async def test_pool_gauges_keep_bars_and_figures_and_both_tables_fit(demo_cache: Path, size: tuple[int, int]) -> None:
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        assert isinstance(app.screen, PoolScreen)
        await pilot.press("g")  # 20 tasks on a pool of 5 + 10: it fills and tasks wait
        await pause_until(pilot, lambda: "15 / 15" in screen_text(app), "the pool to fill")
        text = screen_text(app)
        for label in ("checked out", "idle", "overflow"):
            assert re.search(rf"│{label} +━{{4,}}[━ ]*\d+ / \d+", text), f"{label} gauge lost its bar or figures"
        shown(app, "#pool-leaks", min_width=30, min_height=4)
        shown(app, "#pool-activity", min_width=30, min_height=4)
        await pilot.press("x")
        await settle(pilot)


async def test_every_screen_action_is_in_the_command_palette(demo_cache: Path) -> None:
    """On compose, ``ctrl+p`` then "fan-out" runs the same action as the f key."""
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await compose_over_comments(pilot)
        await pilot.press("down", "3")
        await pilot.press("ctrl+p")
        await pilot.press(*"fan-out")
        await pause_until(pilot, lambda: "Fan-out" in screen_text(app), "the palette to list Fan-out")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, FanoutScreen)


async def test_a_screen_opened_in_a_short_terminal_is_short_from_its_first_frame(demo_cache: Path) -> None:
    """The breakpoint classes come with the screen (StyledOnce): its widgets mount styled for 80×24, not restyled after."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("p")
        await pause_until(
            pilot, lambda: isinstance(app.screen, PoolScreen) and app.screen.is_mounted, "the pool screen"
        )
        assert {"-narrow", "-short"} <= app.screen.classes
        assert app.screen.query_one("#pool-counters").styles.margin.top == 0  # PoolScreen.-short #pool-counters
        await pilot.resize_terminal(200, 50)
        await settle(pilot)
        assert {"-wide", "-tall"} <= app.screen.classes and "-short" not in app.screen.classes
        assert app.screen.query_one("#pool-counters").styles.margin.top == 1


async def test_a_theme_chosen_while_a_screen_was_away_shows_when_it_returns(demo_cache: Path) -> None:
    """Only a screen's first resume keeps its mount's styles; coming back after a theme change restyles it."""
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        bar = app.screen.query_one("#gauge-out")
        before = bar.get_component_rich_style("gauge--bar").color
        await pilot.press("escape")
        await settle(pilot)
        app.theme = "textual-light" if app.theme != "textual-light" else "nord"
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        assert app.screen.query_one("#gauge-out") is bar  # the same installed screen, resumed
        after = bar.get_component_rich_style("gauge--bar").color
        assert after != before
        assert after == Color.parse(app.current_theme.primary).rich_color
