"""The server disappears while the pool screen runs a load: the UI stays alive and recovers."""

from __future__ import annotations

import re

from sqla_tui.core.connect.target import PoolOptions
from sqla_tui.tui.screens.pool_screen import PoolScreen
from sqla_tui.tui.widgets.gauge import Gauge
from tests.databases import PG_HOST, PG_PORT, require_server
from tests.tcp_proxy import TcpProxy
from tests.tui_helpers import make_app, pause_until, settle


async def test_pool_screen_survives_the_server_going_away() -> None:
    require_server("postgresql")
    proxy = TcpProxy(PG_HOST, PG_PORT)
    proxy.start()
    try:
        app = make_app(f"postgresql://postgres@127.0.0.1:{proxy.port}/postgres", PoolOptions(pool_size=3, pool_timeout=1))
        async with app.run_test(size=(150, 50)) as pilot:
            await settle(pilot)
            await pilot.press("p")
            await pause_until(pilot, lambda: isinstance(app.screen, PoolScreen), "the pool screen")
            await pilot.press("tab", "4", "tab", "20", "tab", "30", "enter")  # steady, 4 tasks, 20 ms, stopped below
            out = app.screen.query_one("#gauge-out", Gauge)
            await pause_until(pilot, lambda: out.value > 0, "connections checked out")
            proxy.stop()  # the server is gone
            await pilot.press("escape")  # keys still answered: leave the screen and come back
            await pause_until(pilot, lambda: not isinstance(app.screen, PoolScreen), "the home screen")
            await pilot.press("p")
            await pause_until(pilot, lambda: isinstance(app.screen, PoolScreen), "the pool screen again")
            await pause_until(pilot, lambda: out.value == 0, "the dead connections gone")
            proxy.start()  # the server is back
            await pause_until(pilot, lambda: out.value > 0, "checkouts resumed")
            screen = app.screen
            assert isinstance(screen, PoolScreen)
            await pilot.press("x")
            await pause_until(pilot, lambda: screen.status.startswith("steady: 4 tasks"), "the run's summary")
            assert "stopped" in screen.status
            failures = re.search(r"([\d,]+) timeouts, ([\d,]+) other errors", screen.status)
            assert failures is not None and int(failures[1].replace(",", "")) + int(failures[2].replace(",", "")) > 0, screen.status
    finally:
        proxy.close()
