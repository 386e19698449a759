"""The home screen offers the saved connections and the demo when no URL is given; a password is asked in a masked field."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from sqla_tui.cli import app as cli
from sqla_tui.core.connect.target import Target
from sqla_tui.tui.app import SqlaTuiApp
from sqla_tui.tui.screens.password_modal import PasswordModal
from sqla_tui.tui.widgets.connection_list import ConnectionList
from sqla_tui.tui.widgets.relation_list import RelationList
from sqla_tui.tui.widgets.server_banner import ServerBanner
from tests.databases import TestDatabase
from tests.seeded import seeded_db
from tests.settings_helpers import PASSWORD, mariadb_user_with_password, no_keyring, settings_home
from tests.tui_helpers import DEMO_TABLES, demo_cache, make_app, pause_until, screen_text, settle, small_demo_cache

SEEDED_TABLES = ["comments", "post_tags", "posts", "tags", "users"]


def names(app: SqlaTuiApp) -> list[str]:
    return app.home.query_one(RelationList).names


async def choose(pilot, name: str, *, asks: bool = False) -> None:  # type: ignore[no-untyped-def]
    """Enter on ``name`` in the list; with ``asks``, wait for the password field instead of the connection."""
    listing = pilot.app.home.query_one(ConnectionList)
    listing.focus()
    listing.highlighted = next(i for i in range(listing.option_count) if listing.get_option_at_index(i).id == name)
    await pilot.press("enter")
    if asks:
        await pause_until(pilot, lambda: isinstance(pilot.app.screen, PasswordModal), "the password field")
    else:
        await settle(pilot)


@pytest.mark.parametrize("seeded_db", ["mariadb"], indirect=True)
async def test_a_saved_connection_is_offered_and_its_password_asked(
    settings_home: Path, demo_cache: Path, no_keyring: None, mariadb_user_with_password: str
) -> None:
    typed = mariadb_user_with_password.replace("@", ":s3cr%3Aet%40pw@", 1)
    assert CliRunner().invoke(cli, ["connections", "add", "shop", typed]).exit_code == 0
    app = make_app()
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await settle(pilot)
        assert set(DEMO_TABLES) <= set(names(app))  # the demo opens meanwhile
        listing = app.home.query_one(ConnectionList)
        assert [listing.get_option_at_index(i).id for i in range(listing.option_count)] == ["shop", "demo"]
        await choose(pilot, "shop", asks=True)
        await pilot.press(*"wrong", "enter")
        await settle(pilot)
        assert app.failed and "authentication failed for user" in screen_text(app)
        assert "wrong" not in screen_text(app)
        await choose(pilot, "shop", asks=True)
        await pilot.press(*PASSWORD, "enter")
        await settle(pilot)
        await pause_until(pilot, lambda: names(app) == SEEDED_TABLES, "the saved connection's tables")
        assert app.target.name == "shop" and app.home.query_one(ServerBanner).info is not None
        assert PASSWORD not in screen_text(app)
        await pilot.press("s")  # a screen on the new connection
        await settle(pilot)
        await pilot.press("escape")
        await choose(pilot, "demo")  # and back
        await pause_until(pilot, lambda: set(DEMO_TABLES) <= set(names(app)), "the demo's tables")
        assert app.target == Target(None)


@pytest.mark.parametrize("seeded_db", ["sqlite"], indirect=True)
async def test_no_list_when_a_url_is_given(settings_home: Path, seeded_db: TestDatabase) -> None:
    CliRunner().invoke(cli, ["connections", "add", "seeded", seeded_db.url])
    app = make_app(seeded_db.url)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert not app.home.query(ConnectionList)
