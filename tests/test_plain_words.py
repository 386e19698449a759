"""``schema``'s plain command lines skip Click's parser and pydantic, with the same output and the same defaults."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import typer.main
from typer.testing import CliRunner

from sqla_tui.cli import app
from sqla_tui.cli.plain_words import PlainWords


@pytest.fixture
def shop(tmp_path: Path) -> str:
    path = tmp_path / "shop.db"
    with sqlite3.connect(path) as conn:
        conn.executescript(
            "CREATE TABLE customer (id INTEGER PRIMARY KEY, name TEXT NOT NULL);"
            "CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER REFERENCES customer (id));"
        )
    return f"sqlite:///{path}"


def _schema() -> PlainWords:
    command = typer.main.get_command(app).commands["schema"]  # type: ignore[attr-defined]
    assert isinstance(command, PlainWords)
    return command


@pytest.mark.parametrize(
    "words",
    [
        ["sqlite:///x.db", "--json"],
        ["--json", "--compact", "--table", "orders", "sqlite:///x.db"],
        ["demo", "--indent", "--schema", "main", "--no-pre-ping"],
        ["--json"],
    ],
)
def test_flags_text_options_and_one_url_read_plainly(words: list[str]) -> None:
    assert _schema().reads_plainly(words)


@pytest.mark.parametrize(
    "words",
    [
        ["sqlite:///x.db", "--json", "--pool-size", "3"],  # a number: Typer coerces it and words its error
        ["sqlite:///x.db", "--poolclass", "null"],  # a choice
        ["sqlite:///x.db", "--table=orders"],
        ["sqlite:///x.db", "--json", "--json"],
        ["sqlite:///x.db", "--table"],
        ["sqlite:///x.db", "--table", "--json"],
        ["sqlite:///x.db", "sqlite:///y.db"],
        ["sqlite:///x.db", "-h"],
        ["--", "sqlite:///x.db"],
    ],
)
def test_anything_else_goes_to_click(words: list[str]) -> None:
    assert not _schema().reads_plainly(words)


def test_the_plain_run_prints_what_typer_prints(shop: str) -> None:
    """``--table=orders`` is Click's to parse, ``--table orders`` plain: one document."""
    runner = CliRunner()
    plain = runner.invoke(app, ["schema", shop, "--json", "--table", "orders"])
    parsed = runner.invoke(app, ["schema", shop, "--json", "--table=orders"])
    assert plain.exit_code == parsed.exit_code == 0, plain.output + parsed.output
    assert plain.stdout == parsed.stdout
    assert [table["name"] for table in json.loads(plain.stdout)["tables"]] == ["orders"]


def test_a_flag_not_given_is_its_default_again_in_the_next_run(shop: str) -> None:
    """Typer's callback keeps the last values it was given: every parameter is passed on each run."""
    runner = CliRunner()
    assert runner.invoke(app, ["schema", shop, "--json", "--table", "orders"]).exit_code == 0
    both = runner.invoke(app, ["schema", shop, "--json"])
    assert both.exit_code == 0, both.output
    assert both.stdout.count('"kind":"table"') == 2


def test_plain_errors_are_the_usual_one_line(shop: str) -> None:
    runner = CliRunner()
    plain = runner.invoke(app, ["schema", shop, "--json", "--table", "nope"])
    parsed = runner.invoke(app, ["schema", shop, "--json", "--table=nope"])
    assert plain.exit_code == parsed.exit_code == 2
    assert plain.stderr == parsed.stderr == "error: no table 'nope' in schema 'main'; valid names: customer, orders\n"


def test_schema_json_never_imports_pydantic(shop: str) -> None:
    code = (
        "import sys\n"
        f"sys.argv = ['sqla-tui', 'schema', {shop!r}, '--json']\n"
        "from sqla_tui.launch import main\n"
        "try:\n    main()\nexcept SystemExit as end:\n    assert not end.code, end.code\n"
        "print('pydantic' in sys.modules, file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert '"customer"' in done.stdout and done.stderr == "False\n"
