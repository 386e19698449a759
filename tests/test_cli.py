"""The command line: bad input is one line on stderr and exit status 2."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sqla_tui.cli import app
from tests.databases import TestDatabase, run_async

runner = CliRunner()


def invoke(*args: str, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), env=env)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgresql://u:s3cret@127.0.0.1:1/x", "cannot connect to 127.0.0.1:1: connection refused"),
        ("sqlite:///no/such/file.db", "does not exist"),
        ("garbage://::", "not a database URL: 'garbage://::'"),
        ("nosuchdb://u@h/x", "unknown database dialect 'nosuchdb'"),
        ("oracle://u:s3cret@h/x", "needs the async driver 'oracledb'"),
    ],
)
def test_schema_bad_url_is_one_line_exit_2(url: str, expected: str) -> None:
    result = invoke("schema", url)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and expected in lines[0]
    assert "s3cret" not in result.output + result.stderr
    assert "Traceback" not in result.output + result.stderr


def test_missing_sqlite_file_is_not_created(tmp_path: Path) -> None:
    missing = tmp_path / "nope.db"
    result = invoke("schema", f"sqlite:///{missing}")
    assert result.exit_code == 2
    assert not missing.exists()


def test_conflicting_pool_flags_exit_2(tmp_path: Path) -> None:
    result = invoke("schema", "sqlite://", "--poolclass", "null", "--pool-size", "3")
    assert result.exit_code == 2
    assert "--pool-size does not apply to --poolclass null" in result.stderr


def _build(database: TestDatabase, then: str) -> None:
    """``authors (id, name)`` in the test's database, and ``then`` (a view over it, or its rows)."""
    from tests.databases import run_statements

    run_async(run_statements(database.url, lambda _: ["CREATE TABLE authors (id INTEGER PRIMARY KEY, name VARCHAR(20))", then]))


def test_schema_lists_tables_and_views(empty_db: TestDatabase) -> None:
    _build(empty_db, "CREATE VIEW author_names AS SELECT name FROM authors")
    human = invoke("schema", empty_db.url)
    assert human.exit_code == 0, human.stderr
    assert "authors" in human.stdout and "author_names  (view)" in human.stdout
    data = json.loads(invoke("schema", empty_db.url, "--json").stdout)
    assert [(t["name"], t["kind"], t["mappable"], t["unmappable_reason"]) for t in data["tables"]] == [
        ("author_names", "view", False, "view"),
        ("authors", "table", True, None),
    ]
    assert [c["name"] for c in data["tables"][1]["columns"]] == ["id", "name"]
    assert data["tables"][1]["primary_key"] == ["id"]


def test_database_url_environment_variable_is_used(empty_db: TestDatabase) -> None:
    result = invoke("schema", "--json", env={"DATABASE_URL": empty_db.url})
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["tables"] == []


def test_no_url_anywhere_is_one_line() -> None:
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    result = runner.invoke(app, ["schema"], env={**env, "DATABASE_URL": ""})
    assert result.exit_code == 2
    assert "no database URL given" in result.stderr


def test_console_script_version_and_help() -> None:
    """The installed entry point works, and --help never imports Textual."""
    version = subprocess.run([sys.executable, "-m", "sqla_tui", "--version"], capture_output=True, text=True)
    assert version.returncode == 0 and version.stdout.startswith("sqla-tui ")
    probe = "import sys; from sqla_tui.cli import app; print('textual' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True).stdout.strip() == "False"


def test_with_database_url_set_a_lone_word_is_the_table(empty_db: TestDatabase) -> None:
    """``sqla-tui query authors`` said "'authors' is neither a database URL nor a saved connection", though --help
    says the URL defaults to $DATABASE_URL; ``query "" authors`` was the only way."""
    _build(empty_db, "INSERT INTO authors VALUES (1, 'ann'), (2, 'bob')")
    environment = {"DATABASE_URL": empty_db.url}
    queried = invoke("query", "authors", "--where", "id = 2", env=environment)
    assert queried.exit_code == 0, queried.stderr
    assert queried.stdout.splitlines()[-1] == "1 statement, 1 row received, 1 entity (1 root row)"
    explained = invoke("explain", "authors", "--json", env=environment)
    assert explained.exit_code == 0, explained.stderr
    assert json.loads(explained.stdout)["dialect"] == empty_db.backend
    typed = invoke("explain", "authors", "--sql", "SELECT 1", env=environment)  # the word is not the table here
    assert (typed.exit_code, typed.stderr) == (
        2, "error: 'authors' is neither a database URL nor a saved connection; 'sqla-tui connections list' shows the saved ones\n",
    )  # fmt: skip
    without = runner.invoke(app, ["query", "authors"], env={"DATABASE_URL": ""})
    assert without.exit_code == 2 and "'authors' is neither a database URL nor a saved connection" in without.stderr
