"""Tables and columns named like keywords, with spaces, quotes, backticks, placeholders, mixed case and unicode.

Reflected, composed, filtered, fanned out and turned into Python correctly on
every backend: identifiers are quoted by the dialect, never spliced by us,
and a column whose name Python or the mapper cannot use is mapped under a
safe attribute name, never dropped.
"""

from __future__ import annotations

import csv
import io
import json

from typer.testing import CliRunner

from sqla_tui.cli import app
from sqla_tui.core.catalog.mapping import map_schema
from sqla_tui.core.connect.engine import connect
from sqla_tui.core.query.run import run_spec
from sqla_tui.core.query.spec import Filter, QuerySpec, filter_text, parse_order, parse_where
from tests.databases import TestDatabase
from tests.hostile_database import NOTES_TABLE, USER_ATTRIBUTES, USER_COLUMNS, hostile_db

runner = CliRunner()

NOTES = "note_s__100____x_s"
"""``order``'s one-to-many relationship to ``NOTES_TABLE``: its name, plural, as a Python name."""


def invoke(*args: str):  # type: ignore[no-untyped-def]
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.stderr
    return result


def test_reflected_with_exact_names_and_safe_attributes(hostile_db: TestDatabase) -> None:
    data = json.loads(invoke("schema", hostile_db.url, "--json").stdout)
    tables = {table["name"]: table for table in data["tables"]}
    assert set(tables) == {"user", "order", NOTES_TABLE}
    assert {column["name"]: column["attribute"] for column in tables["user"]["columns"]} == USER_ATTRIBUTES
    assert [column["name"] for column in tables["user"]["columns"]] == USER_COLUMNS
    assert [(c["name"], c["attribute"]) for c in tables["order"]["columns"]] == [
        ("id", "id"), ("user id", "user_id"), ("from", "from_"),
    ]  # fmt: skip
    assert [(c["name"], c["attribute"]) for c in tables[NOTES_TABLE]["columns"]] == [
        ("id", "id"), ("ord`er", "ord_er"), ("order", "order"),
    ]  # fmt: skip
    assert [(r["name"], r["direction"], r["target"]) for r in tables["order"]["relationships"]] == [
        ("user", "many_to_one", "user"), (NOTES, "one_to_many", NOTES_TABLE),
    ]  # fmt: skip
    [to_order] = tables[NOTES_TABLE]["relationships"]
    assert (to_order["name"], to_order["via"]) == ("ord_er_rel", [f"{NOTES_TABLE}.ord`er"])


def test_the_schema_text_shows_each_renamed_columns_attribute(hostile_db: TestDatabase) -> None:
    lines = [line.strip("│├└─ ") for line in invoke("schema", hostile_db.url, "--table", "user").stdout.splitlines()]
    assert any(line.startswith("__init__ (attribute init__)  ") for line in lines)
    assert any(line.startswith("_sa_instance_state (attribute sa_instance_state)  ") for line in lines)
    assert any(line.startswith("select  ") for line in lines)  # a name Python can use is shown once


def test_composed_filtered_and_ordered_by_column_names(hostile_db: TestDatabase) -> None:
    data = json.loads(
        invoke(
            "query", hostile_db.url, "user", "--where", '"ünï cödé" in ç,ñ', "--where", "select != zzz",
            "--where", '"100%" != zz', "--where", '"we`ird" != zz', "--where", '"a:b" != zz', "--where", "__init__ != zz",
            "--where", '"%(x)s" != zz', "--where", '"say ""hi""" != zz', "--where", "`we``ird` != zz",
            "--order", "Mixed Case:desc", "--order", '"a:b":desc', "--order", '"say ""hi""":desc', "--order", "_sa_instance_state",
            "--load", "orders=selectin", "--load", f"orders.{NOTES}=joined", "--json",
        ).stdout
    )  # fmt: skip
    assert [statement["rows"] for statement in data["statements"]] == [2, 5]
    assert data["summary"]["entities"] == 9
    assert [list(row) for row in data["rows"]] == [USER_COLUMNS] * 2  # the database's names, not the attributes


def test_exported_rows_are_headed_by_the_column_names(hostile_db: TestDatabase) -> None:
    header = next(csv.reader(io.StringIO(invoke("query", hostile_db.url, "user", "--format", "csv").stdout)))
    assert header == USER_COLUMNS


async def test_every_column_loads_under_its_attribute(hostile_db: TestDatabase) -> None:
    """Columns named like the class's machinery are mapped and loaded, not dropped or crashing the mapper."""
    engine, _ = await connect(hostile_db.url)
    try:
        orm = await map_schema(engine, "user")
        spec = QuerySpec("user", filters=[parse_where("__class__ = v2")], order_by=[parse_order("1st")])
        result = await run_spec(engine, orm.entity("user"), spec)
    finally:
        await engine.dispose()
    assert orm.attributes("user") == USER_ATTRIBUTES
    [user] = result.results
    assert user.values == {
        attribute: {"id": 2, "select": "d", "Mixed Case": "E", "ünï cödé": "ñ", "it's": "y", "1st": 2}.get(column, "v2")
        for column, attribute in USER_ATTRIBUTES.items()
    }


def test_generated_python_is_valid_and_uses_the_attributes(hostile_db: TestDatabase) -> None:
    source = invoke(
        "query", hostile_db.url, "user", "--where", '"it\'s" = x', "--where", "__dict__ = y", "--order", '"a:b":desc',
        "--load", "orders=joined", "--python",
    ).stdout  # fmt: skip
    compile(source, "<generated>", "exec")
    assert "    .where(User.it_s == 'x')\n    .where(User.dict__ == 'y')\n    .order_by(User.a_b.desc())\n" in source


def test_fanout_over_a_keyword_named_table(hostile_db: TestDatabase) -> None:
    data = json.loads(invoke("fanout", hostile_db.url, "user", "--path", "orders", "--strategies", "joined,selectin", "--runs", "1", "--json").stdout)
    assert [(r["statements"], r["rows"]) for r in data["results"]] == [(1, 3), (2, 5)]


def _relations(node: dict) -> set[str]:  # type: ignore[type-arg]
    return {node.get("relation") or ""} | {name for child in node.get("children", []) for name in _relations(child)}


def test_explained_with_the_dialect_quoting(hostile_db: TestDatabase) -> None:
    data = json.loads(invoke("explain", hostile_db.url, "order", "--where", '"user id" = 1', "--json").stdout)
    quote = {"mariadb": "`"}.get(hostile_db.backend, '"')
    assert f"FROM {quote}order{quote}" in data["statement"]
    assert f"{quote}order{quote}.{quote}user id{quote}" in data["statement"]
    assert "order" in _relations(data["plan"])


def test_a_plan_over_a_table_named_with_quotes_and_spaces_names_it(hostile_db: TestDatabase) -> None:
    """SQLite prints the name unquoted in its plan; the lookup on ``ord`er`` is unindexed except on MariaDB (InnoDB indexes FKs)."""
    data = json.loads(invoke("explain", hostile_db.url, NOTES_TABLE, "--where", '"ord`er" = 1', "--json").stdout)
    assert NOTES_TABLE in _relations(data["plan"])
    unindexed = [w["message"] for w in data["warnings"] if w["kind"] == "unindexed_lookup"]
    expected = [] if hostile_db.backend == "mariadb" else [f"{NOTES_TABLE}.ord`er is looked up by = or IN but no index starts with it"]
    assert [message.split(";")[0] for message in unindexed] == expected


def test_a_filter_shown_in_history_reads_back_as_the_same_column() -> None:
    """The compose screen's filter list, history and scripts show a filter as typed; any column name survives the trip."""
    for column in [*USER_COLUMNS, "user id", "ord`er"]:
        shown = filter_text(Filter(column, "!=", "zz", [False]))
        assert parse_where(shown) == Filter(column, "!=", "zz", [False]), shown
