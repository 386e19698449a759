"""The export key on every screen that has tables: the dialog, the format, the file, its exact content."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot

from sqla_tui.tui.screens.compose_screen import ComposeScreen
from sqla_tui.tui.screens.export_dialog import ExportDialog
from sqla_tui.tui.screens.pool_screen import PoolScreen
from tests.awkward_values import NOTES, awkward_db
from tests.databases import TestDatabase
from tests.test_export import CSV
from tests.tui_helpers import make_app, open_screen, pause_until, screen_text, settle

SIZE = (160, 45)


async def compose_over(pilot: Pilot[None], root: str) -> ComposeScreen:
    screen = await open_screen(pilot, "c", ComposeScreen)
    await pilot.press(*root, "enter")
    await settle(pilot)
    assert screen.composer is not None and screen.composer.root == root
    return screen


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The test's directory as the working directory, so paths are typed short and relative, as people type them.

    (Each key a Pilot presses waits for the app to go idle, ~60 ms; a pytest
    tmp_path typed in full took ~4 s a test.)
    """
    monkeypatch.chdir(tmp_path)
    return tmp_path


async def export_to(pilot: Pilot[None], path: str | None, *before: str) -> None:
    """The export key, choices made with ``before``, the path typed over the default (None: the default kept), Enter;
    then wait for the file."""
    await pilot.press("ctrl+s")
    await pilot.pause()
    assert isinstance(pilot.app.screen, ExportDialog)
    await pilot.press(*before)
    await pilot.press(*(["ctrl+u", *path] if path is not None else []), "enter")
    await pause_until(pilot, lambda: "exported" in screen_text(pilot.app), "the export's notification")


async def test_results_export_as_csv_with_exact_quoting(awkward_db: TestDatabase, here: Path) -> None:
    app = make_app(awkward_db.url)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await compose_over(pilot, "notes")
        await pilot.press("ctrl+s")  # before a run there is nothing to export
        await pilot.pause()
        assert not isinstance(app.screen, ExportDialog)
        assert "nothing to export yet: pick a root and run the query (r)" in " ".join(screen_text(app).split())
        await pilot.press("ctrl+j")
        await settle(pilot)
        await export_to(pilot, "notes.csv")
        assert (here / "notes.csv").read_text(encoding="utf-8") == CSV
        assert f"exported results-notes: {len(NOTES)} rows as csv to" in " ".join(screen_text(app).split())


async def test_statement_log_export_as_json_to_a_directory(awkward_db: TestDatabase, here: Path) -> None:
    app = make_app(awkward_db.url)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await compose_over(pilot, "notes")
        await pilot.press("r")
        await settle(pilot)
        # shift+tab up to the formats: right to json; up to the tables: right to the statement log
        await export_to(pilot, ".", "shift+tab", "right", "enter", "shift+tab", "right", "enter", "tab", "tab")
        written = json.loads((here / "statements-notes.json").read_text(encoding="utf-8"))
        assert [(row["n"], row["origin"], row["rows"]) for row in written] == [(1, "main query", len(NOTES))]
        assert written[0]["sql"].startswith("SELECT notes.id, notes.") and "FROM notes" in written[0]["sql"]


async def test_pool_series_export_as_markdown(awkward_db: TestDatabase, here: Path) -> None:
    app = make_app(awkward_db.url)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_screen(pilot, "p", PoolScreen)
        await pause_until(pilot, lambda: bool(screen.exportables()), "a pool sample")
        await export_to(pilot, "series.md", "shift+tab", "right", "right", "enter", "tab")
        lines = (here / "series.md").read_text(encoding="utf-8").splitlines()
        assert lines[:2] == ["| t | checked_out | idle | overflow | waiters | checkouts | timeouts |", "| --- " * 7 + "|"]
        assert len(lines) >= 3


async def test_a_missing_directory_is_one_line_and_the_dialog_stays(awkward_db: TestDatabase, here: Path) -> None:
    async def type_it(pilot: Pilot[None]) -> None:
        await pilot.press("ctrl+u", *"nowhere/x.csv")

    await _refused_and_the_dialog_stays(awkward_db, type_it, "create it or pick another")


async def test_a_file_name_too_long_is_one_line_and_the_dialog_stays(awkward_db: TestDatabase, here: Path) -> None:
    """Path.is_dir() raised "File name too long" (it ignores only some errors): the app ended with "unexpected
    OSError ... a bug in sqla-tui", and the session was lost."""
    from textual import events
    from textual.widgets import Input

    async def paste_it(pilot: Pilot[None]) -> None:
        await pilot.press("ctrl+u")
        pilot.app.screen.query_one("#export-path", Input).post_message(events.Paste("n" * 300 + ".csv"))
        await pilot.pause()

    await _refused_and_the_dialog_stays(awkward_db, paste_it, "too long; pick another file")  # the toast wraps "File name"


async def _refused_and_the_dialog_stays(
    database: TestDatabase, give_path: Callable[[Pilot[None]], Awaitable[None]], said: str
) -> None:
    """After a run, the export dialog given a path (``give_path``) and Enter: it says ``said`` and stays open."""
    app = make_app(database.url)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await compose_over(pilot, "notes")
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await pilot.pause()
        await give_path(pilot)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ExportDialog)
        assert said in " ".join(screen_text(app).split())
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ComposeScreen)


async def test_the_default_path_on_a_machine_without_a_downloads_directory_is_the_working_one(
    awkward_db: TestDatabase, here: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The dialog's default was ~/Downloads even where there is none (a server): Enter said "no directory"."""
    monkeypatch.setenv("HOME", str(here / "home"))
    monkeypatch.delenv("XDG_DOWNLOAD_DIR", raising=False)
    app = make_app(awkward_db.url)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await compose_over(pilot, "notes")
        await pilot.press("ctrl+j")
        await settle(pilot)
        await export_to(pilot, None)
        assert (here / "results-notes.csv").read_text(encoding="utf-8") == CSV
