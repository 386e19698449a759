"""``sqla-tui query`` and ``sqla-tui fanout`` as a user runs them."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from sqla_tui.cli import app
from tests.databases import TestDatabase, database_fixture, run_statements
from tests.seeded import COMMENTS, POSTS, USERS, seeded_db

runner = CliRunner()


def test_query_json_has_every_statement(seeded_db: TestDatabase) -> None:
    result = runner.invoke(app, ["query", seeded_db.url, "users", "--load", "posts=selectin", "--load", "posts.comments=selectin", "--json"])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert [s["rows"] for s in data["statements"]] == [USERS, POSTS, COMMENTS]
    assert [s["origin"] for s in data["statements"]] == ["main query", "selectinload User.posts", "selectinload Post.comments"]
    assert data["summary"] == {"statements": 3, "rows": USERS + POSTS + COMMENTS, "entities": USERS + POSTS + COMMENTS,
                               "root_rows": USERS, "by_class": {"User": USERS, "Post": POSTS, "Comment": COMMENTS}}  # fmt: skip
    assert "selectinload(" in data["python"]


def test_query_touch_reports_n_plus_one(seeded_db: TestDatabase) -> None:
    result = runner.invoke(app, ["query", seeded_db.url, "users", "--touch", "posts"])
    assert result.exit_code == 0, result.stderr
    assert f"#2-{USERS + 1} (x{USERS})  lazy load User.posts (touched)" in result.stdout
    assert f"ran {USERS} times, from User.posts" in result.stdout
    assert result.stdout.strip().endswith(f"{1 + USERS} statements, {USERS + POSTS} rows received, {USERS + POSTS} entities ({USERS} root rows)")


def test_query_python_prints_source_only(seeded_db: TestDatabase) -> None:
    result = runner.invoke(app, ["query", seeded_db.url, "posts", "--where", "id > 5", "--load", "user=joined", "--python"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[0] == "from sqlalchemy import select"
    assert "    .where(Post.id > 5)" in result.stdout
    assert "    .options(joinedload(Post.user))" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["userz"], "no table 'userz'"),
        (["users", "--load", "postz=joined"], "unknown relationship 'postz' on User"),
        (["users", "--load", "posts=eager"], "unknown strategy 'eager' for 'posts'"),
        (["users", "--load", "posts"], "cannot read --load 'posts': write PATH=STRATEGY"),
        (["users", "--where", "nope = 1"], "unknown column 'nope' on User; choose one of: id, name"),
        (["users", "--where", "id ~ 1"], "cannot read filter 'id ~ 1'"),
        (["users", "--where", "id = abc"], "'abc' is not a valid int for column 'id'"),
        (["users", "--limit", "-5"], "--limit must be between 0 and 1,000,000, got -5"),
        (["users", "--order", "id:sideways"], "cannot read order 'id:sideways'"),
    ],
)
def test_query_bad_flags_are_one_line_exit_2(seeded_db: TestDatabase, args: list[str], message: str) -> None:
    result = runner.invoke(app, ["query", seeded_db.url, *args])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.stderr


def test_a_limited_query_is_ordered_by_the_primary_key_unless_told_not_to(seeded_db: TestDatabase) -> None:
    args = ["query", seeded_db.url, "users", "--limit", "2", "--json"]
    ordered = json.loads(runner.invoke(app, args).stdout)
    assert "ORDER BY users.id" in ordered["statements"][0]["sql"] and "    .order_by(User.id)\n" in ordered["python"]
    unordered = json.loads(runner.invoke(app, [*args, "--no-default-order"]).stdout)
    assert "ORDER BY" not in unordered["statements"][0]["sql"] and ".order_by(" not in unordered["python"]


@pytest.mark.parametrize(
    ("order", "warned"),
    [([], False), (["--no-default-order"], True), (["--order", "name"], True), (["--order", "name", "--order", "id"], False)],
)
def test_subqueryload_under_a_limit_without_a_unique_order_is_warned_about(
    seeded_db: TestDatabase, order: list[str], warned: bool
) -> None:
    args = ["query", seeded_db.url, "users", "--limit", "3", "--load", "posts=subquery", *order]
    text = runner.invoke(app, args)
    assert text.exit_code == 0, text.stderr
    warning = "warning: subqueryload with a LIMIT/OFFSET needs an ORDER BY on unique columns such as the primary key"
    assert (warning in text.stdout) is warned
    data = json.loads(runner.invoke(app, [*args, "--json"]).stdout)
    assert len(data["warnings"]) == warned


def test_fanout_json_shape(seeded_db: TestDatabase) -> None:
    result = runner.invoke(app, ["fanout", seeded_db.url, "users", "--path", "posts", "--strategies", "joined,selectin", "--runs", "1", "--json"])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["root"] == "users" and data["paths"] == ["posts"]
    keys = {"strategy", "statements", "rows", "entities", "root_rows", "rows_per_root", "cells", "bytes", "ms_median", "ms_min", "ms_max", "peak_kib", "sql", "same_entities"}
    assert all(keys <= set(item) for item in data["results"])
    assert [(r["strategy"], r["statements"], r["rows"]) for r in data["results"]] == [("joined", 1, POSTS), ("selectin", 2, USERS + POSTS)]
    assert data["verdict"].startswith("joinedload received 30 rows for 10 rows of users (~3.0 each")
    assert [r["rows_per_root"] for r in data["results"]] == [POSTS / USERS, 1.0]


def test_fanout_table_shows_root_row_repetition(seeded_db: TestDatabase) -> None:
    result = runner.invoke(app, ["fanout", seeded_db.url, "users", "--path", "posts", "--strategies", "joined,selectin", "--runs", "0"])
    assert result.exit_code == 0, result.stderr
    header, joined, selectin = (line for line in result.stdout.splitlines() if "│" in line or "┃" in line)
    headings = [cell.strip() for cell in header.split("┃")[1:-1]]
    shown = {name: [cell.strip() for cell in line.split("│")[1:-1]] for name, line in (("joined", joined), ("selectin", selectin))}
    columns = [headings.index("entities"), headings.index("rows/root")]
    assert [shown["joined"][column] for column in columns] == [f"{USERS + POSTS}", "3.00"]
    assert [shown["selectin"][column] for column in columns] == [f"{USERS + POSTS}", "1.00"]


def test_fanout_unknown_path_is_one_line(seeded_db: TestDatabase) -> None:
    result = runner.invoke(app, ["fanout", seeded_db.url, "users", "--path", "pots"])
    assert result.exit_code == 2
    assert "unknown relationship 'pots' on User" in result.stderr


def test_fanout_traces_the_memory_peak_only_when_asked(seeded_db: TestDatabase) -> None:
    args = ["fanout", seeded_db.url, "users", "--path", "posts", "--strategies", "selectin", "--runs", "1", "--json"]
    plans = {}
    for flags in ([], ["--memory"]):
        result = runner.invoke(app, [*args, *flags])
        assert result.exit_code == 0, result.stderr
        [plans[" ".join(flags)]] = json.loads(result.stdout)["results"]
    assert plans[""]["peak_kib"] is None and plans["--memory"]["peak_kib"] > 0
    assert {(plan["statements"], plan["rows"]) for plan in plans.values()} == {(2, USERS + POSTS)}


async def _authorless(url: str) -> None:
    await run_statements(
        url,
        lambda _: [
            "CREATE TABLE writers (id INTEGER PRIMARY KEY, name VARCHAR(20))",
            "CREATE TABLE notes (id INTEGER PRIMARY KEY, writer_id INTEGER REFERENCES writers (id), body VARCHAR(20))",
            "INSERT INTO writers VALUES (1, 'ann'), (2, 'bob'), (3, 'cy')",
            "INSERT INTO notes VALUES (1, 1, 'a'), (2, NULL, 'b'), (3, 2, 'c'), (4, NULL, 'd'), (5, 1, 'e')",
        ],
    )


authorless = database_fixture("authorless", _authorless)


def test_joined_inner_says_how_many_roots_its_inner_join_leaves_out(authorless: TestDatabase) -> None:
    """A teacher's finding: the notes without a writer vanished under joined_inner and the summary still said
    "of 5", with no warning; joined keeps them."""
    inner = json.loads(runner.invoke(app, ["query", authorless.url, "notes", "--load", "writer=joined_inner", "--json"]).stdout)
    assert [row["id"] for row in inner["rows"]] == [1, 3, 5]
    assert inner["warnings"] == [
        "joined_inner on writer: its INNER JOIN never returns a notes row without one: 2 of the 5 rows the filters "
        "match have none (joined, a LEFT OUTER JOIN, returns them)"
    ]
    collection = json.loads(runner.invoke(app, ["query", authorless.url, "writers", "--load", "notes=joined_inner", "--json"]).stdout)
    assert collection["warnings"] == [
        "joined_inner on notes: its INNER JOIN never returns a writers row without one: 1 of the 3 rows the filters "
        "match has none (joined, a LEFT OUTER JOIN, returns them)"
    ]
    outer = json.loads(runner.invoke(app, ["query", authorless.url, "notes", "--load", "writer=joined", "--json"]).stdout)
    assert [row["id"] for row in outer["rows"]] == [1, 2, 3, 4, 5] and outer["warnings"] == []
    kept = runner.invoke(app, ["query", authorless.url, "notes", "--where", "writer_id is_not_null", "--load", "writer=joined_inner", "--json"])
    assert json.loads(kept.stdout)["warnings"] == []  # nothing left out: nothing said
