"""The app's screens show hostile identifiers exactly, and never a password."""

from __future__ import annotations

from pathlib import Path

import pytest

from sqla_tui.tui.screens.compose_screen import ComposeScreen
from sqla_tui.tui.screens.pool_screen import PoolScreen
from sqla_tui.tui.screens.schema_screen import SchemaScreen
from sqla_tui.tui.widgets.schema_tree import SchemaTree
from sqla_tui.tui.widgets.server_banner import ServerBanner
from sqla_tui.tui.widgets.table_detail import TableDetail
from tests.databases import TestDatabase, database_fixture, sqlite_file
from tests.demo_database import _load
from tests.hostile_database import NOTES_TABLE, USER_ATTRIBUTES, hostile_db
from tests.tui_helpers import make_app, open_screen, screen_text, settle

SECRET = "Zq9_s3cret_PW"
pg_demo = database_fixture("pg_demo", _load, backends=("postgresql",))


async def test_schema_screen_shows_hostile_identifiers(hostile_db: TestDatabase) -> None:
    app = make_app(hostile_db.url)
    async with app.run_test(size=(140, 45)) as pilot:
        screen = await open_screen(pilot, "s", SchemaScreen)
        assert app.screen.query_one(SchemaTree).table_names == [NOTES_TABLE, "order", "user"]
        screen.reveal("order")
        await pilot.pause()
        detail = app.screen.query_one(TableDetail)
        assert [row[0] for row in detail.rows("columns")] == ["id", "user id (attribute user_id)", "from (attribute from_)"]
        assert detail.rows("relationships")[0][1:] == ("many-to-one", "user", "order.user id")
        screen.reveal("user")
        await pilot.pause()
        assert [row[0] for row in detail.rows("columns")] == [
            column if attribute == column else f"{column} (attribute {attribute})"
            for column, attribute in USER_ATTRIBUTES.items()
        ]
        assert "ünï cödé (attribute ünï_cödé)" in screen_text(app)


async def test_names_that_look_like_markup_are_shown_as_names(tmp_path: Path) -> None:
    """A table ``[/]`` and a column ``[b]c[/b]``: Textual reads a plain string as markup, where ``[/]`` crashed the composer."""
    database = sqlite_file(tmp_path / "markup.db", 'CREATE TABLE "[/]" (id INTEGER PRIMARY KEY, "[b]c[/b]" TEXT); INSERT INTO "[/]" VALUES (1, \'[/x]\');')
    app = make_app(f"sqlite:///{database}")
    async with app.run_test(size=(160, 45), notifications=True) as pilot:
        await open_screen(pilot, "c", ComposeScreen)
        await pilot.press("down", "enter")  # the only root
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        shown = " ".join(screen_text(app).split())
        assert "composing over [/]" in shown or "1 statement, 1 row received" in shown
        assert '"[/]"."[b]c[/b]"' in shown and "_b_c__b_='[/x]'" in shown
        await pilot.press("e")  # EXPLAIN the statement under the cursor: its SQL is in the status line
        await settle(pilot)
        assert 'SELECT "[/]".id, "[/]"."[b]c[/b]" FROM "[/]"' in " ".join(screen_text(app).split())
        assert "MarkupError" not in screen_text(app)


PASSWORD_FORMS = {
    "userinfo": lambda url: url.replace("postgresql://postgres@", f"postgresql://postgres:{SECRET}@"),
    "query": lambda url: f"{url}?password={SECRET}",
    "unencoded-at": lambda url: url.replace("postgresql://postgres@", f"postgresql://postgres:pw@{SECRET}@"),
}


@pytest.mark.parametrize("form", PASSWORD_FORMS)
async def test_no_screen_shows_the_password(pg_demo: TestDatabase, form: str) -> None:
    """PostgreSQL here trusts local connections, so a URL with a password connects and every screen can be read."""
    app = make_app(PASSWORD_FORMS[form](pg_demo.url))
    async with app.run_test(size=(140, 45), notifications=True) as pilot:
        await settle(pilot)
        assert app.workbench is not None
        shown = [screen_text(app), app.workbench.info.url, app.home.query_one(ServerBanner).render().plain]
        for key, kind in (("s", SchemaScreen), ("p", PoolScreen), ("c", ComposeScreen)):
            await pilot.press("escape")
            await settle(pilot)
            await open_screen(pilot, key, kind)
            shown.append(screen_text(app))
        assert "postgres:***@" in shown[2] or "postgres@" in shown[2]  # the banner's URL, masked (cut on screen at 140)
        assert all(SECRET not in text for text in shown)
