"""Compose with hands on the keys: loader keys after a run, the limit key, run from any field, early keys, titles."""

from __future__ import annotations

import pytest
from textual import events
from textual.pilot import Pilot
from textual.widgets import Input, OptionList

from sqla_tui.tui.app import SqlaTuiApp
from sqla_tui.tui.screens.compose_screen import ComposeScreen
from sqla_tui.tui.widgets.code_preview import CodePreview
from sqla_tui.tui.widgets.loader_toggles import LoaderToggles
from sqla_tui.tui.widgets.results_tree import ResultsTree
from sqla_tui.tui.widgets.statement_log import StatementLogTable
from tests.awkward_values import READINGS, awkward_db
from tests.databases import TestDatabase
from tests.seeded import USERS, seeded_db
from tests.tui_helpers import make_app, screen_text, settle

SIZE = (160, 45)


async def compose_over(pilot: Pilot[None], root: str) -> ComposeScreen:
    """``c``, the root's name and Enter, pressed at once: keys typed while the list loads are not lost."""
    await settle(pilot)
    await pilot.press("c", *root, "enter")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ComposeScreen)
    assert screen.composer is not None and screen.composer.root == root
    return screen


def burst(app: SqlaTuiApp, *keys: str) -> None:
    """Keys as a terminal delivers a name typed at speed: all read before the app has handled the first."""
    for key in keys:
        event = events.Key(key, key if len(key) == 1 else None)
        event.set_sender(app)
        app.post_message(event)


async def test_a_root_typed_at_speed_after_c_is_the_one_composed(seeded_db: TestDatabase) -> None:
    """``c posts Enter`` in one burst composed over the first root (comments): the letters reached the home screen,
    which ``c`` was leaving, and Enter picked whatever came first (the probes' case, in tmux)."""
    app = make_app(seeded_db.url)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        burst(app, "c", *"posts", "enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ComposeScreen) and screen.composer is not None
        assert screen.composer.root == "posts"


async def test_keys_that_reach_the_screen_before_anything_in_it_has_focus_are_the_root_filters(
    seeded_db: TestDatabase,
) -> None:
    """While the screen mounts nothing in it has focus, and the app forwards keys to the screen itself."""
    app = make_app(seeded_db.url)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.action_open_screen("c")
        screen = app.screen
        assert isinstance(screen, ComposeScreen) and screen.focused is None
        for key in [*"postz", "backspace", "s", "enter"]:
            screen.post_message(events.Key(key, key if len(key) == 1 else None))
        await settle(pilot)
        assert screen.composer is not None and screen.composer.root == "posts"


def summary(screen: ComposeScreen) -> str:
    return " ".join(screen_text(screen.app).split())


async def test_loader_keys_act_after_a_run_moved_focus_to_the_log(seeded_db: TestDatabase) -> None:
    app = make_app(seeded_db.url)
    async with app.run_test(size=SIZE) as pilot:
        screen = await compose_over(pilot, "users")
        sql = screen.query_one("#compose-sql", CodePreview)
        assert sql.border_title == "Main query SQL (not run yet)"
        await pilot.press("r")
        await settle(pilot)
        assert screen.query_one(StatementLogTable).has_focus
        assert sql.border_title == "Main query SQL (as run)"
        await pilot.press("3")  # selectin on the loader tree's current relationship (users.comments)
        await pilot.pause()
        assert "selectinload(User.comments)" in screen.query_one("#compose-python", CodePreview).code
        assert sql.border_title == "Main query SQL (changed since the run)"
        await pilot.press("space")  # cycles on from selectin: subquery
        await pilot.pause()
        assert "subqueryload(User.comments)" in screen.query_one("#compose-python", CodePreview).code
        await pilot.press("r")
        await settle(pilot)
        assert [run.origin for run in screen.query_one(StatementLogTable).items] == ["main query", "subqueryload User.comments"]


async def test_the_limit_key_then_r_runs_with_the_new_limit(seeded_db: TestDatabase) -> None:
    app = make_app(seeded_db.url)
    async with app.run_test(size=SIZE) as pilot:
        screen = await compose_over(pilot, "users")
        await pilot.press("l")
        limit = screen.query_one("#compose-limit", Input)
        assert limit.has_focus
        await pilot.press("end", "backspace", "backspace", "backspace", "4", "r")  # r runs from the limit field
        await settle(pilot)
        assert limit.value == "4"
        assert f"(4 of {USERS} root rows)" in summary(screen)
        assert screen.query_one(ResultsTree).border_title == f"Results · 4 of {USERS} users"


@pytest.mark.parametrize("key", ["ctrl+j", "f5"])
async def test_ctrl_j_or_f5_runs_from_the_where_field(seeded_db: TestDatabase, key: str) -> None:
    app = make_app(seeded_db.url)
    async with app.run_test(size=SIZE) as pilot:
        screen = await compose_over(pilot, "users")
        await pilot.press("slash", *"id > 3", key)
        await settle(pilot)
        assert screen.query_one("#compose-where", Input).value == "id > 3"  # still there to finish
        assert [run.rows for run in screen.query_one(StatementLogTable).items] == [USERS]


async def test_the_root_picker_folds_once_chosen_and_opens_in_its_field(seeded_db: TestDatabase) -> None:
    app = make_app(seeded_db.url)
    async with app.run_test(size=SIZE) as pilot:
        screen = await compose_over(pilot, "users")
        roots = screen.query_one("#compose-roots", OptionList)
        root_filter = screen.query_one("#compose-root-filter", Input)
        assert not roots.display and root_filter.placeholder.startswith("root: users")
        assert screen.query_one(LoaderToggles).has_focus
        while not root_filter.has_focus:
            await pilot.press("shift+tab")
        assert roots.display
        await pilot.press(*"pos", "enter")
        await settle(pilot)
        assert screen.composer is not None and screen.composer.root == "posts" and not roots.display


async def test_a_cut_result_says_how_many_of_how_many(awkward_db: TestDatabase) -> None:
    app = make_app(awkward_db.url)
    async with app.run_test(size=SIZE) as pilot:
        screen = await compose_over(pilot, "readings")
        await pilot.press("r")
        await settle(pilot)
        assert f"(100 of {READINGS} root rows)" in summary(screen)
        assert screen.query_one(ResultsTree).border_title == f"Results · 100 of {READINGS} readings"
        assert screen.query_one(StatementLogTable).border_title == "Statements · 1 statement of this run"


@pytest.mark.parametrize("size", [(80, 24), (160, 45)])
async def test_what_is_typed_in_the_fields_shows_while_they_have_focus(seeded_db: TestDatabase, size: tuple[int, int]) -> None:
    """A focused field got the lists' focus border, which took its one line: the root filter and the where field
    showed an empty box while "ord" or "name = hello" was typed into them."""
    app = make_app(seeded_db.url)
    async with app.run_test(size=size) as pilot:
        screen = await compose_over(pilot, "users")
        await pilot.press("slash", *"name = hel")
        await pilot.pause()
        where = screen.query_one("#compose-where", Input)
        assert where.has_focus and where.content_size.height == 1
        assert "name = hel" in screen_text(app)
