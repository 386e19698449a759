"""The server disappears during a pool load: errors are counted, nothing hangs, and it recovers."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text

from sqla_tui.core.connect.target import PoolOptions
from sqla_tui.core.observe.monitor import PoolMonitor, create_monitored_engine
from sqla_tui.core.pool.load import LoadGenerator, LoadSpec
from tests.databases import (
    MY_HOST,
    MY_PORT,
    PG_HOST,
    PG_PORT,
    require_server,
    run_async,
)
from tests.server_probes import until
from tests.tcp_proxy import TcpProxy

TARGETS = {
    "postgresql": ((PG_HOST, PG_PORT), "postgresql://postgres@127.0.0.1:{port}/postgres"),
    "mariadb": ((MY_HOST, MY_PORT), "mysql://root@127.0.0.1:{port}/mysql"),
}


async def _true(value: bool) -> bool:
    return value


@pytest.mark.parametrize("backend", ["postgresql", "mariadb"])
def test_load_survives_the_server_going_away_and_coming_back(backend: str) -> None:
    require_server(backend)
    (host, port), template = TARGETS[backend]
    proxy = TcpProxy(host, port)
    proxy.start()

    async def scenario() -> tuple[int, int, int, int, int]:
        engine = create_monitored_engine(template.format(port=proxy.port), PoolOptions(pool_size=3, pool_timeout=1))
        monitor = PoolMonitor(engine)
        load = LoadGenerator(engine, LoadSpec("steady", tasks=4, hold_ms=20, duration_s=120))
        running = asyncio.create_task(load.run())

        def checkouts() -> int:
            return monitor.snapshot().counters.checkouts

        try:
            await until(lambda: _true(checkouts() > 0), "checkouts before the outage")
            before_outage = checkouts()
            await asyncio.to_thread(proxy.stop)
            await until(lambda: _true(load.errors + load.timeouts > 0), "the outage noticed")
            await asyncio.to_thread(proxy.start)
            back = checkouts()
            await until(lambda: _true(checkouts() > back), "checkouts resumed")
            after = checkouts()
            load.stop()
            result = await running
            async with engine.connect() as conn:
                answer = int(await conn.scalar(text("SELECT 1")))
            return before_outage, back, after, result.errors + result.timeouts, answer
        finally:
            load.stop()
            monitor.close()
            await engine.dispose()

    try:
        before_outage, back, after, failures, answer = run_async(scenario())
    finally:
        proxy.close()
    assert before_outage > 0
    assert failures > 0  # the outage was noticed and counted, not raised
    assert after > back  # checkouts resumed once the server was back
    assert answer == 1
