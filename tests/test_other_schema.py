"""Queries over a table outside the connection's default schema: ``--schema`` on the query commands, ``c`` in the schema screen.

The default schema and the other one each hold an ``orders`` table, with
different rows, so a query that silently fell back to the default schema
gives other numbers. PostgreSQL's other schema is named ``Sales Dept`` (a
space and a capital); MariaDB's is a second database.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.pilot import Pilot
from typer.testing import CliRunner

from sqla_tui.cli import app
from sqla_tui.tui.screens.compose_screen import ComposeScreen
from tests.databases import TestDatabase, create_database
from tests.tui_helpers import make_app, open_screen, pause_until, run_ddl, screen_text, settle

runner = CliRunner()

DEFAULT_ORDERS = 3
OTHER_ORDERS, ITEMS_EACH = 5, 2


def _ddl(qualify: str) -> list[str]:
    """``orders`` and ``items`` (a foreign key to it) in the schema ``qualify`` prefixes, with rows."""
    orders = ", ".join(f"({n})" for n in range(1, OTHER_ORDERS + 1))
    items = ", ".join(f"({n * 10 + k}, {n})" for n in range(1, OTHER_ORDERS + 1) for k in range(ITEMS_EACH))
    return [
        f"CREATE TABLE {qualify}orders (id INTEGER PRIMARY KEY)",
        f"CREATE TABLE {qualify}items (id INTEGER PRIMARY KEY, order_id INTEGER REFERENCES {qualify}orders(id))",
        f"INSERT INTO {qualify}orders (id) VALUES {orders}",
        f"INSERT INTO {qualify}items (id, order_id) VALUES {items}",
    ]


@pytest.fixture(params=["postgresql", "mariadb"])
def two_schemas(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestDatabase, str]]:
    """A database whose default schema has 3 orders and whose other schema has 5, each with 2 items; (db, other)."""
    database = create_database(request.param, tmp_path_factory.mktemp("db"))
    other = "Sales Dept" if request.param == "postgresql" else f"{database.name}-sales"
    quoted = f'"{other}".' if request.param == "postgresql" else f"`{other}`."
    try:
        run_ddl(database, f"CREATE SCHEMA {quoted[:-1]}", *_ddl(quoted))
        run_ddl(database, "CREATE TABLE orders (id INTEGER PRIMARY KEY)", "INSERT INTO orders (id) VALUES (1), (2), (3)")
        yield database, other
    finally:
        if request.param == "mariadb":
            run_ddl(database, f"DROP DATABASE IF EXISTS `{other}`")
        database.drop()


def _cli(*args: str) -> dict:
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_query_over_the_other_schema_counts_its_rows(two_schemas: tuple[TestDatabase, str]) -> None:
    database, other = two_schemas
    data = _cli("query", database.url, "orders", "--schema", other, "--load", "items=selectin")
    assert [s["rows"] for s in data["statements"]] == [OTHER_ORDERS, OTHER_ORDERS * ITEMS_EACH]
    assert all(other in s["sql"] for s in data["statements"])  # every statement names the schema
    assert data["summary"]["root_rows"] == OTHER_ORDERS
    assert _cli("query", database.url, "orders")["summary"]["root_rows"] == DEFAULT_ORDERS  # the default is unchanged


def test_fanout_and_explain_over_the_other_schema(two_schemas: tuple[TestDatabase, str]) -> None:
    database, other = two_schemas
    fanout = _cli("fanout", database.url, "orders", "--schema", other, "--path", "items", "--runs", "1")
    statements = {plan["strategy"]: plan["statements"] for plan in fanout["results"]}
    assert statements["joined"] == 1 and statements["selectin"] == 2 and statements["select"] == 1 + OTHER_ORDERS
    assert {plan["rows"] for plan in fanout["results"] if plan["strategy"] == "joined"} == {OTHER_ORDERS * ITEMS_EACH}
    plan = _cli("explain", database.url, "orders", "--schema", other)
    assert other in plan["statement"]


def test_a_saved_spec_and_the_history_keep_the_schema(two_schemas: tuple[TestDatabase, str], tmp_path: Path) -> None:
    database, other = two_schemas
    saved = tmp_path / "spec.json"
    _cli("query", database.url, "orders", "--schema", other, "--save", str(saved))
    assert json.loads(saved.read_text())["schema"] == other
    assert _cli("query", database.url, "--spec", str(saved))["summary"]["root_rows"] == OTHER_ORDERS
    _cli("query", database.url, "orders", "--save", str(saved))
    assert "schema" not in json.loads(saved.read_text())  # a default-schema spec reads as it always did
    listed = runner.invoke(app, ["history", database.url])
    assert f"{other}.orders · limit 100" in listed.stdout
    assert _cli("query", database.url, "--spec", "@2")["summary"]["root_rows"] == OTHER_ORDERS


def test_the_script_runs_over_the_other_schema(two_schemas: tuple[TestDatabase, str], tmp_path: Path) -> None:
    database, other = two_schemas
    script = tmp_path / "orders.py"
    result = runner.invoke(app, ["query", database.url, "orders", "--schema", other, "--load", "items=joined", "--script", "-o", str(script)])
    assert result.exit_code == 0, result.stderr
    ran = subprocess.run(
        [sys.executable, str(script)], env={"DATABASE_URL": database.url, "PATH": ""}, capture_output=True, text=True, timeout=120, check=False
    )
    assert ran.returncode == 0, ran.stderr
    rows = OTHER_ORDERS * ITEMS_EACH
    assert ran.stdout.strip().endswith(f"1 statement, {rows} rows received, {OTHER_ORDERS + rows} entities ({OTHER_ORDERS} root rows)")


@pytest.mark.parametrize("backend", ["sqlite", "postgresql", "mariadb"])
def test_an_unknown_schema_is_one_line(backend: str, tmp_path: Path) -> None:
    database = create_database(backend, tmp_path)
    try:
        run_ddl(database, "CREATE TABLE orders (id INTEGER PRIMARY KEY)")
        result = runner.invoke(app, ["query", database.url, "orders", "--schema", "nowhere"])
        assert result.exit_code == 2
        assert result.stderr.startswith("error: no schema 'nowhere'; valid names: ") and result.stderr.count("\n") == 1
    finally:
        database.drop()


def test_schema_with_your_own_models_is_one_line(two_schemas: tuple[TestDatabase, str]) -> None:
    database, other = two_schemas
    result = runner.invoke(app, ["query", database.url, "User", "--schema", other, "--models", "sqla_tui.demo_db.models:Base"])
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: --schema {other!r} picks tables to map, but --models maps your own classes: "
        "leave out --schema (your models name their schema in __table_args__)\n"
    )


@pytest.fixture
def sales_dept(tmp_path: Path) -> Iterator[TestDatabase]:
    """A PostgreSQL database with ``public.orders`` (3 rows) and ``"Sales Dept"`` (5 orders, 2 items each).

    PostgreSQL only: its schemas belong to the database, where MariaDB's list
    holds every other test's database too, so the tree's order is not the test's.
    """
    database = create_database("postgresql", tmp_path)
    try:
        run_ddl(database, 'CREATE SCHEMA "Sales Dept"', *_ddl('"Sales Dept".'))
        run_ddl(database, "CREATE TABLE orders (id INTEGER PRIMARY KEY)", "INSERT INTO orders (id) VALUES (1), (2), (3)")
        yield database
    finally:
        database.drop()


async def _compose_and_run(pilot: Pilot[None], schema: str) -> ComposeScreen:
    """``c`` on the other schema's ``orders`` in the schema screen, then ``r``: its 5 rows, not the default's 3."""
    await pilot.press("c")
    await settle(pilot)
    compose = pilot.app.screen
    assert isinstance(compose, ComposeScreen) and compose.composer is not None
    assert (compose.composer.root, compose.composer.schema) == ("orders", schema)
    await pilot.press("r")
    await settle(pilot)
    assert compose.result is not None and compose.result.summary.root_rows == OTHER_ORDERS
    return compose


async def test_c_in_the_schema_screen_composes_over_the_other_schemas_table(sales_dept: TestDatabase) -> None:
    from tests.test_tui_schema import cursor_table, open_schema, tree_of

    app = make_app(sales_dept.url)
    async with app.run_test(size=(140, 40)) as pilot:
        await open_schema(pilot)
        tree = tree_of(app)
        await pilot.press("end", "right")  # the "Sales Dept" schema, opened
        await pause_until(pilot, lambda: tree.table_names == ["orders", "items", "orders"], "Sales Dept's names")
        await pilot.press("right", "down")  # into it: items, then orders
        await settle(pilot)
        assert cursor_table(app) == "orders"
        compose = await _compose_and_run(pilot, "Sales Dept")
        assert compose.result is not None and '"Sales Dept".orders' in compose.result.statements[0].received

    async with make_app(sales_dept.url).run_test(size=(140, 40)) as pilot:  # the history brings the schema back
        compose = await open_screen(pilot, "c", ComposeScreen)
        await pilot.press("ctrl+r")
        await settle(pilot)
        await pilot.press(*"Sales", "enter")
        await pause_until(pilot, lambda: compose.composer is not None, "the run composed again")
        assert compose.composer is not None and (compose.composer.root, compose.composer.schema) == ("orders", "Sales Dept")
        await pilot.press("r")
        await settle(pilot)
        assert compose.result is not None and compose.result.summary.root_rows == OTHER_ORDERS


def test_a_mariadb_url_without_a_database_names_the_databases_and_takes_schema(
    two_schemas: tuple[TestDatabase, str],
) -> None:
    """No database in the URL: no default schema to fall back to (it listed SQLite's 'main', empty), one line instead."""
    database, other = two_schemas
    if database.backend != "mariadb":
        pytest.skip("a PostgreSQL URL always names a database (the user's own by default)")
    server = database.url.rsplit("/", 1)[0]
    for command in (["schema", server], ["query", server, "orders"]):
        result = runner.invoke(app, command)
        assert result.exit_code == 2 and result.stderr.count("\n") == 1, result.output
        assert result.stderr.startswith("error: the URL names no database: add one to the URL (…/NAME), or choose one of: ")
        assert f" {database.name}, " in result.stderr and f" {other}" in result.stderr
    data = _cli("query", server, "orders", "--schema", other, "--load", "items=selectin")
    assert [s["rows"] for s in data["statements"]] == [OTHER_ORDERS, OTHER_ORDERS * ITEMS_EACH]


async def test_the_schema_screen_of_a_mariadb_url_without_a_database_opens_its_databases(
    two_schemas: tuple[TestDatabase, str],
) -> None:
    """No default schema to paint: one warning, the databases listed closed, and one opened composes over its table."""
    from tests.test_tui_schema import cursor_table, tree_of

    database, other = two_schemas
    if database.backend != "mariadb":
        pytest.skip("a PostgreSQL URL always names a database")
    app = make_app(database.url.rsplit("/", 1)[0])
    async with app.run_test(size=(140, 40), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        tree = tree_of(app)
        assert {database.name, other} <= set(tree.schema_names) and tree.table_names == []
        shown = " ".join(screen_text(app).split())
        assert shown.count("No default schema") == 1 and "the URL names no database: add one to the URL" in shown
        await pilot.press(*["down"] * tree.schema_names.index(other), "right")  # the other database, opened
        await pause_until(pilot, lambda: tree.table_names == ["items", "orders"], f"{other}'s names")
        await pilot.press("down", "down")
        await settle(pilot)
        assert cursor_table(app) == "orders"
        await _compose_and_run(pilot, other)
