"""Pool settings changed on the pool screen re-create the lab's engine: the gauges and a real load show the new size."""

from __future__ import annotations

from textual.widgets import Input, Select

from sqla_tui.tui.screens.pool_screen import PoolScreen
from tests.databases import TestDatabase
from tests.seeded import seeded_db
from tests.test_tui_pool import gauge
from tests.tui_helpers import make_app, open_screen, pause_until, screen_text, settle


async def test_a_new_size_re_creates_the_pool_and_a_load_fills_exactly_it(seeded_db: TestDatabase) -> None:
    app = make_app(seeded_db.url)
    async with app.run_test(size=(160, 50), notifications=True) as pilot:
        screen = await open_screen(pilot, "p", PoolScreen)
        old_engine = screen.lab.engine
        await pilot.press("a")
        await pilot.pause()
        size = app.screen.query_one("#pool-size", Input)
        while not size.has_focus:
            await pilot.press("tab")
        await pilot.press("3", "tab", "2", "tab", "1", "enter")  # size 3, overflow 2, timeout 1 s
        await settle(pilot)
        assert app.screen is screen
        await settle(pilot)
        assert screen.lab.engine is not old_engine
        snapshot = screen.lab.monitor.snapshot()
        assert (snapshot.size, snapshot.max_overflow, snapshot.timeout_s, snapshot.capacity) == (3, 2, 1.0, 5)
        assert gauge(app, "out").total == 5 and gauge(app, "idle").total == 3 and gauge(app, "overflow").total == 2
        assert "pool re-created:" in screen.status and "size 3 · max overflow 2 · timeout 1 s" in screen.status

        scenario = screen.query_one("#load-scenario", Select)
        while not scenario.has_focus:
            await pilot.press("shift+tab")
        await pilot.press("enter", "down", "down", "enter", "tab", *"8", "enter")  # leak, 8 tasks
        out = gauge(app, "out")
        await pause_until(pilot, lambda: out.value == 5, "the new capacity checked out")
        await pause_until(pilot, lambda: "QueuePool limit of size 3 overflow 2 reached" in screen_text(app), "a timeout")
        await pilot.press("x")
        await pause_until(pilot, lambda: out.value == 0, "every connection back")


async def test_a_queueless_class_turns_the_sizing_fields_off_and_applies(seeded_db: TestDatabase) -> None:
    app = make_app(seeded_db.url)
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await open_screen(pilot, "p", PoolScreen)
        await pilot.press("a")
        await pilot.pause()
        dialog = app.screen
        pool_class = dialog.query_one("#pool-class", Select)
        while not pool_class.has_focus:
            await pilot.press("tab")
        await pilot.press("enter", "down", "down", "enter")  # default -> queue -> null
        await pilot.pause()
        assert pool_class.value == "null" and dialog.query_one("#pool-size", Input).disabled
        await pilot.press("ctrl+a")
        await settle(pilot)
        assert app.screen is screen
        assert screen.lab.monitor.snapshot().pool_class == "NullPool"
        assert screen.lab.options.poolclass == "null"


def test_the_pool_flags_are_in_the_top_level_help() -> None:
    from typer.testing import CliRunner

    from sqla_tui.cli import app as cli

    shown = CliRunner().invoke(cli, ["--help"]).stdout
    for flag in ("--pool-size", "--max-overflow", "--pool-timeout", "--pool-recycle", "--pre-ping/--no-pre-ping", "--poolclass"):
        assert flag in shown
