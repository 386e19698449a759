"""The pool screen: a load started from the keyboard fills the pool, shows leaks, and stops back to zero."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.app import App, ComposeResult

from sqla_tui.core.connect.target import PoolOptions
from sqla_tui.tui.app import SqlaTuiApp
from sqla_tui.tui.screens.pool_screen import PoolScreen
from sqla_tui.tui.widgets.fact_table import FactTable
from sqla_tui.tui.widgets.gauge import Gauge
from tests.databases import TestDatabase
from tests.tui_helpers import (
    demo_cache,
    make_app,
    pause_until,
    screen_text,
    settle,
    small_demo_cache,
)

SMALL_POOL = PoolOptions(pool_size=2, max_overflow=1, pool_timeout=1)
"""Capacity 3, and waiting checkouts give up after a second."""


def gauge(app: SqlaTuiApp, name: str) -> Gauge:
    return app.screen.query_one(f"#gauge-{name}", Gauge)


def table(app: SqlaTuiApp, name: str) -> FactTable:
    return app.screen.query_one(f"#pool-{name}", FactTable)


async def start_leak(pilot, tasks: int) -> None:  # type: ignore[no-untyped-def]
    """From the home screen: open the pool screen, pick the leak scenario, set the tasks, press Enter."""
    await settle(pilot)
    await pilot.press("p")
    await pause_until(pilot, lambda: isinstance(pilot.app.screen, PoolScreen), "the pool screen")
    await pilot.press("enter", "down", "down", "enter")  # steady -> burst -> leak
    await pilot.press("tab", *str(tasks), "enter")


async def test_leak_fills_the_pool_and_stop_returns_every_connection(demo_cache: Path) -> None:
    app = make_app(pool=SMALL_POOL)
    async with app.run_test(size=(150, 50)) as pilot:
        await start_leak(pilot, tasks=5)
        out = gauge(app, "out")
        await pause_until(pilot, lambda: out.value == 3, "3 connections checked out")
        assert out.total == 3  # the capacity: size 2 + overflow 1
        assert app.screen.status.startswith("running leak: 5 tasks")
        await pause_until(pilot, lambda: len(table(app, "leaks").rows_text) == 3, "3 leak suspects")
        assert all(row[2] == "held" and row[3] != "unknown" for row in table(app, "leaks").rows_text)
        await pause_until(pilot, lambda: gauge(app, "waiters").value == 2, "2 waiting")
        timeout = "QueuePool limit of size 2 overflow 1 reached"
        await pause_until(pilot, lambda: timeout in screen_text(app), "a timeout")
        await pilot.press("x")
        await pause_until(pilot, lambda: out.value == 0, "every connection back")
        await pause_until(pilot, lambda: app.screen.status.startswith("leak: 5 tasks"), "the run's summary")
        assert "stopped" in app.screen.status and "0 completed" in app.screen.status
        await pilot.press("escape")
        assert not isinstance(app.screen, PoolScreen)


async def test_a_bad_field_is_one_line_and_starts_nothing(demo_cache: Path) -> None:
    app = make_app(pool=SMALL_POOL)
    async with app.run_test(notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("p")
        await pause_until(pilot, lambda: isinstance(app.screen, PoolScreen), "the pool screen")
        await pilot.press("tab", "backspace", "enter")  # tasks emptied
        assert app.screen.status.startswith("idle")
        assert "tasks is empty: enter a number" in screen_text(app)


@pytest.mark.parametrize("backend", ["postgresql"])
async def test_server_sessions_of_the_pool_are_listed(empty_db: TestDatabase) -> None:
    app = make_app(empty_db.url, pool=SMALL_POOL)
    async with app.run_test(size=(150, 50)) as pilot:
        await start_leak(pilot, tasks=3)
        await pause_until(pilot, lambda: len(table(app, "activity").rows_text) == 3, "3 server sessions")
        assert {row[1] for row in table(app, "activity").rows_text} == {"idle"}
        await pilot.press("x")
        await pause_until(pilot, lambda: gauge(app, "out").value == 0, "every connection back")


async def test_keys_still_work_while_two_hundred_tasks_hammer_the_pool(demo_cache: Path) -> None:
    app = make_app(pool=SMALL_POOL)
    async with app.run_test(size=(150, 50)) as pilot:
        await settle(pilot)
        await pilot.press("p")
        await pause_until(pilot, lambda: isinstance(app.screen, PoolScreen), "the pool screen")
        pool_screen = app.screen
        await pilot.press("tab", *"200", "tab", *"20", "enter")  # steady, 200 tasks holding 20 ms each
        await pause_until(pilot, lambda: gauge(app, "waiters").value > 100, "a queue of waiters")
        await pilot.press("escape")  # leave the screen mid-load, the load keeps running
        assert not isinstance(app.screen, PoolScreen)
        await pilot.press("p")
        assert app.screen is pool_screen
        await pilot.press("x")
        await pause_until(pilot, lambda: gauge(app, "out").value == 0, "every connection back")
        await pause_until(pilot, lambda: pool_screen.status.startswith("steady: 200 tasks"), "the summary")


class GaugeApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Gauge("waiting")


async def test_gauge_shows_a_bar_only_against_a_capacity() -> None:
    app = GaugeApp()
    async with app.run_test() as pilot:
        waiting = app.query_one(Gauge)
        assert waiting.render().plain == "waiting       0"
        waiting.total, waiting.value = 4, 1
        await pilot.pause()
        quarter = waiting.render()
        bar = waiting.size.width - len("waiting       ") - len(" 1 / 4")  # the bar takes what label and figures leave
        assert quarter.plain == "waiting       " + "━" * bar + " 1 / 4" and not waiting.has_class("-full")
        filled = round(bar / 4)
        assert [span.end - span.start for span in quarter.spans] == [filled, bar - filled + 1, 5]  # filled, track, figure
        waiting.value = 4
        await pilot.pause()
        assert waiting.has_class("-full") and waiting.render().plain.endswith(" 4 / 4")


async def test_stop_right_after_start_stops_the_load(demo_cache: Path) -> None:
    app = make_app(pool=SMALL_POOL)
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("p")
        await pause_until(pilot, lambda: isinstance(app.screen, PoolScreen), "the pool screen")
        await pilot.press("g", "x")  # steady for 30 s, stopped at once
        await pause_until(pilot, lambda: app.screen.status.startswith("steady: 20 tasks"), "the run's summary")
        assert "stopped" in app.screen.status
        await pause_until(pilot, lambda: gauge(app, "out").value == 0, "every connection back")
