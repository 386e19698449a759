"""Query history: every run kept per connection, listed, searched with ctrl+r, and run again with --spec @N."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sqla_tui.cli import app
from sqla_tui.core.connect.target import Target
from sqla_tui.core.query.spec import LoadOption, QuerySpec
from sqla_tui.settings import history
from sqla_tui.tui.widgets.loader_toggles import LoaderToggles
from sqla_tui.tui.widgets.statement_log import StatementLogTable
from tests.databases import TestDatabase
from tests.seeded import POSTS, USERS, seeded_db
from tests.settings_helpers import settings_home
from tests.test_tui_compose import SIZE, open_compose
from tests.tui_helpers import make_app, pause_until, settle

runner = CliRunner()


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args))


def test_runs_are_kept_listed_and_run_again(settings_home: Path, seeded_db: TestDatabase) -> None:
    assert invoke("connections", "add", "seeded", seeded_db.url).exit_code == 0
    first = invoke("query", "seeded", "users", "--load", "posts=selectin", "--json")
    assert first.exit_code == 0, first.stderr
    assert invoke("query", "seeded", "posts", "--where", "id > 3", "--limit", "5").exit_code == 0
    listed = invoke("history", "seeded").stdout.splitlines()
    assert listed[0] == "seeded:"
    assert [line.split()[0] for line in listed[1:]] == ["@1", "@2"]
    assert listed[1].endswith("posts · id > 3 · limit 5") and listed[2].endswith("users · posts=selectin · limit 100")
    again = invoke("query", "seeded", "--spec", "@2", "--json")
    assert again.exit_code == 0, again.stderr
    assert [s["sql"] for s in json.loads(again.stdout)["statements"]] == [s["sql"] for s in json.loads(first.stdout)["statements"]]
    assert len(json.loads(again.stdout)["statements"]) == 2
    # running @2 again made it the newest, not a third entry
    assert [entry.spec.root for entry in history.entries(Target(seeded_db.url, name="seeded"))] == ["users", "posts"]
    assert "seeded:" in invoke("history").stdout


PERSON_MODELS = """
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Person(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]
"""


def test_a_run_over_the_users_models_runs_again_over_them_from_anywhere(
    settings_home: Path, seeded_db: TestDatabase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """History kept only the root ("Person"): --spec @1 without --models answered "no table 'Person'"."""
    assert invoke("connections", "add", "seeded", seeded_db.url).exit_code == 0
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "people.py").write_text(PERSON_MODELS)
    monkeypatch.chdir(tmp_path / "app")
    first = invoke("query", "seeded", "Person", "--models", "people.py:Base", "--limit", "3", "--json")
    assert first.exit_code == 0, first.stderr
    monkeypatch.chdir(tmp_path)
    assert invoke("history", "seeded").stdout.splitlines()[1].endswith(f"Person · limit 3 · --models {tmp_path}/app/people.py:Base")
    again = invoke("query", "seeded", "--spec", "@1", "--json")
    assert again.exit_code == 0, again.stderr
    assert json.loads(again.stdout)["rows"] == json.loads(first.stdout)["rows"] and len(json.loads(again.stdout)["rows"]) == 3


def test_history_by_url_never_keeps_the_password(settings_home: Path, tmp_path: Path) -> None:
    target = Target("postgresql://app:hunter2@db.example.com/shop")
    history.remember(target, QuerySpec("users"))
    files = list((tmp_path / "data" / "sqla-tui" / "history").iterdir())
    assert len(files) == 1 and "hunter2" not in files[0].read_text() and files[0].name.startswith("url-")
    assert history.entries(Target("postgresql://app:other@db.example.com/shop"))[0].connection == "postgresql://app:***@db.example.com/shop"


def test_history_is_bounded_and_survives_a_torn_line(settings_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(history, "LIMIT", 5)
    target = Target(None)
    for limit in range(1, 9):
        history.remember(target, QuerySpec("users", limit=limit))
    with history.history_file(target).open("a") as handle:
        handle.write('{"at": "2026-01-01", "spec": {"root": ')  # a crash mid-write
    assert [entry.spec.limit for entry in history.entries(target)] == [8, 7, 6, 5, 4]


@pytest.mark.parametrize(
    ("spec", "expected"),
    [("@9", "history of seeded has no entry 9 (no entries yet); pick another with 'sqla-tui history seeded'"), ("@x", "--spec '@x': a history entry is @ and its number")],
)
def test_a_missing_entry_is_one_line(settings_home: Path, tmp_path: Path, spec: str, expected: str) -> None:
    invoke("connections", "add", "seeded", f"sqlite:///{tmp_path}/x.db")
    result = invoke("query", "seeded", "--spec", spec)
    assert result.exit_code == 2 and result.stderr.count("\n") == 1 and expected in result.stderr


@pytest.mark.parametrize("seeded_db", ["sqlite", "postgresql"], indirect=True)
async def test_ctrl_r_in_compose_brings_a_run_back(settings_home: Path, seeded_db: TestDatabase) -> None:
    async with make_app(seeded_db.url).run_test(size=SIZE) as pilot:
        screen = await open_compose(pilot, "users")
        await pilot.press("down", "3")  # posts: selectin
        await pilot.press("r")
        await settle(pilot)
        assert [run.rows for run in screen.query_one(StatementLogTable).items] == [USERS, POSTS]
    kept = history.entries(Target(seeded_db.url))
    assert [entry.line for entry in kept] == ["users · posts=selectin · limit 100"]

    async with make_app(seeded_db.url).run_test(size=SIZE) as pilot:
        screen = await open_compose(pilot, "posts")
        await pilot.press("ctrl+r")
        await settle(pilot)
        await pilot.press(*"selectin", "enter")
        await settle(pilot)
        await pause_until(pilot, lambda: screen.composer is not None and screen.composer.root == "users", "users composed again")
        assert screen.composer.spec.loads == [LoadOption("posts", "selectin")]  # type: ignore[union-attr]
        assert screen.query_one(LoaderToggles).strategies == {"posts": "selectin"}
        await pilot.press("r")
        await settle(pilot)
        assert [run.rows for run in screen.query_one(StatementLogTable).items] == [USERS, POSTS]
