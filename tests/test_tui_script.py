"""``w`` in compose and fan-out saves a runnable script in the current folder and says where."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.message import Message
from textual.notifications import Notify

from sqla_tui.tui.screens.fanout_screen import FanoutScreen
from sqla_tui.tui.widgets.statement_log import StatementLogTable
from tests.databases import TestDatabase
from tests.seeded import POSTS, USERS, seeded_db
from tests.test_script import app_lines, run_script
from tests.test_tui_compose import SIZE, open_compose, toggle
from tests.tui_helpers import make_app, settle

ON_SQLITE = pytest.mark.parametrize("seeded_db", ["sqlite"], indirect=True)


class Toasts(list[str]):
    """The notifications an app showed, as ``title: message``; pass as ``message_hook``."""

    def __call__(self, message: Message) -> None:
        if isinstance(message, Notify):
            self.append(f"{message.notification.title}: {message.notification.message}")


@ON_SQLITE
async def test_w_saves_the_composed_query_as_a_script_that_prints_the_same_log(
    seeded_db: TestDatabase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    app = make_app(seeded_db.url)
    toasts = Toasts()
    async with app.run_test(size=SIZE, message_hook=toasts) as pilot:
        screen = await open_compose(pilot)
        await toggle(pilot, "down", "space", "t")  # posts: select (lazy), touched
        await pilot.press("r")
        await settle(pilot)
        logged = [(run.count, run.origin, run.rows) for run in screen.query_one(StatementLogTable).items]
        assert logged == [(1, "main query", USERS), (USERS, "lazy load User.posts (touched)", POSTS)]
        await pilot.press("w", "w")  # a second save never overwrites the first
        await settle(pilot)
        saved = tmp_path / "sqla_tui_users.py"
        assert saved.is_file() and (tmp_path / "sqla_tui_users_2.py").is_file()
        assert sorted(toasts) == [f"Script saved: run it with: python {tmp_path / name}" for name in ("sqla_tui_users.py", "sqla_tui_users_2.py")]
    printed = app_lines(run_script(saved, seeded_db.url))
    assert printed[:2] == [f"#1  main query  rows={USERS}", f"#2-{USERS + 1} (x{USERS})  lazy load User.posts (touched)  rows={POSTS}"]
    assert printed[-1] == f"{1 + USERS} statements, {USERS + POSTS} rows received, {USERS + POSTS} entities ({USERS} root rows)"


@ON_SQLITE
async def test_w_saves_the_fanout_as_a_script_with_every_plan(
    seeded_db: TestDatabase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    app = make_app(seeded_db.url)
    toasts = Toasts()
    async with app.run_test(size=SIZE, message_hook=toasts) as pilot:
        await open_compose(pilot)
        await pilot.press("down", "3", "f")  # posts: selectin, then fan-out
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, FanoutScreen) and screen.report is not None
        measured = {r.strategy: [r.statements, r.rows, r.entities, r.root_rows] for r in screen.report.results}
        await pilot.press("w")
        await settle(pilot)
        saved = tmp_path / "sqla_tui_users_fanout.py"
        assert toasts == [f"Script saved: run it with: python {saved}"]
    printed = run_script(saved, seeded_db.url).splitlines()
    table = printed[printed.index(next(line for line in printed if line.startswith("strategy"))) + 1 :]
    assert {line.split()[0]: [int(cell) for cell in line.split()[1:]] for line in table} == measured


@ON_SQLITE
async def test_w_before_a_root_is_picked_is_a_warning(seeded_db: TestDatabase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    app = make_app(seeded_db.url)
    toasts = Toasts()
    async with app.run_test(size=SIZE, message_hook=toasts) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("escape", "w")  # out of the root filter first, or w is typed into it
        await pilot.pause()
        assert toasts == [": pick a root table first"]
        assert list(tmp_path.iterdir()) == []
