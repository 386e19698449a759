"""The workbench: one owner of a target, so a spec gives the same numbers from the CLI and from a screen."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys

from sqlalchemy import text
from textual.widgets import OptionList

from sqla_tui.core.connect.target import PoolOptions, Target
from sqla_tui.core.query.spec import QuerySpec, parse_load
from sqla_tui.tui.app import SqlaTuiApp
from sqla_tui.tui.screens.compose_screen import ComposeScreen
from sqla_tui.tui.screens.pool_screen import PoolScreen
from sqla_tui.tui.widgets.gauge import Gauge
from sqla_tui.tui.widgets.loader_toggles import LoaderToggles
from sqla_tui.tui.widgets.statement_log import StatementLogTable
from sqla_tui.workbench import Workbench
from tests.databases import TestDatabase, run_async
from tests.seeded import POSTS, USERS, seeded_db
from tests.tui_helpers import pause_until, settle

SELECTIN_POSTS = ["users", "--load", "posts=selectin"]


def cli_numbers(url: str) -> list[tuple[str, int]]:
    """What ``sqla-tui query URL users --load posts=selectin --json`` reports, statement by statement."""
    command = [sys.executable, "-m", "sqla_tui", "query", url, *SELECTIN_POSTS, "--json"]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return [(statement["origin"], statement["rows"]) for statement in json.loads(output)["statements"]]


async def test_the_cli_and_the_compose_screen_agree_while_the_pool_screen_runs_a_load(
    seeded_db: TestDatabase,
) -> None:
    app = SqlaTuiApp(Target(seeded_db.url, PoolOptions(pool_size=2, max_overflow=0, pool_timeout=5)))
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("p")
        await pause_until(pilot, lambda: isinstance(app.screen, PoolScreen), "the pool screen")
        await pilot.press("tab", "backspace", "backspace", *"8", "enter")  # steady, 8 tasks on a pool of 2
        out = app.screen.query_one("#gauge-out", Gauge)
        await pause_until(pilot, lambda: out.value == 2, "the lab's pool full")
        await pilot.press("c")
        await pause_until(pilot, lambda: isinstance(app.screen, ComposeScreen), "the compose screen")
        compose = app.screen
        assert isinstance(compose, ComposeScreen)
        await pause_until(pilot, lambda: compose.mappable != [], "the roots")
        await pilot.press(*"users", "enter")
        await pause_until(pilot, lambda: compose.composer is not None, "users mapped")
        assert relationship_paths(compose) == ["comments", "posts"]
        await pilot.press("down", "3")  # posts, selectin by number
        assert compose.composer is not None and compose.composer.spec.loads == [parse_load("posts=selectin")]
        log = compose.query_one(StatementLogTable)
        await pilot.press("r")
        await pause_until(pilot, lambda: log.items != [], "the run")
        assert out.value == 2  # the load was still holding the lab's pool while the query ran
        shown = [(run.origin, run.rows) for run in log.items]
    assert shown == cli_numbers(seeded_db.url) == [("main query", USERS), ("selectinload User.posts", POSTS)]


async def test_a_run_counts_only_its_own_connection_while_other_work_shares_the_engine(
    seeded_db: TestDatabase,
) -> None:
    async def scenario() -> tuple[list[int], int]:
        async with Workbench(Target(seeded_db.url)) as bench:
            spec = QuerySpec("users", loads=[parse_load("posts=selectin")])
            stop = asyncio.Event()
            other = 0

            async def neighbour() -> None:
                nonlocal other
                while not stop.is_set():
                    async with bench.engine.connect() as conn:
                        await conn.execute(text("SELECT 1"))
                    other += 1
                    await asyncio.sleep(0)

            running = asyncio.create_task(neighbour())
            try:
                result = await bench.run(spec)
            finally:
                stop.set()
                await running
            return [statement.rows for statement in result.statements], other

    rows, other = run_async(scenario())
    assert other > 0  # the neighbour ran on the same engine during the run
    assert rows == [USERS, POSTS]


async def test_models_work_in_the_app_too(seeded_db: TestDatabase) -> None:
    """``sqla-tui URL --models tests.seeded`` composes over the application's classes and their relationships."""

    async def relationships(models: str | None) -> tuple[str, list[str]]:
        app = SqlaTuiApp(Target(seeded_db.url), models=models)
        async with app.run_test(size=(160, 48)) as pilot:
            await settle(pilot)
            await pilot.press("c")
            await pause_until(pilot, lambda: isinstance(app.screen, ComposeScreen), "the compose screen")
            compose = app.screen
            assert isinstance(compose, ComposeScreen)
            await pause_until(pilot, lambda: compose.query_one("#compose-roots", OptionList).option_count > 0, "roots")
            await pilot.press(*"users", "enter")
            await pause_until(pilot, lambda: compose.composer is not None, "users mapped")
            assert compose.composer is not None
            return compose.composer.entity.__module__, relationship_paths(compose)

    # The models' User has only posts (Comment.author has no back-reference); reflection derives both sides.
    assert await relationships("tests.seeded") == ("tests.seeded", ["posts"])
    assert (await relationships(None))[1] == ["comments", "posts"]


def relationship_paths(compose: ComposeScreen) -> list[str]:
    """The relationships the loader tree offers under its root."""
    toggles = compose.query_one(LoaderToggles)
    return [child.data.path for child in toggles.root.children if child.data is not None]
