"""Tables and columns named like keywords, with spaces, quotes, mixed case and unicode.

Reflected, composed, filtered, fanned out and turned into Python correctly on
every backend: identifiers are quoted by the dialect, never spliced by us.
"""

from __future__ import annotations

import json

from typer.testing import CliRunner

from sqla_tui.cli import app
from tests.databases import TestDatabase
from tests.hostile_database import USER_COLUMNS, hostile_db  # noqa: F401

runner = CliRunner()


def invoke(*args: str):  # type: ignore[no-untyped-def]
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.stderr
    return result


def test_reflected_with_exact_names(hostile_db: TestDatabase) -> None:
    data = json.loads(invoke("schema", hostile_db.url, "--json").stdout)
    tables = {table["name"]: table for table in data["tables"]}
    assert set(tables) == {"user", "order"}
    assert [column["name"] for column in tables["user"]["columns"]] == USER_COLUMNS
    [relationship] = tables["order"]["relationships"]
    assert relationship["direction"] == "many_to_one" and relationship["target"] == "user"


def test_composed_filtered_and_ordered(hostile_db: TestDatabase) -> None:
    data = json.loads(
        invoke(
            "query", hostile_db.url, "user", "--where", '"ünï cödé" in ç,ñ', "--where", "select != zzz",
            "--order", "Mixed Case:desc", "--load", "orders=selectin", "--json",
        ).stdout
    )  # fmt: skip
    assert [statement["rows"] for statement in data["statements"]] == [2, 3]
    assert data["summary"]["entities"] == 5


def test_generated_python_is_valid_and_equivalent(hostile_db: TestDatabase) -> None:
    source = invoke("query", hostile_db.url, "user", "--where", '"it\'s" = x', "--load", "orders=joined", "--python").stdout
    compile(source, "<generated>", "exec")
    assert """    .where(getattr(User, "it's") == 'x')""" in source


def test_fanout_over_a_keyword_named_table(hostile_db: TestDatabase) -> None:
    data = json.loads(invoke("fanout", hostile_db.url, "user", "--path", "orders", "--strategies", "joined,selectin", "--runs", "1", "--json").stdout)
    assert [(r["statements"], r["rows"]) for r in data["results"]] == [(1, 3), (2, 5)]


def test_explained_with_the_dialect_quoting(hostile_db: TestDatabase) -> None:
    data = json.loads(invoke("explain", hostile_db.url, "order", "--where", '"user id" = 1', "--json").stdout)
    quote = {"mariadb": "`"}.get(hostile_db.backend, '"')
    assert f"FROM {quote}order{quote}" in data["statement"]
    assert f"{quote}order{quote}.{quote}user id{quote}" in data["statement"]

    def relations(node: dict) -> set[str]:  # type: ignore[type-arg]
        return {node.get("relation") or ""} | {name for child in node.get("children", []) for name in relations(child)}

    assert "order" in relations(data["plan"])
