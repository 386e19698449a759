"""Lessons in the app (l, Enter, n) and ? in the composer's loader tree, by keyboard alone."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from textual.widgets import DataTable, Static

from sqla_tui.tui.screens.learn_screen import LearnScreen
from sqla_tui.tui.screens.strategy_note import StrategyNote
from tests.seeded import seeded_db
from tests.test_tui_compose import SIZE, cursor_path, open_compose, toggle
from tests.tui_helpers import make_app, open_screen, settle

ON_SQLITE = pytest.mark.parametrize("seeded_db", ["sqlite"], indirect=True)


@ON_SQLITE
async def test_l_opens_a_lesson_and_n_steps_through_it_with_the_log(  # type: ignore[no-untyped-def]
    seeded_db, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    app = make_app(seeded_db.url)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_screen(pilot, "l", LearnScreen)
        await pilot.press("enter")  # the first lesson: the N+1
        await settle(pilot)
        check = screen.query_one("#learn-check", Static)
        log = screen.query_one("#learn-log", DataTable)
        assert str(check.render()) == "✓ holds here: 1 statement, 10 rows for 10 users"
        assert log.row_count == 1
        await pilot.press("n")
        await settle(pilot)
        assert str(check.render()).startswith("✓ holds here: 11 statements = 1 for the users + 10 lazy loads")
        assert log.row_count == 11
        assert [log.get_row_at(i)[2] for i in range(1, 11)] == ["lazy User.posts"] * 10
        assert "return [len(user.posts) for user in users]" in screen.query_one("#learn-code").code
    saved = json.loads((tmp_path / "sqla-tui" / "lessons.json").read_text())
    assert saved == {"lessons": {"n-plus-one": {"step": 1, "passed": [0, 1]}}}


@ON_SQLITE
async def test_question_mark_explains_the_strategy_under_the_cursor(seeded_db) -> None:  # type: ignore[no-untyped-def]
    app = make_app(seeded_db.url)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_compose(pilot)
        await toggle(pilot, "down")
        assert cursor_path(screen) == "posts"
        await toggle(pilot, "space", "space")  # default -> select -> joined
        await pilot.press("r")
        await settle(pilot)
        loads = screen.query_one("#compose-loads")
        for _ in range(10):  # from the statement log back to the loader tree, as a person tabs
            if screen.focused is loads:
                break
            await toggle(pilot, "shift+tab")
        assert screen.focused is loads
        await toggle(pilot, "question_mark")
        note = app.screen
        assert isinstance(note, StrategyNote)
        text = str(note.query_one("#strategy-note-text", Static).render())
        assert text.splitlines()[0] == "joinedload()"
        assert "needs .unique()" in text
        assert "This path is a collection: joined repeats the parent row per child" in text
        assert text.splitlines()[-1] == "Here: the last run loaded posts inside the main query: 1 statement(s), 30 rows"
        await pilot.press("escape")
        assert app.screen is screen


@ON_SQLITE
async def test_sqla_tui_learn_lesson_opens_the_app_on_that_lesson(  # type: ignore[no-untyped-def]
    seeded_db, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``sqla-tui learn unique URL``: the app, once connected, on the lesson's first step, its check run."""
    from sqla_tui.core.connect.target import Target
    from sqla_tui.tui.app import SqlaTuiApp

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    app = SqlaTuiApp(Target(seeded_db.url), lesson="unique")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, LearnScreen) and screen.lesson is not None and screen.lesson.name == "unique"
        check = str(screen.query_one("#learn-check", Static).render())
        assert check.startswith("✓ holds here: raised InvalidRequestError: The unique() method must be invoked")
        await pilot.press("p")  # already at the first step: nothing moves
        await pilot.press("n", "n")  # the last step, then a notice instead of a step past the end
        await settle(pilot)
        assert screen.index == 1
        assert str(screen.query_one("#learn-check", Static).render()) == (
            "✓ holds here: 30 rows became 10 users: unique() keeps one object per identity"
        )


def test_an_unreadable_progress_file_starts_over(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sqla_tui.core.lessons.progress import load_progress, remember

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    (tmp_path / "sqla-tui").mkdir()
    (tmp_path / "sqla-tui" / "lessons.json").write_text("{not json")
    assert load_progress() == {}
    remember("unique", 1, True)
    assert load_progress()["unique"].passed == (1,)


@ON_SQLITE
async def test_at_80_by_24_the_statements_that_prove_a_step_are_on_screen(  # type: ignore[no-untyped-def]
    seeded_db, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At 80×24 the statement log got no height at all: the 44-column lesson list, 8 lines of text and half the
    height for code left it nothing, so the statements that prove each claim were not on screen."""
    from tests.tui_helpers import screen_text

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    app = make_app(seeded_db.url)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_screen(pilot, "l", LearnScreen)
        await pilot.press("enter", "n")
        await settle(pilot)
        log = screen.query_one("#learn-log", DataTable)
        assert log.row_count == 11 and log.size.height >= 5  # its header and four statements
        shown = screen_text(app)
        assert "Statements this step sent" in shown
        assert sum("lazy User.posts" in line for line in shown.splitlines()) >= 2  # rows of the log, not its header
