"""An exception nothing else caught, in the app: one masked notification, and the app carries on.

The failures are injected into sqla-tui's own handlers (a bug stands in for
any bug); the database and the app are real.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.message import Message

from sqla_tui.tui.app import SqlaTuiApp
from sqla_tui.tui.screens.home_screen import HomeScreen
from sqla_tui.tui.screens.schema_screen import SchemaScreen
from tests.tui_helpers import demo_cache, make_app, screen_text, settle, small_demo_cache

SECRET_URL = "postgresql://u:s3cret@db.example/x"
SIZE = (160, 40)


@pytest.fixture(autouse=True)
def _not_debugging(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SQLA_TUI_DEBUG", raising=False)


def _fails_once(monkeypatch: pytest.MonkeyPatch, owner: type, name: str) -> None:
    """Make ``owner.name`` raise an unexpected error quoting a URL with a password, the first time only."""
    original = getattr(owner, name)
    calls = []

    def flaky(self: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append(args)
        if len(calls) == 1:
            raise RuntimeError(f"at {SECRET_URL}")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(owner, name, flaky)


async def test_a_failing_key_action_is_a_notification_and_the_next_key_works(
    demo_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fails_once(monkeypatch, SqlaTuiApp, "action_open_screen")
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await pilot.pause()
        shown = " ".join(screen_text(app).split())
        assert "Unexpected error" in shown and "RuntimeError: at postgresql://u:***@db.example/x" in shown
        assert "s3cret" not in shown and app.is_running
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, SchemaScreen)


class Poke(Message):
    """A message only this test posts to the home screen."""


async def test_a_failing_screen_handler_leaves_the_screen_handling_messages(
    demo_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    handled: list[Poke] = []

    def on_poke(self: HomeScreen, message: Poke) -> None:
        handled.append(message)
        if len(handled) == 1:
            raise KeyError("first poke")

    monkeypatch.setattr(HomeScreen, "on_poke", on_poke, raising=False)
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        app.home.post_message(Poke())
        await pilot.pause()
        assert "KeyError: 'first poke'" in " ".join(screen_text(app).split())
        app.home.post_message(Poke())
        await pilot.pause()
        assert len(handled) == 2 and app.is_running


async def test_what_no_guard_catches_ends_the_app_with_status_2_not_a_traceback(demo_cache: Path) -> None:
    """A timer's callback runs outside any message handler: the app ends, with one line and status 2."""
    app = make_app()

    def broken_timer() -> None:
        raise RuntimeError(f"timer broke at {SECRET_URL}")

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.set_timer(0.01, broken_timer)
        for _ in range(100):
            if not app.is_running:
                break
            await pilot.pause(0.05)
    assert app.return_code == 2


async def test_sqla_tui_debug_keeps_textual_s_own_ending(demo_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SQLA_TUI_DEBUG", "1")
    _fails_once(monkeypatch, SqlaTuiApp, "action_open_screen")
    app = make_app()
    with pytest.raises(RuntimeError, match="at postgresql"):
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("s")
            await pilot.pause()
