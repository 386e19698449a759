"""MariaDB's JSON is LONGTEXT with a ``CHECK (json_valid(...))``: shown, read and exported as JSON, not as text.

SQLAlchemy reflects such a column as LONGTEXT; the schema command said
LONGTEXT, the results held strings and the model export wrote ``LONGTEXT``
where the application's model has ``JSON``.
"""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from sqla_tui.cli import app
from sqla_tui.core.catalog.mapping import map_schema
from sqla_tui.core.connect.engine import connect
from sqla_tui.core.query.run import run_spec
from sqla_tui.core.query.spec import Order, QuerySpec
from tests.databases import TestDatabase, database_fixture, run_statements

_STATEMENTS = [
    "CREATE TABLE docs (id INT PRIMARY KEY, body JSON, `we``ird` JSON NOT NULL, note LONGTEXT, "
    "checked LONGTEXT, CONSTRAINT checked_is_json CHECK (json_valid(checked)), "
    "capped LONGTEXT CHECK (json_valid(capped) AND length(capped) < 100))",
    "INSERT INTO docs VALUES (1, '{\"a\": [1, 2]}', '[]', '{\"not\": \"parsed\"}', '3', '{}'), "
    "(2, NULL, '\"text\"', NULL, NULL, NULL)",
]
JSON_COLUMNS = {"body", "we`ird", "checked"}
"""A check whose whole clause is json_valid of one column marks it, wherever it is declared; one that says more
(``capped``) is the user's own rule on text."""


async def _build(url: str) -> None:
    await run_statements(url, lambda engine: _STATEMENTS)


mariadb_json = database_fixture("mariadb_json", _build, backends=("mariadb",))


def _run(*args: str) -> str:
    outcome = CliRunner().invoke(app, list(args))
    assert outcome.exit_code == 0, outcome.stderr
    return outcome.stdout


def test_the_schema_says_json_where_the_table_was_declared_with_it(mariadb_json: TestDatabase) -> None:
    [table] = json.loads(_run("schema", mariadb_json.url, "--table", "docs", "--json"))["tables"]
    types = {column["name"]: column["type"] for column in table["columns"]}
    assert {name for name, declared in types.items() if declared == "JSON"} == JSON_COLUMNS
    assert types["note"] == types["capped"] == "LONGTEXT"


async def test_json_values_are_read_as_the_application_reads_them(mariadb_json: TestDatabase) -> None:
    engine, _ = await connect(mariadb_json.url)
    try:
        orm = await map_schema(engine, "docs")
        result = await run_spec(engine, orm.entity("docs"), QuerySpec("docs", order_by=[Order("id")]))
    finally:
        await engine.dispose()
    assert [node.values for node in result.results] == [
        {"id": 1, "body": {"a": [1, 2]}, "we_ird": [], "note": '{"not": "parsed"}', "checked": 3, "capped": "{}"},
        {"id": 2, "body": None, "we_ird": "text", "note": None, "checked": None, "capped": None},
    ]
    assert (result.summary.statements, result.summary.rows) == (1, 2)


def test_the_model_export_writes_json(mariadb_json: TestDatabase, tmp_path: Path) -> None:
    module = _run("models", mariadb_json.url, "--tables", "docs")
    assert "    body: Mapped[dict | None] = mapped_column(JSON)\n" in module
    assert "    checked: Mapped[dict | None] = mapped_column(JSON)\n" in module
    assert "    note: Mapped[str | None] = mapped_column(LONGTEXT)\n" in module
    assert "from sqlalchemy import JSON" in module
