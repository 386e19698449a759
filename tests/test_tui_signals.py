"""SIGTERM on the app: it quits as q does, after stopping its statements on the server; a silent server fails in one line.

The signal is sent to this very process while the app runs in it; a handler
installed first catches it if the app does not (so a missing handler fails
the test instead of killing the test run).
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Awaitable, Callable, Iterator
from types import FrameType

import pytest
from textual.pilot import Pilot

from sqla_tui.core.connect.engine import DEFAULT_CONNECT_TIMEOUT
from sqla_tui.core.connect.target import PoolOptions
from sqla_tui.tui.screens.pool_screen import PoolScreen
from sqla_tui.tui.widgets.connect_status import ConnectStatus
from tests.databases import TestDatabase
from tests.server_probes import DEADLINE_S, left_running, running
from tests.tcp_proxy import SilentServer
from tests.tui_helpers import make_app, pause_until, settle

SLEEPS = {"postgresql": "SELECT pg_sleep%", "mariadb": "SELECT SLEEP%"}


async def until_app(pilot: Pilot[object], condition: Callable[[], Awaitable[bool]], what: str, deadline_s: float) -> None:
    """Let the app run until an async condition holds; fail after ``deadline_s`` seconds."""
    ends = time.monotonic() + deadline_s
    while not await condition():
        if time.monotonic() > ends:
            raise AssertionError(f"gave up waiting for {what} after {deadline_s:g} s")
        await pilot.pause(0.05)


@pytest.fixture
def unhandled_sigterm() -> Iterator[list[int]]:
    """SIGTERMs that reached no handler of the app's (the list fills), instead of ending pytest."""
    caught: list[int] = []

    def catch(signum: int, frame: FrameType | None) -> None:
        caught.append(signum)

    previous = signal.signal(signal.SIGTERM, catch)
    try:
        yield caught
    finally:
        signal.signal(signal.SIGTERM, previous)


@pytest.mark.parametrize("backend", ["postgresql", "mariadb"])
async def test_sigterm_quits_and_leaves_no_statement_running(empty_db: TestDatabase, unhandled_sigterm: list[int]) -> None:
    app = make_app(empty_db.url, PoolOptions(pool_size=3, max_overflow=0, pool_timeout=60))
    async with app.run_test(size=(150, 50)) as pilot:
        await settle(pilot)
        await pilot.press("p")
        await pause_until(pilot, lambda: isinstance(app.screen, PoolScreen), "the pool screen")
        await pilot.press("enter", "down", "down", "down", "enter")  # steady -> burst -> leak -> slow-query
        await pilot.press("tab", "4", "tab", *"30000", "tab", "60", "enter")

        async def three_sleeping() -> bool:
            return await running(empty_db, SLEEPS[empty_db.backend]) == 3

        await until_app(pilot, three_sleeping, "three sleeps running on the server", DEADLINE_S)
        os.kill(os.getpid(), signal.SIGTERM)

        async def quit_() -> bool:
            return not app.is_running or bool(unhandled_sigterm)

        await until_app(pilot, quit_, "the app to quit", DEADLINE_S)
        assert unhandled_sigterm == []
    assert await left_running(empty_db) == []


async def test_a_silent_mariadb_endpoint_fails_in_one_line() -> None:
    silent = SilentServer()
    try:
        app = make_app(f"mysql://root@127.0.0.1:{silent.port}/db")
        async with app.run_test(size=(160, 40)) as pilot:
            status = app.home.query_one(ConnectStatus)

            async def failed() -> bool:
                return status.phase == "failed"

            await until_app(pilot, failed, "the connection to fail", DEFAULT_CONNECT_TIMEOUT + DEADLINE_S)
            assert status.message == f"no answer from 127.0.0.1:{silent.port} in time; check the host, port and firewall"
    finally:
        silent.close()
