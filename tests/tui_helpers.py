"""What the TUI tests share: the app factory, a small demo database, and ways to read the screen.

Fixtures live here rather than in conftest.py (owned by the foundation) and
are imported by the test modules that use them.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest
from textual.pilot import Pilot
from textual.screen import Screen

from sqla_tui.core.connect.target import PoolOptions, Target
from sqla_tui.tui.app import SqlaTuiApp
from tests.databases import TestDatabase, run_async
from tests.schema_fixtures import execute

DEMO_SCALE = 0.05
"""Small enough to build in well under a second; the names are what the TUI tests look at."""

DEMO_TABLES = [
    "audit_log",
    "comments",
    "messages",
    "order_items",
    "orders",
    "post_tags",
    "posts",
    "products",
    "profiles",
    "tags",
    "users",
]
DEMO_VIEW = "user_post_counts"


def make_app(url: str | None = None, pool: PoolOptions = PoolOptions()) -> SqlaTuiApp:
    """The app as ``sqla-tui [URL]`` builds it, but reading the names once connecting starts, as it does for a
    target chosen inside the app (the launch starts that read before Textual's import: ``early_names``)."""
    return SqlaTuiApp(Target(url=url, pool=pool))


@pytest.fixture(scope="session")
def small_demo_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache directory already holding a small demo database where ``ensure_demo_sqlite`` looks."""
    from sqla_tui.demo_db.load import build_demo_sqlite

    cache = tmp_path_factory.mktemp("cache")
    run_async(build_demo_sqlite(cache / "sqla-tui" / "demo.sqlite", scale=DEMO_SCALE))
    return cache


@pytest.fixture
def demo_cache(small_demo_cache: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point the user cache at the small demo, so ``sqla-tui`` with no URL opens it."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(small_demo_cache))
    yield small_demo_cache / "sqla-tui" / "demo.sqlite"


def run_ddl(database: TestDatabase, *statements: str) -> None:
    """Run statements in one transaction, as the user would outside the app (the app never writes)."""
    run_async(execute(database.url, *statements))


def create_two_tables(database: TestDatabase) -> None:
    """``authors``, and ``books`` with a foreign key to it."""
    run_ddl(
        database,
        "CREATE TABLE authors (id INTEGER PRIMARY KEY, name VARCHAR(50))",
        "CREATE TABLE books (id INTEGER PRIMARY KEY, author_id INTEGER REFERENCES authors(id))",
    )


async def settle(pilot: Pilot[object]) -> None:
    """Wait until no worker runs and what they posted has been handled (workers start workers)."""
    app = pilot.app
    for _ in range(20):
        await app.workers.wait_for_complete()
        await pilot.pause()
        if not any(worker.is_running for worker in app.workers):
            return
    raise AssertionError("workers did not settle")


ScreenT = TypeVar("ScreenT", bound=Screen[None])


async def open_screen(pilot: Pilot[None], key: str, kind: type[ScreenT]) -> ScreenT:
    """From a freshly started app: wait for the connection, press ``key``, wait for what that screen loads."""
    await settle(pilot)
    await pilot.press(key)
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, kind)
    return screen


async def pause_until(pilot: Pilot[object], condition: Callable[[], bool], what: str) -> None:
    """Let the app process messages until ``condition`` holds, leaving slow workers (a big catalog) running."""
    for _ in range(200):
        if condition():
            return
        await pilot.pause()
    raise AssertionError(f"gave up waiting for {what}")


def screen_text(app: SqlaTuiApp) -> str:
    """The screen as plain text lines, read from the SVG screenshot a user would see.

    Run the app with ``run_test(notifications=True)`` to see notifications too.
    """
    svg = app.export_screenshot()
    rows: dict[float, list[tuple[float, str]]] = {}
    for match in re.finditer(r'<text[^>]*?x="([\d.]+)" y="([\d.]+)"[^>]*>(.*?)</text>', svg):
        text = html.unescape(re.sub(r"<[^>]+>", "", match[3])).replace("\xa0", " ")
        rows.setdefault(float(match[2]), []).append((float(match[1]), text))
    return "\n".join("".join(text for _, text in sorted(rows[y])).rstrip() for y in sorted(rows))
