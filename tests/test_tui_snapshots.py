"""SVG snapshots of the screens whose every character is the same on each run (pytest-textual-snapshot).

Home, schema with a table open, compose with loaders chosen and the plan of a
query: a change to any of them shows as an SVG diff to look at
(``pytest tests/test_tui_snapshots.py --snapshot-update`` accepts it). Screens
that show timings or live pool figures (compose after a run, fan-out, the
pool under load) differ on every run; tests/test_tui_layouts.py checks those
at three sizes instead.

The database is the small demo copied to a relative path, so the header's
URL is the same on every machine.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from tests.tui_helpers import make_app, settle, small_demo_cache

SIZE = (120, 36)


@pytest.fixture
def demo_here(small_demo_cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The small demo as ``demo.sqlite`` in the working directory; its URL names no machine's path."""
    shutil.copy(small_demo_cache / "sqla-tui" / "demo.sqlite", tmp_path / "demo.sqlite")
    monkeypatch.chdir(tmp_path)
    return "sqlite:///demo.sqlite"


def after(*keys: str) -> Callable[[Pilot[Any]], Any]:
    """Wait for the connection, then press each key and let what it started finish."""

    async def run(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)

    return run


def test_home(demo_here: str, snap_compare: Any) -> None:
    assert snap_compare(make_app(demo_here), terminal_size=SIZE, run_before=after())


def test_schema_with_a_table_open(demo_here: str, snap_compare: Any) -> None:
    assert snap_compare(make_app(demo_here), terminal_size=SIZE, run_before=after("s", "down", "down", "enter"))


def test_compose_with_loaders_chosen(demo_here: str, snap_compare: Any) -> None:
    keys = ("c", "down", "down", "down", "down", "enter", "down", "3", "down", "t")  # orders: selectin on user, touched
    assert snap_compare(make_app(demo_here), terminal_size=SIZE, run_before=after(*keys))


def test_explain_of_the_main_query(demo_here: str, snap_compare: Any) -> None:
    keys = ("c", "down", "enter", "r", "e")
    assert snap_compare(make_app(demo_here), terminal_size=SIZE, run_before=after(*keys))
