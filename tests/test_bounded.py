"""Big tables are browsed, not swallowed: the driver hands over only the limit."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sqla_tui.cli import app

MILLION = 1_000_000


@pytest.fixture(scope="module")
def million_rows(tmp_path_factory: pytest.TempPathFactory) -> str:
    path: Path = tmp_path_factory.mktemp("big") / "big.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE events (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, payload TEXT)")
        conn.execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) "
            "INSERT INTO events SELECT i, 'kind' || (i % 7), printf('%040d', i) FROM n",
            (MILLION,),
        )
    return f"sqlite:///{path}"


def test_default_query_fetches_the_limit_only(million_rows: str) -> None:
    import json

    result = CliRunner().invoke(app, ["query", million_rows, "events", "--json"])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert [statement["rows"] for statement in data["statements"]] == [100]


def test_schema_counts_without_reading_rows(million_rows: str) -> None:
    import json

    result = CliRunner().invoke(app, ["schema", million_rows, "--json"])
    assert result.exit_code == 0, result.stderr
    [table] = json.loads(result.stdout)["tables"]
    assert table["row_estimate"] == MILLION
