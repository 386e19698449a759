"""Runnable scripts: written by ``query --script`` / ``fanout --script``, run with ``python script.py``.

Each script runs in a subprocess of its own, as a student would run it, with
DATABASE_URL set to the seeded database; what it prints must be what the app
reports for the same query: the same statements (origin and rows, folded the
same way), the same N+1 and refusals, the same summary line.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sqla_tui.cli import app
from tests.databases import PG_HOST, PG_PORT, TestDatabase, create_database
from tests.hostile_database import hostile_db
from tests.seeded import COMMENTS, POSTS, TAGS_PER_POST, USERS, seeded_db
from tests.test_hostile_identifiers import NOTES
from tests.tui_helpers import run_ddl

runner = CliRunner()
_MS = re.compile(r"  \d[\d,]*\.\d\d ms$")
_NUMBER = re.compile(r"^#\d+(?:-\d+)?")

CASES = {
    "lazy, touched two levels deep": (["users"], ["posts.comments"], 1 + USERS + POSTS),
    "joined on a collection": (["users", "--load", "posts=joined"], [], 1),
    "selectin nested": (["users", "--load", "posts=selectin", "--load", "posts.comments=selectin"], [], 3),
    "subquery under filters, order and limit": (
        ["users", "--load", "posts=subquery", "--where", "id > 2", "--order", "id:desc", "--limit", "4"], [], 2,
    ),
    "joined to-one and selectin many-to-many, lazy to-one touched": (
        ["posts", "--load", "user=joined", "--load", "tags=selectin", "--where", "id <= 12", "--limit", "5"],
        ["comments.author"],
        None,
    ),
    "joined collection under selectin, immediate beside it": (
        ["users", "--load", "posts=selectin", "--load", "posts.comments=joined", "--load", "comments=immediate",
         "--where", "id in 2,4,6", "--where", "name like 'user%'"],
        [],
        None,
    ),
    "raise refuses the touch": (["users", "--load", "posts=raise"], ["posts"], 1),
}  # fmt: skip
ORDER_FREE = {"joined collection under selectin, immediate beside it"}
"""SQLAlchemy runs the post-loads of one object's relationships (selectin, immediate) in the order of a
set of properties, which two processes need not share: the same statements, in either order."""


def app_lines(output: str, numbered: bool = True) -> list[str]:
    """What both print about a run, without timings and SQL text (the app formats SQL, the script prints it as sent)."""
    lines = [_MS.sub("", line) for line in output.splitlines() if line and not line.startswith(" ")]
    return lines if numbered else [_NUMBER.sub("#", line) for line in lines]


def run_script(path: Path, url: str | None, **env: str) -> str:
    environment = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "DATABASE_PASSWORD")}
    environment.update(env)
    if url is not None:
        environment["DATABASE_URL"] = url
    done = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, env=environment, cwd=path.parent, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stderr == "", done.stderr  # no SQLAlchemy warning either: the models configure cleanly
    return done.stdout


def invoke(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize("case", list(CASES))
def test_a_query_script_prints_what_the_app_reports(seeded_db: TestDatabase, tmp_path: Path, case: str) -> None:
    query, touch, statements = CASES[case]
    touch_args = [arg for path in touch for arg in ("--touch", path)]
    script = tmp_path / "script.py"
    invoke("query", seeded_db.url, *query, *touch_args, "--script", "-o", str(script))
    printed = run_script(script, seeded_db.url)

    reported = json.loads(invoke("query", seeded_db.url, *query, *touch_args, "--json"))
    summary, matched = reported["summary"], reported["matched_roots"]
    roots = f"{summary['root_rows']:,} of {matched:,}" if matched not in (None, summary["root_rows"]) else f"{summary['root_rows']:,}"
    assert printed.splitlines()[-1] == (
        f"{summary['statements']:,} statement{'s' * (summary['statements'] != 1)}, {summary['rows']:,} rows received, "
        f"{summary['entities']:,} entities ({roots} root rows)"
    )
    if statements is not None:
        assert summary["statements"] == statements
    shown = invoke("query", seeded_db.url, *query, *touch_args)
    if case in ORDER_FREE:
        assert sorted(app_lines(printed, numbered=False)) == sorted(app_lines(shown, numbered=False))
    else:
        assert app_lines(printed) == app_lines(shown)


def test_the_script_holds_the_pieces_a_reader_learns_from(seeded_db: TestDatabase) -> None:
    joined = invoke("query", seeded_db.url, "users", "--load", "posts=joined", "--script")
    assert "unique=True" in joined and "repeats each root row once per child row" in joined
    assert "class User(Base):" in joined and "class Post(Base):" in joined and "class Tag(" not in joined
    assert "joinedload(User.posts)" in joined and 'os.environ.get("DATABASE_URL")' in joined
    assert "create_async_engine" in joined and "AsyncSession(engine" in joined and "event.listen(" in joined

    lazy = invoke("query", seeded_db.url, "users", "--touch", "posts.comments", "--script")
    assert "unique=False" in lazy
    assert "    posts = [child for parent in roots for child in parent.posts]\n" in lazy
    assert "    comments = [child for parent in posts for child in parent.comments]\n" in lazy
    assert "await session.run_sync(touch, list(roots), log)" in lazy


def test_a_fanout_script_prints_every_plan_as_the_fanout_measures_it(seeded_db: TestDatabase, tmp_path: Path) -> None:
    args = ["fanout", seeded_db.url, "users", "--path", "posts.comments", "--path", "posts.tags",
            "--strategies", "joined,selectin,subquery,immediate,select,joined+selectin,mixed"]  # fmt: skip
    script = tmp_path / "fanout.py"
    invoke(*args, "--script", "-o", str(script))
    printed = run_script(script, seeded_db.url).splitlines()
    table = printed[printed.index(next(line for line in printed if line.startswith("strategy"))) + 1 :]
    from_script = {line.split()[0]: [int(cell.replace(",", "")) for cell in line.split()[1:]] for line in table}

    report = json.loads(invoke(*args, "--runs", "0", "--json"))
    measured = {r["strategy"]: [r["statements"], r["rows"], r["entities"], r["root_rows"]] for r in report["results"]}
    assert from_script == measured
    links = POSTS * TAGS_PER_POST
    assert measured["selectin"][:2] == [4, USERS + POSTS + COMMENTS + links]


def test_a_script_imports_the_models_given_with_models(seeded_db: TestDatabase, tmp_path: Path) -> None:
    models = tmp_path / "blog_models.py"
    seeded = Path(__file__).with_name("seeded.py").read_text()
    models.write_text(seeded[: seeded.index("def rows()")].replace("from sqla_tui.core.connect.engine import connect\n", "").replace("from tests.databases import database_fixture\n", ""))
    query = ["users", "--models", f"{models}:Base", "--load", "posts=selectin", "--touch", "posts.comments"]
    script = tmp_path / "script.py"
    invoke("query", seeded_db.url, *query, "--script", "-o", str(script))
    text = script.read_text()
    assert "from blog_models import Comment, Post, User" in text and "class User(" not in text
    assert app_lines(run_script(script, seeded_db.url)) == app_lines(invoke("query", seeded_db.url, *query))


@pytest.mark.parametrize("seeded_db", ["sqlite"], indirect=True)
def test_without_database_url_the_script_opens_the_database_it_was_written_on(seeded_db: TestDatabase, tmp_path: Path) -> None:
    script = tmp_path / "script.py"
    invoke("query", seeded_db.url, "users", "--touch", "posts", "--script", "-o", str(script))
    assert run_script(script, None).splitlines()[-1] == f"{1 + USERS} statements, {USERS + POSTS} rows received, {USERS + POSTS} entities ({USERS} root rows)"


@pytest.mark.parametrize("seeded_db", ["postgresql"], indirect=True)
def test_a_password_is_never_written_and_comes_from_the_environment(seeded_db: TestDatabase, tmp_path: Path) -> None:
    with_password = f"postgresql://postgres:s3cr%40t@{PG_HOST}:{PG_PORT}/{seeded_db.name}?sslmode=disable"
    script = tmp_path / "script.py"
    invoke("query", with_password, "users", "--script", "-o", str(script))
    text = script.read_text()
    assert "s3cr" not in text and "password=os.environ.get('DATABASE_PASSWORD')" in text
    assert run_script(script, None, DATABASE_PASSWORD="s3cr@t").splitlines()[-1].startswith("1 statement, ")  # trust: any password


def test_a_script_file_that_cannot_be_written_is_one_line(seeded_db: TestDatabase, tmp_path: Path) -> None:
    result = runner.invoke(app, ["query", seeded_db.url, "users", "--script", "-o", str(tmp_path / "no" / "such.py")])
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [f"error: cannot write {tmp_path / 'no' / 'such.py'}: No such file or directory"]


def test_a_script_over_hostile_names_runs(hostile_db: TestDatabase, tmp_path: Path) -> None:
    """Columns named like keywords, placeholders and class machinery; a table named with quotes, ``%`` and ``:``."""
    query = ["user", "--where", '"ünï cödé" in ç,ñ', "--order", '"a:b":desc', "--load", "orders=selectin", "--touch", f"orders.{NOTES}"]
    script = tmp_path / "script.py"
    invoke("query", hostile_db.url, *query, "--script", "-o", str(script))
    text = script.read_text()
    assert "    metadata_: Mapped[str | None] = mapped_column('metadata', " in text and "    class_: " in text
    printed = app_lines(run_script(script, hostile_db.url))
    assert printed == app_lines(invoke("query", hostile_db.url, *query))
    assert printed[-1] == "5 statements, 9 rows received, 9 entities (2 root rows)"  # 1 main, 1 selectin, 3 lazy


def test_a_script_opens_the_schema_libpq_options_chose(tmp_path: Path) -> None:
    """``?options=-c search_path=billing`` picks the schema: the script's fallback URL lost it and counted public's
    3 orders, and a DATABASE_URL holding libpq's options failed in asyncpg (unexpected keyword argument 'options')."""
    database = create_database("postgresql", tmp_path)
    try:
        run_ddl(database, "CREATE TABLE orders (id INTEGER PRIMARY KEY)", "INSERT INTO orders VALUES (1), (2), (3)")
        run_ddl(database, "CREATE SCHEMA billing", "CREATE TABLE billing.orders (id INTEGER PRIMARY KEY)",
                "INSERT INTO billing.orders SELECT generate_series(1, 5)")  # fmt: skip
        libpq = "options=-c%20search_path%3Dbilling&application_name=report&connect_timeout=5&sslmode=disable"
        url = f"postgresql://postgres:s3cr%40t@{PG_HOST}:{PG_PORT}/{database.name}?{libpq}"
        script = tmp_path / "script.py"
        invoke("query", url, "orders", "--script", "-o", str(script))
        text = script.read_text()
        assert "s3cr" not in text
        assert "query={'options': '-c search_path=billing', 'application_name': 'report', 'connect_timeout': '5', 'ssl': 'disable'}" in text
        five = "1 statement, 5 rows received, 5 entities (5 root rows)"
        assert app_lines(invoke("query", url, "orders"))[-1] == five
        assert run_script(script, None, DATABASE_PASSWORD="s3cr@t").splitlines()[-1] == five
        assert run_script(script, url.replace(":s3cr%40t", "")).splitlines()[-1] == five
        psql_spelling = f"postgres://postgres@{PG_HOST}:{PG_PORT}/{database.name}?options=-csearch_path%3Dbilling&sslmode=prefer"
        assert run_script(script, psql_spelling).splitlines()[-1] == five
    finally:
        database.drop()
