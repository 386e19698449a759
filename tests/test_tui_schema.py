"""The schema explorer: filter-as-you-type, a detail pane with every relationship, keys only, big schemas."""

from __future__ import annotations

import asyncio
import gc
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.widgets.tree import TreeNode

from sqla_tui.core.catalog import schema as schema_module
from sqla_tui.core.catalog.naming import plan_relationships
from sqla_tui.core.catalog.schema import (
    Catalog,
    ColumnInfo,
    ForeignKeyInfo,
    TableInfo,
    TableName,
    load_catalog,
)
from sqla_tui.tui.app import SqlaTuiApp
from sqla_tui.tui.screens.compose_screen import ComposeScreen
from sqla_tui.tui.screens.home_screen import HomeScreen
from sqla_tui.tui.screens.schema_screen import SchemaScreen
from sqla_tui.tui.widgets.loader_toggles import LoaderToggles
from sqla_tui.tui.widgets.relation_list import RelationList
from sqla_tui.tui.widgets.schema_tree import SchemaTree, TableRef
from sqla_tui.tui.widgets.table_detail import TableDetail
from tests.databases import TestDatabase, sqlite_file
from tests.tui_helpers import (
    DEMO_TABLES,
    DEMO_VIEW,
    create_two_tables,
    demo_cache,
    make_app,
    open_screen,
    pause_until,
    run_ddl,
    screen_text,
    settle,
    small_demo_cache,
)


async def open_schema(pilot: Pilot[None]) -> SchemaScreen:
    """``s`` once connected, then wait for the names and the catalog."""
    return await open_screen(pilot, "s", SchemaScreen)


def tree_of(app: SqlaTuiApp) -> SchemaTree:
    return app.screen.query_one(SchemaTree)


def cursor_table(app: SqlaTuiApp) -> str | None:
    """The table under the tree's cursor (or the one the node under it belongs to)."""
    node = tree_of(app).cursor_node
    return node.data.table if node is not None and node.data is not None else None


def detail_of(app: SqlaTuiApp) -> TableDetail:
    return app.screen.query_one(TableDetail)


async def test_filter_narrows_the_tree_as_you_type(demo_cache: Path) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await open_schema(pilot)
        assert tree_of(app).table_names == sorted([*DEMO_TABLES, DEMO_VIEW])
        await pilot.press("slash", *"post")
        assert tree_of(app).table_names == ["post_tags", "posts", "user_post_counts"]
        await pilot.press("s")  # typed into the filter, not the screen key
        assert tree_of(app).table_names == ["posts"]
        await pilot.press("ctrl+u", *"ORD")  # cleared, then upper case still matches
        assert tree_of(app).table_names == ["order_items", "orders"]


async def test_messages_shows_both_relationships_to_users(demo_cache: Path) -> None:
    app = make_app()
    async with app.run_test(size=(140, 45)) as pilot:
        await open_schema(pilot)
        await pilot.press("slash", *"messages", "enter")
        detail = detail_of(app)
        assert detail.rows("relationships") == [
            ("recipient", "many-to-one", "users", "messages.recipient_id"),
            ("sender", "many-to-one", "users", "messages.sender_id"),
        ]
        columns = {row[0]: row for row in detail.rows("columns")}
        assert columns["id"][3] == "PK"
        assert columns["sender_id"][3] == "FK → users.id"
        assert columns["recipient_id"][3] == "FK → users.id"
        assert [row[1] for row in detail.rows("indexes")] == ["recipient_id", "sender_id"]
        shown = screen_text(app)
        assert "messages  ·  table  ·  50 rows" in shown  # SQLite: counted, so no "~"
        assert "messages.sender_id" in shown and "messages.recipient_id" in shown


async def test_users_keeps_both_message_collections(demo_cache: Path) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        screen = await open_schema(pilot)
        screen.reveal("users")
        await pilot.pause()
        relationships = {row[0]: row[1:3] for row in detail_of(app).rows("relationships")}
        assert relationships["messages_sender"] == ("one-to-many", "messages")
        assert relationships["messages_recipient"] == ("one-to-many", "messages")
        assert relationships["profile"] == ("one-to-one", "profiles")


async def test_keyboard_only_from_home_list_into_a_table_and_back(demo_cache: Path) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await settle(pilot)
        names = app.home.query_one(RelationList).names
        await pilot.press(*["down"] * names.index("messages"), "enter")
        await settle(pilot)
        assert isinstance(app.screen, SchemaScreen)
        tree = tree_of(app)
        assert tree.has_focus and cursor_table(app) == "messages"
        assert detail_of(app).rows("relationships")[1][0] == "sender"
        await pilot.press("right")  # open messages
        await pilot.press("right", "right")  # into "columns", then its first column
        assert str(tree.cursor_node.label).startswith("id  INTEGER  PK") if tree.cursor_node else False
        await pilot.press("left", "left", "left", "left")  # out to columns, close it, out to messages, close it
        assert cursor_table(app) == "messages" and tree.cursor_node is not None
        assert not tree.cursor_node.is_expanded
        await pilot.press("down")
        await pilot.pause()
        assert detail_of(app).query_one("#detail-title").render().plain.startswith("order_items")
        await pilot.press("tab")
        assert detail_of(app).has_focus
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("s")  # the same screen comes back as it was left
        assert cursor_table(app) == "order_items"
        await pilot.press("slash", "escape")
        assert tree_of(app).has_focus
        await pilot.press("q")
        await pilot.pause()
    assert not app.is_running


async def test_views_are_marked_and_get_no_row_estimate(demo_cache: Path) -> None:
    app = make_app()
    async with app.run_test(size=(140, 45)) as pilot:
        screen = await open_schema(pilot)
        screen.reveal(DEMO_VIEW)
        await pilot.pause()
        assert detail_of(app).query_one("#detail-title").render().plain.startswith(f"{DEMO_VIEW}  ·  view")
        assert f"{DEMO_VIEW}  view" in screen_text(app)


BIG = 2000


def big_catalog() -> Catalog:
    """2,000 tables of 15 columns, each referring to the one before: a normal production schema."""
    columns = tuple(ColumnInfo(f"c{i}", "VARCHAR(20)", True, None, False) for i in range(13))
    tables = tuple(
        TableInfo(
            schema="main",
            name=f"t_{n:04d}",
            kind="table",
            columns=(
                ColumnInfo("id", "INTEGER", False, None, True),
                ColumnInfo("prev_id", "INTEGER", True, None, False),
                *columns,
            ),
            primary_key=("id",),
            foreign_keys=(ForeignKeyInfo(None, ("prev_id",), "main", f"t_{max(n - 1, 0):04d}", ("id",)),),
            unique_constraints=(),
            indexes=(),
            row_estimate=None,
        )
        for n in range(BIG)
    )
    return Catalog("sqlite", "main", "main", ("main",), tables)


class TreeApp(App[None]):
    """Just the schema tree, to count its nodes without a database."""

    def compose(self) -> ComposeResult:
        yield SchemaTree()


def node_count(node: TreeNode[TableRef]) -> int:
    return 1 + sum(node_count(child) for child in node.children)


async def test_two_thousand_tables_build_one_level_and_open_lazily() -> None:
    catalog = big_catalog()
    app = TreeApp()
    async with app.run_test() as pilot:
        tree = app.query_one(SchemaTree)
        await tree.show_names("main", [TableName(t.schema, t.name, t.kind) for t in catalog.tables], cursor=True)
        assert tree.last_line == BIG  # the schema's line, then every table's: laid out once all are in
        plan = plan_relationships(catalog.tables)
        await tree.show_catalog(catalog, plan)
        assert node_count(tree.root) == 2 + BIG  # root, schema, tables: not 2,000 x 15
        tree.focus()
        await pilot.press("right")  # open t_0000
        relationships = len(plan.relationships("t_0000"))
        opened = (1 + 15) + (1 + 2) + (1 + relationships)  # columns, keys, relationships
        assert node_count(tree.root) == 2 + BIG + opened
        tree.filter_text = "t_199"
        assert tree.table_names == [f"t_{n}" for n in range(1990, 2000)]


async def test_row_estimates_arriving_with_the_catalog_make_the_tree_as_wide_as_its_widest_line() -> None:
    """Labels are measured ahead of the relayout, in slices: the tree must still scroll exactly to its widest line."""
    widest = "t_1234"
    catalog = big_catalog()
    tables = tuple(replace(t, row_estimate=123_456_789 if t.name == widest else 7) for t in catalog.tables)
    catalog = replace(catalog, tables=tables)
    app = TreeApp()
    async with app.run_test() as pilot:
        tree = app.query_one(SchemaTree)
        await tree.show_names("main", [TableName(t.schema, t.name, t.kind) for t in tables], cursor=True)
        before = tree.virtual_size.width
        await tree.show_catalog(catalog, plan_relationships(tables))
        assert tree.select_table(widest)
        await pilot.pause()
        line = next(strip.text for strip in tree.render_lines(tree.size.region) if widest in strip.text)
        assert line.rstrip().endswith(f"{widest}  ~123,456,789 rows")
        assert tree.virtual_size.width == len(line.rstrip()) > before


async def test_a_filter_typed_while_names_are_still_being_added_wins() -> None:
    app = TreeApp()
    async with app.run_test():
        tree = app.query_one(SchemaTree)
        names = [TableName("main", f"t_{n:04d}", "table") for n in range(BIG)]
        adding = asyncio.ensure_future(tree.show_names("main", names, cursor=True))
        await asyncio.sleep(0)  # the first slice is in, the rest still to come
        assert 0 < len(tree.table_names) < BIG
        tree.filter_text = "t_199"
        await adding
        assert tree.table_names == [f"t_{n}" for n in range(1990, 2000)]
        tree.filter_text = ""
        assert len(tree.table_names) == BIG


@pytest.fixture(scope="module")
def big_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same 2,000 tables in a SQLite file."""
    path = tmp_path_factory.mktemp("big") / "big.db"
    columns = ", ".join(f"c{i} VARCHAR(20)" for i in range(13))
    statements = (
        f"CREATE TABLE t_{n:04d} (id INTEGER PRIMARY KEY, "
        f"prev_id INTEGER REFERENCES t_{max(n - 1, 0):04d}(id), {columns});"
        for n in range(BIG)
    )
    sqlite_file(path, "BEGIN;" + "".join(statements) + "COMMIT;")
    return path


async def test_big_schema_paints_names_and_opens_tables_while_the_catalog_loads(
    big_sqlite: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The catalog is held back until a table is open: SQLite reads these 2,000 tables in under a second, too soon
    to open one first, and what is tested is that names paint, and a table opens, before any catalog is in."""
    release = asyncio.Event()

    async def held_back(*args: Any, **kwargs: Any) -> Catalog:
        await release.wait()
        return await load_catalog(*args, **kwargs)  # the real read, once released

    monkeypatch.setattr(schema_module, "load_catalog", held_back)
    app = make_app(f"sqlite:///{big_sqlite}")
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("s")
        await pause_until(pilot, lambda: len(tree_of(app).table_names) == BIG, "2,000 names")
        assert any(worker.group == "schema-catalog" and worker.is_running for worker in app.workers)
        tree = tree_of(app)
        await pilot.press("right")  # open t_0000 before its details exist
        opened = tree.root.children[0].children[0]
        assert [str(node.label) for node in opened.children] == ["loading catalog…"]
        assert detail_of(app).loading
        release.set()
        await pause_until(pilot, lambda: not detail_of(app).loading, "the catalog")
        assert [str(node.label) for node in opened.children] == ["columns (15)", "keys (2)", "relationships (3)"]


async def test_schema_screen_on_each_backend(empty_db: TestDatabase) -> None:
    create_two_tables(empty_db)
    app = make_app(empty_db.url)
    async with app.run_test() as pilot:
        screen = await open_schema(pilot)
        assert tree_of(app).table_names == ["authors", "books"]
        assert gc.isenabled()  # the collector's pause for the catalog load is over
        screen.reveal("books")
        await pilot.pause()
        assert detail_of(app).rows("relationships") == [("author", "many-to-one", "authors", "books.author_id")]
        screen.reveal("authors")
        await pilot.pause()
        assert detail_of(app).rows("relationships") == [("books", "one-to-many", "books", "books.author_id")]


@pytest.mark.parametrize("backend", ["postgresql"])
async def test_other_schemas_load_when_opened(empty_db: TestDatabase) -> None:
    create_two_tables(empty_db)
    run_ddl(
        empty_db,
        "CREATE SCHEMA billing",
        "CREATE TABLE billing.customers (id INTEGER PRIMARY KEY)",
        "CREATE TABLE billing.invoices (id INTEGER PRIMARY KEY, customer_id INTEGER REFERENCES billing.customers(id))",
    )
    app = make_app(empty_db.url)
    async with app.run_test(size=(140, 40)) as pilot:
        await open_schema(pilot)
        tree = tree_of(app)
        assert tree.schema_names == ["public", "billing"]
        assert tree.table_names == ["authors", "books"]  # billing's names are not read until it is opened
        await pilot.press("end", "right")  # the billing schema, opened
        await pause_until(pilot, lambda: tree.table_names == ["authors", "books", "customers", "invoices"], "billing")
        await pilot.press("right", "down")  # into billing: customers, then invoices
        await settle(pilot)
        assert cursor_table(app) == "invoices"
        assert detail_of(app).rows("relationships") == [
            ("customer", "many-to-one", "customers", "invoices.customer_id")
        ]
        await pilot.press("slash", *"o")  # the filter reaches every opened schema
        assert tree.table_names == ["authors", "books", "customers", "invoices"]
        await pilot.press("i")
        assert tree.table_names == ["invoices"]


async def test_c_composes_over_the_table_under_the_cursor(demo_cache: Path) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await open_schema(pilot)
        await pilot.press("slash", *"comments", "enter")  # c typed into the filter is just a letter
        assert cursor_table(app) == "comments"
        await pilot.press("c")
        await settle(pilot)
        compose = app.screen
        assert isinstance(compose, ComposeScreen) and app.screen_stack == [app.home, compose]
        assert compose.composer is not None and compose.composer.root == "comments" and compose.query_one(LoaderToggles).has_focus


async def test_a_view_over_a_dropped_table_is_named_and_the_rest_is_described(tmp_path: Path) -> None:
    """The database lists the view but cannot describe it: one warning, the reason in its detail and its node."""
    path = sqlite_file(
        tmp_path / "broken_view.db",
        "CREATE TABLE gone (id INTEGER PRIMARY KEY); CREATE TABLE kept (id INTEGER PRIMARY KEY);"
        "CREATE VIEW orphan AS SELECT id FROM gone; DROP TABLE gone;",
    )
    why = "no such table: main.gone"
    app = make_app(f"sqlite:///{path}")
    async with app.run_test(size=(160, 40), notifications=True) as pilot:
        await open_schema(pilot)
        assert tree_of(app).table_names == ["kept", "orphan"]
        assert [row[0] for row in detail_of(app).rows("columns")] == ["id"]
        shown = " ".join(screen_text(app).split())
        assert "could not describe orphan:" in shown  # the warning, which wraps the rest of its line
        await pilot.press("down")
        assert cursor_table(app) == "orphan"
        assert detail_of(app).rows("columns") == []
        assert f"the database could not describe it: {why}" in " ".join(screen_text(app).split())
        await pilot.press("right")
        assert [str(child.label) for child in tree_of(app).cursor_node.children] == [f"could not be described: {why}"]


async def test_a_tables_checks_show_in_its_detail_and_its_node(tmp_path: Path) -> None:
    path = sqlite_file(
        tmp_path / "checked.db",
        "CREATE TABLE prices (id INTEGER PRIMARY KEY, low INTEGER, high INTEGER, "
        "CONSTRAINT ck_range CHECK (low < high), CHECK (high < 1000));",
    )
    app = make_app(f"sqlite:///{path}")
    async with app.run_test(size=(160, 40)) as pilot:
        await open_schema(pilot)
        assert detail_of(app).rows("checks") == [("ck_range", "low < high"), ("(unnamed)", "high < 1000")]
        await pilot.press("right")
        groups = {str(child.label): child for child in tree_of(app).cursor_node.children}
        assert [str(leaf.label) for leaf in groups["checks (2)"].children] == ["ck_range: low < high", "high < 1000"]
