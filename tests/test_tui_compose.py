"""The compose screen by keyboard alone: pick a root, toggle loaders, preview, run, read the log."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text
from textual.pilot import Pilot
from textual.widgets import Input, OptionList

from sqla_tui.core.connect.engine import connect
from sqla_tui.tui.screens.compose_screen import ComposeScreen
from sqla_tui.tui.screens.explain_screen import ExplainScreen
from sqla_tui.tui.widgets.code_preview import CodePreview
from sqla_tui.tui.widgets.loader_toggles import LoaderToggles
from sqla_tui.tui.widgets.results_tree import ResultsTree
from sqla_tui.tui.widgets.statement_log import StatementLogTable
from tests.databases import TestDatabase, create_database, run_async
from tests.seeded import COMMENTS, POSTS, USERS, seed, seeded_db
from tests.tui_helpers import make_app, screen_text, settle

SIZE = (180, 50)
ON_SQLITE = pytest.mark.parametrize("seeded_db", ["sqlite"], indirect=True)


async def press_compose(pilot: Pilot[None]) -> ComposeScreen:
    """From the home screen, once connected: ``c``."""
    await settle(pilot)
    await pilot.press("c")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ComposeScreen)
    return screen


async def open_compose(pilot: Pilot[None], root: str = "users") -> ComposeScreen:
    """``c``, then the root picked with arrows and Enter."""
    screen = await press_compose(pilot)
    roots = screen.query_one("#compose-roots", OptionList)
    assert screen.query_one("#compose-root-filter", Input).has_focus  # typing narrows the list at once
    names = [roots.get_option_at_index(index).id for index in range(roots.option_count)]
    assert names == ["comments", "posts", "tags", "users", "post_tags"]  # the association table after the classes
    await pilot.press("down")  # into the list
    assert roots.has_focus
    await pilot.press(*["down"] * names.index(root), "enter")
    await settle(pilot)
    assert screen.query_one(LoaderToggles).has_focus
    return screen


async def toggle(pilot: Pilot[None], *keys: str) -> None:
    await pilot.press(*keys)
    await pilot.pause()


def cursor_path(screen: ComposeScreen) -> str:
    node = screen.query_one(LoaderToggles).cursor_node
    assert node is not None and node.data is not None
    return node.data.path


def logged_rows(screen: ComposeScreen) -> list[int]:
    return [run.rows for run in screen.query_one(StatementLogTable).items]


async def test_selectin_chain_previews_then_runs_three_statements(seeded_db: TestDatabase) -> None:
    app = make_app(seeded_db.url)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_compose(pilot)
        assert cursor_path(screen) == "comments"  # users.comments (as author) sorts before posts
        await toggle(pilot, "down")
        assert cursor_path(screen) == "posts"
        await toggle(pilot, "space", "space", "space")  # default -> select -> joined -> selectin
        await toggle(pilot, "right", "down")
        assert cursor_path(screen) == "posts.comments"
        await toggle(pilot, "3")  # selectin, picked by number
        python = screen.query_one("#compose-python", CodePreview).code
        assert "selectinload(User.posts).selectinload(Post.comments)" in python
        sql = screen.query_one("#compose-sql", CodePreview).code
        assert sql.startswith("SELECT users.id,") and "posts" not in sql  # selectin adds no JOIN
        assert screen.query_one(StatementLogTable).items == []  # nothing ran yet

        await pilot.press("r")
        await settle(pilot)
        assert logged_rows(screen) == [USERS, POSTS, COMMENTS]
        assert [run.origin for run in screen.query_one(StatementLogTable).items] == [
            "main query",
            "selectinload User.posts",
            "selectinload Post.comments",
        ]
        summary = " ".join(screen_text(app).split())
        assert f"3 statements, {USERS + POSTS + COMMENTS} rows received" in summary
        assert len(screen.query_one(ResultsTree).root.children) == USERS

        await pilot.press("down")  # the log has focus; the second statement shows in full
        await pilot.pause()
        assert screen.selected_statement is not None and screen.selected_statement.rows == POSTS
        detail = screen.query_one("#compose-statement", CodePreview).code
        assert "FROM posts" in detail and f"rows {POSTS}" in detail

        await pilot.press("e")  # EXPLAIN that statement, with the parameters it ran with
        await settle(pilot)
        explain = app.screen
        assert isinstance(explain, ExplainScreen) and explain.result is not None
        assert (explain.sql, explain.params) == (screen.selected_statement.sql, screen.selected_statement.params)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen


@ON_SQLITE
async def test_typing_narrows_the_roots_and_joined_previews_its_join(seeded_db: TestDatabase) -> None:
    app = make_app(seeded_db.url)
    async with app.run_test(size=SIZE) as pilot:
        screen = await press_compose(pilot)
        await pilot.press(*"PO")  # any case
        roots = screen.query_one("#compose-roots", OptionList)
        assert [roots.get_option_at_index(i).id for i in range(roots.option_count)] == ["posts", "post_tags"]
        await pilot.press("enter")  # the first match
        await settle(pilot)
        assert screen.composer is not None and screen.composer.root == "posts"
        await toggle(pilot, "down", "down", "2")  # Post.user, a to-one: joined
        assert cursor_path(screen) == "user"
        assert "joinedload(Post.user)" in screen.query_one("#compose-python", CodePreview).code
        assert "LEFT OUTER JOIN users AS users_1" in screen.query_one("#compose-sql", CodePreview).code
        await toggle(pilot, "0")  # back to the default: no options at all
        assert "options" not in screen.query_one("#compose-python", CodePreview).code


@ON_SQLITE
async def test_touching_lazy_posts_flags_the_n_plus_one(seeded_db: TestDatabase) -> None:
    app = make_app(seeded_db.url)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_compose(pilot)
        await toggle(pilot, "down", "space", "t")  # posts: select (lazy), touched
        await pilot.press("r")
        await settle(pilot)
        runs = screen.query_one(StatementLogTable).items
        assert [(run.count, run.rows) for run in runs] == [(1, USERS), (USERS, POSTS)]
        assert runs[1].is_n_plus_one and runs[1].origin == "lazy load User.posts (touched)"
        shown = screen_text(app)
        assert "N+1 #2-11 (x10)" in shown
        await pilot.press("down", "right_square_bracket", "right_square_bracket")  # the third lazy load
        await pilot.pause()
        assert screen.selected_statement is runs[1].statements[2]
        assert "-- statement 3 of 10 in #2-11 (x10)" in screen.query_one("#compose-statement", CodePreview).code
        assert f"N+1: User.posts ran {USERS} times" in " ".join(shown.split())


@ON_SQLITE
async def test_bad_filter_is_a_notification_and_the_screen_keeps_working(seeded_db: TestDatabase) -> None:
    app = make_app(seeded_db.url)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_compose(pilot)
        await pilot.press("f", "e")  # nothing chosen to compare, nothing run to explain: said, not crashed
        await pilot.pause()
        shown = " ".join(screen_text(app).split())
        assert "toggle or touch a relationship first" in shown and "run the query, then pick a statement" in shown
        assert app.screen is screen
        await pilot.press("slash", *"nope > 3", "enter")
        await pilot.pause()
        assert "unknown column 'nope' on User" in " ".join(screen_text(app).split())
        assert screen.composer is not None and screen.composer.spec.filters == []
        await pilot.press("ctrl+a", "ctrl+k", *"id <= 4", "enter")
        await pilot.pause()
        assert [(f.column, f.op, f.value) for f in screen.composer.spec.filters] == [("id", "<=", "4")]
        assert ".where(User.id <= 4)" in screen.query_one("#compose-python", CodePreview).code
        await pilot.press("escape", "o", *"nope:down", "enter")
        await pilot.pause()
        assert "cannot read order 'nope:down'" in " ".join(screen_text(app).split())
        await pilot.press("ctrl+a", "ctrl+k", *"name:desc", "enter")
        await pilot.pause()
        assert ".order_by(User.name.desc())" in screen.query_one("#compose-python", CodePreview).code
        await pilot.press("r")  # the order field handed focus back to the loaders
        await settle(pilot)
        assert logged_rows(screen) == [4]
        assert [root.data.values["id"] for root in screen.query_one(ResultsTree).root.children] == [4, 3, 2, 1]


@ON_SQLITE
async def test_a_dash_in_the_order_field_turns_the_primary_key_order_off(seeded_db: TestDatabase) -> None:
    app = make_app(seeded_db.url)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_compose(pilot)
        python, sql = screen.query_one("#compose-python", CodePreview), screen.query_one("#compose-sql", CodePreview)
        assert screen.query_one("#compose-order", Input).placeholder.startswith("id · - none")
        assert ".order_by(User.id)" in python.code and "ORDER BY users.id" in sql.code  # limit 100: ordered by the key
        await pilot.press("o", "-", "enter")
        await pilot.pause()
        assert ".order_by(" not in python.code and "ORDER BY" not in sql.code and "LIMIT" in sql.code
        await pilot.press("r")
        await settle(pilot)
        assert "ORDER BY" not in screen.query_one(StatementLogTable).items[0].statements[0].sql
        await pilot.press("o", "backspace", "enter")  # an empty field: the default again
        await pilot.pause()
        assert ".order_by(User.id)" in python.code and "ORDER BY users.id" in sql.code


@ON_SQLITE
async def test_copy_keys_put_python_and_sql_on_the_clipboard(seeded_db: TestDatabase) -> None:
    app = make_app(seeded_db.url)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_compose(pilot)
        await toggle(pilot, "down", "3", "y")
        assert "selectinload(User.posts)" in app.clipboard
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("Y")
        assert app.clipboard.startswith("SELECT users.id")
        assert screen.selected_statement is not None and app.clipboard == screen.selected_statement.sql



@ON_SQLITE
async def test_a_root_chosen_elsewhere_is_preselected_and_raise_refusals_are_summed(seeded_db: TestDatabase) -> None:
    app = make_app(seeded_db.url)
    async with app.run_test(size=SIZE) as pilot:
        screen = await press_compose(pilot)
        screen.choose_root("posts")  # what the schema screen hands over
        await settle(pilot)
        assert screen.composer is not None and screen.composer.root == "posts" and screen.query_one("#compose-roots", OptionList).highlighted == 1
        assert cursor_path(screen) == "comments"
        await toggle(pilot, "6", "t")  # raise, and touch it as application code would
        assert "raiseload(Post.comments)" in screen.query_one("#compose-python", CodePreview).code
        await pilot.press("r")
        await settle(pilot)
        assert logged_rows(screen) == [POSTS]
        assert f"raise: Post.comments refused {POSTS}×" in " ".join(screen_text(app).split())

        results = screen.query_one(ResultsTree)
        results.focus()
        await pilot.press("space")  # open the first post: its columns; comments were never loaded
        await pilot.pause()
        first = results.root.children[0]
        assert str(first.label).startswith("Post(1)")
        assert [str(child.label) for child in first.children][:2] == ["id = 1", "user_id = 1"]


@pytest.fixture
def seeded_file(tmp_path: Path) -> TestDatabase:
    """A seeded SQLite file of this test's own, for a test that changes it under the app."""
    database = create_database("sqlite", tmp_path)
    run_async(seed(database.url))
    return database


async def compose_then_drop_posts(pilot: Pilot[None], database: TestDatabase) -> ComposeScreen:
    """Compose over users with posts selectin-loaded, then drop posts outside the app: mapped, but gone."""
    screen = await open_compose(pilot)
    await toggle(pilot, "down", "3")
    with sqlite3.connect(database.path) as conn:
        conn.execute("DROP TABLE posts")
    return screen


async def test_a_database_error_during_the_run_is_one_line_and_the_screen_keeps_working(
    seeded_file: TestDatabase,
) -> None:
    app = make_app(seeded_file.url)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await compose_then_drop_posts(pilot, seeded_file)
        await pilot.press("r")
        await settle(pilot)
        shown = screen_text(app)
        assert ": no such table: posts" in " ".join(shown.split())
        assert not screen.query_one(StatementLogTable).loading
        await pilot.press("0", "r")  # without the posts loader the query runs again
        await settle(pilot)
        assert logged_rows(screen) == [USERS]


_WAITING_RUN = (
    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
    "AND state = 'active' AND query LIKE 'SELECT users.id%'"
)


@pytest.mark.parametrize("seeded_db", ["postgresql"], indirect=True)  # MariaDB's kill path: test_cancel, explain
async def test_x_cancels_a_run_stuck_on_the_server(seeded_db: TestDatabase) -> None:
    app = make_app(seeded_db.url)
    locker, _ = await connect(seeded_db.url)

    async def waiting(until: int) -> int:
        """Our runs on the server, polled up to 2 s until there are ``until`` (a fresh transaction each: a new snapshot)."""
        for _ in range(40):
            async with locker.connect() as probe:
                count = int(await probe.scalar(text(_WAITING_RUN)))
            if count == until:
                break
            await pilot.pause(0.05)
        return count

    try:
        async with app.run_test(size=SIZE, notifications=True) as pilot, locker.connect() as lock:
            screen = await open_compose(pilot)
            await lock.begin()
            await lock.execute(text("LOCK TABLE users IN ACCESS EXCLUSIVE MODE"))  # the run's SELECT waits on it
            await pilot.press("r")
            assert await waiting(until=1) == 1 and screen.running
            await pilot.press("x")
            await pilot.pause()
            assert not screen.running and not screen.query_one(StatementLogTable).loading
            shown = " ".join(screen_text(app).split())
            assert "run cancelled · r runs again" in shown and "Cancelled" in shown
            assert await waiting(until=0) == 0
            await lock.rollback()
            await pilot.press("r")
            await settle(pilot)
            assert logged_rows(screen) == [USERS]
    finally:
        await locker.dispose()
