"""``sqla-tui explain`` as a user runs it: JSON shape, the human tree, one-line refusals."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from sqla_tui.cli import app
from sqla_tui.core.plans.guard import NOT_A_SELECT
from tests.databases import TestDatabase, run_async
from tests.schema_fixtures import execute
from tests.seeded import COMMENTS, COMMENTS_PER_POST, seeded_db
from tests.test_fanout import count

runner = CliRunner()
_MARK = {"sqlite": "?", "postgresql": "$1", "mariadb": "%s"}
_PLAN_KEYS = {"op", "relation", "index", "est_rows", "act_rows", "loops", "cost", "ms", "children"}


def test_json_for_a_typed_statement(seeded_db: TestDatabase) -> None:
    sql = f"SELECT * FROM comments WHERE post_id = {_MARK[seeded_db.backend]}"
    result = runner.invoke(app, ["explain", seeded_db.url, "--sql", sql, "--param", "3", "--json"])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert {"dialect", "statement", "params", "analyzed", "plan", "warnings", "raw"} <= data.keys()
    assert (data["dialect"], data["statement"], data["params"], data["analyzed"]) == (seeded_db.backend, sql, [3], False)
    assert data["plan"].keys() >= _PLAN_KEYS
    fixes = [w["suggestion"] for w in data["warnings"] if w["kind"] == "unindexed_lookup"]
    # InnoDB gives every foreign key column an index of its own; the other two leave comments.post_id bare.
    assert fixes == ([] if seeded_db.backend == "mariadb" else ["CREATE INDEX ix_comments_post_id ON comments (post_id)"])


def test_json_for_a_composed_query(seeded_db: TestDatabase) -> None:
    result = runner.invoke(app, ["explain", seeded_db.url, "posts", "--where", "user_id = 3", "--limit", "2", "--json"])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["statement"].startswith("SELECT posts.id") and _MARK[seeded_db.backend] in data["statement"]
    assert data["params"][0] == 3


def test_human_output_analysed(seeded_db: TestDatabase) -> None:
    sql = f"SELECT * FROM users WHERE name = {_MARK[seeded_db.backend]}"
    result = runner.invoke(app, ["explain", seeded_db.url, "--sql", sql, "--param", "user 3", "--analyze"])
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"{seeded_db.backend} plan (analysed, rolled back) for: {sql}"
    assert lines[1] == "params: ('user 3',)"
    if seeded_db.backend == "sqlite":
        assert lines[2].startswith("QUERY PLAN  rows 1 act · ") and lines[3] == "  SCAN on users"
    else:
        assert sum(line.endswith("<- most expensive") for line in lines) == 1
        assert any(" on users " in line and "/ 1 act" in line for line in lines)
    kinds = [line.split("]")[0] for line in lines if line.startswith("warning [")]
    # with no histogram MariaDB keeps 100% of the 10 rows for name = ?: a 10x over-estimate
    assert kinds == ["warning [unindexed_lookup"] + (["warning [misestimate"] if seeded_db.backend == "mariadb" else [])
    assert "    fix: CREATE INDEX ix_users_name ON users (name)" in lines


def test_allow_write_analyses_a_delete_and_rolls_it_back(seeded_db: TestDatabase) -> None:
    result = runner.invoke(app, ["explain", seeded_db.url, "--sql", "DELETE FROM comments", "--analyze", "--allow-write", "--json"])
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["analyzed"] is True
    assert count(seeded_db, "SELECT COUNT(*) FROM comments") == COMMENTS


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--sql", "DELETE FROM comments", "--analyze"], NOT_A_SELECT),
        (["--sql", "SELECT 1; SELECT 2"], "EXPLAIN takes exactly one statement, got 2"),
        (["--sql", ""], "there is no statement to explain (the text is empty, or only comments); give one SELECT"),
        (["--sql", " -- a note ;"], "there is no statement to explain (the text is empty, or only comments)"),
        (["--sql", "SELECT * FROM nope"], "the database rejected the statement: "),
        (["users", "--sql", "SELECT 1"], "give either --sql or ROOT (with the query flags), not both"),
        (["users", "--param", "1"], "--param goes with --sql; a composed query binds its own parameters"),
        ([], "nothing to explain: give --sql 'SELECT ...' or a ROOT table"),
    ],
)
def test_refusals_are_one_line_exit_2(seeded_db: TestDatabase, args: list[str], message: str) -> None:
    result = runner.invoke(app, ["explain", seeded_db.url, *args])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {message}") and result.stderr.count("\n") == 1
    assert count(seeded_db, "SELECT COUNT(*) FROM comments") == COMMENTS == 30 * COMMENTS_PER_POST


@pytest.mark.parametrize("backend", ["postgresql"])
def test_params_are_typed_as_postgresql_types_their_placeholders(empty_db: TestDatabase) -> None:
    """asyncpg sends a date only as a date and text only as text: '2024-01-01' for a date column and 123 for a text
    one were refused ('str' object has no attribute 'toordinal'), worded as the database's refusal."""
    run_async(
        execute(empty_db.url, "CREATE TABLE events (id integer PRIMARY KEY, created date, at timestamptz, code text, u uuid)")
    )
    sql = "SELECT * FROM events WHERE created > $1 AND at < $2 AND code = $3 AND u = $4 AND id = $5"
    given = ["2024-01-01", "2024-02-01T10:00:00+00:00", "123", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "7"]
    params = [part for value in given for part in ("--param", value)]
    result = runner.invoke(app, ["explain", empty_db.url, "--sql", sql, *params, "--analyze", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["params"] == ["2024-01-01", "2024-02-01T10:00:00+00:00", 123, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", 7]
    assert data["analyzed"] and data["plan"]["act_rows"] == 0  # run, with every value bound
    refused = runner.invoke(
        app, ["explain", empty_db.url, "--sql", "SELECT * FROM events WHERE created > $1", "--param", "nope"]
    )
    assert (refused.exit_code, refused.output) == (2, "error: --param 1 ('nope') is not a valid date, the type of $1 there\n")
    unknown = runner.invoke(app, ["explain", empty_db.url, "--sql", "SELECT * FROM nowhere WHERE x = $1", "--param", "1"])
    assert (unknown.exit_code, unknown.output) == (
        2,
        'error: the database rejected the statement: relation "nowhere" does not exist\n',
    )
