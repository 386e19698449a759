"""Every key binding has an id; [keymap] in the config file remaps them; the theme chosen is remembered."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import pytest
from textual.binding import Binding

import sqla_tui.tui
from sqla_tui.tui.binding_ids import BINDING_IDS
from sqla_tui.tui.screens.compose_screen import ComposeScreen
from sqla_tui.tui.widgets.statement_log import StatementLogTable
from tests.databases import TestDatabase
from tests.seeded import POSTS, USERS, seeded_db
from tests.settings_helpers import settings_home
from tests.test_tui_compose import SIZE
from tests.tui_helpers import make_app, pause_until, screen_text, settle

ON_SQLITE = pytest.mark.parametrize("seeded_db", ["sqlite"], indirect=True)
"""Keys and themes do not depend on the backend."""


def _bindings() -> list[tuple[str, Binding]]:
    """Every Binding declared by a class in sqla_tui.tui, with the class that declares it."""
    found = []
    for module_info in pkgutil.walk_packages(sqla_tui.tui.__path__, "sqla_tui.tui."):
        module = importlib.import_module(module_info.name)
        for value in vars(module).values():
            if isinstance(value, type) and value.__module__ == module.__name__:
                found += [(value.__name__, item) for item in vars(value).get("BINDINGS", []) if isinstance(item, Binding)]
    return found


def test_every_binding_has_its_own_id_and_the_list_keymaps_are_checked_against_has_them_all() -> None:
    bindings = _bindings()
    assert len(bindings) >= 40
    assert [f"{owner} {binding.key}" for owner, binding in bindings if not binding.id] == []
    ids = [binding.id for _, binding in bindings]
    assert len(ids) == len(set(ids))
    assert set(ids) == BINDING_IDS  # a binding added without its id in tui/binding_ids.py fails here


@ON_SQLITE
async def test_a_remapped_key_opens_compose_and_runs(settings_home: Path, seeded_db: TestDatabase) -> None:
    settings_home.parent.mkdir(parents=True)
    settings_home.write_text('[keymap]\n"app.compose" = "k"\n"compose.run" = "f5"\n')
    async with make_app(seeded_db.url).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("c")  # the default key no longer opens it
        await settle(pilot)
        assert not isinstance(pilot.app.screen, ComposeScreen)
        await pilot.press("k")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, ComposeScreen)
        await pilot.press(*"users", "enter")
        await settle(pilot)
        await pilot.press("down", "3")  # posts: selectin
        await pilot.press("f5")
        await settle(pilot)
        assert [run.rows for run in screen.query_one(StatementLogTable).items] == [USERS, POSTS]


@ON_SQLITE
async def test_a_broken_keymap_is_one_notification(settings_home: Path, seeded_db: TestDatabase) -> None:
    settings_home.parent.mkdir(parents=True)
    settings_home.write_text("[keymap]\n\"compose.run\" = 5\n")
    async with make_app(seeded_db.url).run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        assert "[keymap] compose.run must be keys as text" in screen_text(pilot.app)


@ON_SQLITE
async def test_a_keymap_entry_that_names_no_binding_is_said(settings_home: Path, seeded_db: TestDatabase) -> None:
    """Textual ignores an id no binding has: "compose.runn" remapped nothing and nothing said so."""
    settings_home.parent.mkdir(parents=True)
    settings_home.write_text('[keymap]\n"compose.runn" = "f5"\n"app.compose" = "k"\n')
    async with make_app(seeded_db.url).run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        shown = " ".join(screen_text(pilot.app).split())
        assert "[keymap] compose.runn is no key binding's id, so it" in shown  # the toast wraps after "it"
        assert "did you mean compose.run," in shown
        assert "app.compose" not in shown  # the known one is applied, and not complained of


@ON_SQLITE
async def test_the_theme_chosen_is_remembered(settings_home: Path, seeded_db: TestDatabase) -> None:
    settings_home.parent.mkdir(parents=True)
    settings_home.write_text('# mine\n[ui]\ntheme = "nord"  # cool colours\n')
    async with make_app(seeded_db.url).run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert pilot.app.theme == "nord"
        pilot.app.theme = "gruvbox"
        await pause_until(pilot, lambda: 'theme = "gruvbox"' in settings_home.read_text(), "the theme written")
        await settle(pilot)
    text = settings_home.read_text()
    assert text.startswith("# mine\n") and 'theme = "gruvbox"' in text
    async with make_app(seeded_db.url).run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert pilot.app.theme == "gruvbox"
