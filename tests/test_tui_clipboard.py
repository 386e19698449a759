"""Copy tells the truth: inside a real tmux that drops OSC 52 it says so and saves the text to a file."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from sqla_tui.tui.clipboard import system_copy, tmux_blocks_osc52
from tests.databases import TestDatabase
from tests.seeded import seeded_db
from tests.test_tui_compose_keys import compose_over
from tests.tui_helpers import make_app, pause_until, screen_text

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


@pytest.fixture
def tmux(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A tmux server of the test's own, with TMUX pointing at it as inside a session; killed after."""
    socket = tmp_path / "tmux.sock"
    subprocess.run(["tmux", "-S", str(socket), "-f", "/dev/null", "new-session", "-d", "-s", "t"], check=True)
    monkeypatch.setenv("TMUX", f"{socket},0,0")
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("XDG_DOWNLOAD_DIR", raising=False)
    try:
        yield socket
    finally:
        subprocess.run(["tmux", "-S", str(socket), "kill-server"], check=False)


def test_tmux_set_clipboard_decides(tmux: Path) -> None:
    subprocess.run(["tmux", "-S", str(tmux), "set", "-g", "set-clipboard", "external"], check=True)
    assert tmux_blocks_osc52() == "tmux's set-clipboard is external"
    subprocess.run(["tmux", "-S", str(tmux), "set", "-g", "set-clipboard", "on"], check=True)
    assert tmux_blocks_osc52() is None


def test_outside_tmux_nothing_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TMUX", raising=False)
    assert tmux_blocks_osc52() is None


@pytest.mark.parametrize("seeded_db", ["sqlite"], indirect=True)
async def test_copy_in_tmux_without_passthrough_says_so_and_saves_a_file(
    tmux: Path, seeded_db: TestDatabase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Saved to the downloads directory where there is one (here the test's own ~/Downloads)."""
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / "Downloads").mkdir()
    subprocess.run(["tmux", "-S", str(tmux), "set", "-g", "set-clipboard", "external"], check=True)
    if system_copy("probe"):
        pytest.skip("pyperclip found a system clipboard here, so nothing is lost")
    app = make_app(seeded_db.url)
    async with app.run_test(size=(160, 45), notifications=True) as pilot:
        screen = await compose_over(pilot, "users")
        await pilot.press("Y")
        saved = tmp_path / "Downloads" / "query.sql"
        await pause_until(pilot, lambda: "exported SQL to" in " ".join(screen_text(app).split()), "the saved copy")
        shown = " ".join(screen_text(app).split())
        assert "SQL not copied: tmux's set-clipboard is external" in shown
        assert saved.read_text(encoding="utf-8") == screen.query_one("#compose-sql").code  # type: ignore[attr-defined]


@pytest.mark.parametrize("seeded_db", ["sqlite"], indirect=True)
async def test_a_copy_saved_to_a_file_never_overwrites_one_of_the_users(
    tmux: Path, seeded_db: TestDatabase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With no clipboard to trust, y wrote ./query.py over the user's own file of that name."""
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.chdir(tmp_path)  # no ~/Downloads: the working directory, where their own query.py is
    (tmp_path / "query.py").write_text("# my important work\n", encoding="utf-8")
    subprocess.run(["tmux", "-S", str(tmux), "set", "-g", "set-clipboard", "external"], check=True)
    if system_copy("probe"):
        pytest.skip("pyperclip found a system clipboard here, so nothing is saved")
    app = make_app(seeded_db.url)
    async with app.run_test(size=(160, 45), notifications=True) as pilot:
        screen = await compose_over(pilot, "users")
        await pilot.press("y")
        await pause_until(pilot, (tmp_path / "query_2.py").exists, "the saved copy")
        await pause_until(pilot, lambda: "Saved to query_2.py" in " ".join(screen_text(app).split()), "where it went")
        assert (tmp_path / "query_2.py").read_text(encoding="utf-8") == screen.query_one("#compose-python").code  # type: ignore[attr-defined]
    assert (tmp_path / "query.py").read_text(encoding="utf-8") == "# my important work\n"
