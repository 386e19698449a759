"""Lessons: every step's claim holds on the demo on all three backends, and fails where it does not hold.

``sqla-tui learn --check --json`` is what a teacher (and CI) runs; the
numbers asserted here are the demo's at scale 1 (tests/test_demo_db.py pins
its sizes), read by twenty users ordered by id.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqla_tui.demo_db.load import load_demo
from typer.testing import CliRunner

from sqla_tui.cli import app
from sqla_tui.core.connect.engine import create_engine
from sqla_tui.core.lessons.catalog import LESSONS
from tests.databases import database_fixture, sqlite_file
from tests.seeded import seeded_db

runner = CliRunner()


async def _load_demo(url: str) -> None:
    engine = create_engine(url, read_only=False)
    try:
        await load_demo(engine, scale=1.0)
    finally:
        await engine.dispose()


learn_demo = database_fixture("learn_demo", _load_demo)
"""The demo at scale 1 in a throwaway database of each backend."""

ON_SQLITE = pytest.mark.parametrize("seeded_db", ["sqlite"], indirect=True)


def _check(*args: str, data_home: Path) -> tuple[int, dict]:
    result = runner.invoke(app, ["learn", "--check", "--json", *args], env={"XDG_DATA_HOME": str(data_home)})
    assert result.stderr == ""
    return result.exit_code, json.loads(result.stdout)


def _details(report: dict) -> dict[tuple[str, str], tuple[bool, str]]:
    return {
        (lesson["name"], step["title"]): (step["passed"], step["detail"])
        for lesson in report["lessons"]
        for step in lesson["steps"]
    }


def test_every_step_passes_on_the_demo(learn_demo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    code, report = _check(learn_demo.url, data_home=tmp_path)
    assert [lesson["name"] for lesson in report["lessons"]] == [lesson.name for lesson in LESSONS]
    assert all(set(step) == {"title", "passed", "detail"} for lesson in report["lessons"] for step in lesson["steps"])
    failed = {key: detail for key, (passed, detail) in _details(report).items() if not passed}
    assert failed == {}
    assert code == 0
    details = _details(report)
    assert details["n-plus-one", "Touch user.posts in a loop"][1].startswith(
        "21 statements = 1 for the users + 20 lazy loads of User.posts (one per user: N+1 with N = 20)"
    )
    assert details["strategies", "selectinload splits IN lists"][1].startswith(
        "1,200 posts → 3 IN statements for their comments"
    )
    assert details["strategies", "To-one with joinedload"][1].startswith("1 statement, 50 rows for 50 posts")
    assert details["missing-greenlet", "Fix 3: run_sync"][1].startswith("21 statements = 1 + 20 lazy loads")
    assert details["expire-on-commit", "expire_on_commit=False"][1].startswith("1 statement: ")
    assert details["concurrent-session", "A session per task"][1] == "5 of 5 tasks succeeded, 5 statements"
    assert "concurrent operations are not permitted" in details["concurrent-session", "Five tasks, one session"][1]
    assert details["write-only", "Touching it loads nothing"][1] == (
        "1 statement: user.post_pages is a WriteOnlyCollection, nothing was loaded"
    )
    assert details["pool", "size + overflow is the ceiling"][1] == (
        "3 statements held 3 connections; the fourth checkout raised: "
        "QueuePool limit of size 2 overflow 1 reached, connection timed out, timeout 0.50"
    )
    assert details["streaming", "all(): everything at once"][1] == (
        "1 statement: all 8,855 rows arrived before the first object was used"
    )


@ON_SQLITE
def test_a_claim_false_on_this_database_fails_and_exits_1(seeded_db, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """tests/seeded.py: 10 users with 3 posts each, 30 posts: too few for selectin's IN chunks, enough for the rest."""
    code, report = _check(seeded_db.url, data_home=tmp_path)
    assert code == 1
    details = _details(report)
    assert details["strategies", "selectinload splits IN lists"] == (
        False, "only 30 posts here: chunks show with more than 500 parents"
    )
    assert details["n-plus-one", "Touch user.posts in a loop"][1].startswith("11 statements = 1 for the users + 10 lazy loads")
    assert details["streaming", "stream_scalars with yield_per"] == (
        False, "only 60 comments here: streaming shows with more than 500 rows"
    )
    assert [key for key, (passed, _) in details.items() if not passed] == [
        ("strategies", "selectinload splits IN lists"), ("streaming", "stream_scalars with yield_per")
    ]


def test_a_database_without_the_shape_is_one_line_for_the_check_and_the_handout(tmp_path: Path) -> None:
    """--check failed every one of the ~33 steps with the same line, and --markdown wrote a handout of failed
    checks and exited 0."""
    db = sqlite_file(tmp_path / "other.db", "CREATE TABLE users (id INTEGER PRIMARY KEY);")
    for args in (["learn", "n-plus-one", f"sqlite:///{db}", "--check"], ["learn", "n-plus-one", f"sqlite:///{db}", "--markdown"]):
        result = runner.invoke(app, args)
        assert (result.exit_code, result.stdout) == (2, "")
        [line] = result.stderr.splitlines()
        assert line.startswith("error: this database lacks users.name, table posts, table comments: the lessons need")


def test_markdown_handout_has_the_code_and_the_statements_of_this_run(learn_demo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    if learn_demo.backend != "sqlite":
        pytest.skip("the handout is the same text on every backend; the checks above cover the numbers")
    out = tmp_path / "unique.md"
    result = runner.invoke(app, ["learn", "unique", learn_demo.url, "--markdown", "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    text = out.read_text()
    assert text.startswith("# joinedload on a collection needs unique()")
    assert "    return len(session.scalars(stmt).unique().all())" in text
    assert "**Check ✓:** raised InvalidRequestError: The unique() method must be invoked" in text
    assert "| 1 | " in text and "LEFT OUTER JOIN posts" in text


def test_bad_words_are_one_line_and_exit_2() -> None:
    unknown = runner.invoke(app, ["learn", "bogus", "--check"])
    assert unknown.exit_code == 2
    assert unknown.stderr.startswith("error: no lesson 'bogus': choose one of n-plus-one, strategies")
    assert unknown.stderr.count("\n") == 1
    assert runner.invoke(app, ["learn", "--markdown"]).exit_code == 2
    json_alone = runner.invoke(app, ["learn", "--json"])
    assert json_alone.exit_code == 2 and "--json goes with --check" in json_alone.stderr
