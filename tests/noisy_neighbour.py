"""Another client on the test servers, on purpose: run it beside the suite to prove no test depends on being alone.

    python -m tests.noisy_neighbour [--seconds 600]      # Ctrl-C or SIGTERM to stop earlier

On PostgreSQL and MariaDB (those that are up) it creates a database of its
own and, until stopped, runs there what the suite's server probes look for:
``EXPLAIN ANALYZE SELECT pg_sleep(...)`` / ``ANALYZE SELECT SLEEP(...)`` in a
loop, and a slow-query pool load with queued checkouts, all named
``application_name = 'sqla-tui'`` like the tool's own sessions, to be nasty.
A test whose probe is scoped to its own database and sessions never sees any
of it. Its databases are dropped when it ends.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import uuid

from sqla_tui.core.connect.engine import connect
from sqla_tui.core.connect.target import PoolOptions
from sqla_tui.core.observe.monitor import create_monitored_engine
from sqla_tui.core.plans.explain import explain
from sqla_tui.core.pool.load import LoadGenerator, LoadSpec
from tests.databases import MY_HOST, MY_PORT, PG_HOST, PG_PORT, _admin, _reachable

SERVERS = {
    "postgresql": (PG_HOST, PG_PORT, "postgresql://postgres@{host}:{port}/{name}", "SELECT pg_sleep(0.5)"),
    "mariadb": (MY_HOST, MY_PORT, "mysql://root@{host}:{port}/{name}", "SELECT SLEEP(0.5)"),
}
LOAD = LoadSpec("slow-query", tasks=6, hold_ms=2000, duration_s=600)
POOL = PoolOptions(pool_size=3, max_overflow=0, pool_timeout=5)


async def _explain_forever(url: str, sql: str) -> None:
    engine, _ = await connect(url)
    try:
        while True:
            await explain(engine, sql, analyze=True)
    finally:
        await engine.dispose()


async def _load_forever(url: str) -> None:
    engine = create_monitored_engine(url, POOL)
    try:
        while True:
            await LoadGenerator(engine, LOAD).run()
    finally:
        await engine.dispose()


async def neighbour(seconds: float) -> None:
    """Run the EXPLAINs and the pool load on every server that is up, in databases of their own, then drop them."""
    name = f"sqla_tui_neighbour_{uuid.uuid4().hex[:8]}"
    created: list[str] = []
    work = []
    try:
        for backend, (host, port, template, sql) in SERVERS.items():
            if not _reachable(host, port):
                print(f"{backend}: not reachable at {host}:{port}, skipped")
                continue
            await _admin(*_create(backend, name))
            created.append(backend)
            url = template.format(host=host, port=port, name=name)
            work += [_explain_forever(url, sql), _explain_forever(url, sql), _load_forever(url)]
            print(f"{backend}: EXPLAIN ANALYZE of {sql} twice over, and a slow-query pool load, in {name}")
        # SIGTERM ends it as the deadline does: a script that started it in the background (where SIGINT is
        # ignored) stops it with kill, and its databases are still dropped
        running = asyncio.ensure_future(asyncio.gather(*work))
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, running.cancel)
        with contextlib.suppress(TimeoutError, asyncio.CancelledError):
            await asyncio.wait_for(running, seconds)
    finally:
        for backend in created:
            await _admin(*_drop(backend, name))


def _create(backend: str, name: str) -> tuple[str, str]:
    from tests.databases import MY_ADMIN_URL, PG_ADMIN_URL

    if backend == "postgresql":
        return PG_ADMIN_URL, f'CREATE DATABASE "{name}"'
    return MY_ADMIN_URL, f"CREATE DATABASE `{name}`"


def _drop(backend: str, name: str) -> tuple[str, str]:
    from tests.databases import MY_ADMIN_URL, PG_ADMIN_URL

    if backend == "postgresql":
        return PG_ADMIN_URL, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
    return MY_ADMIN_URL, f"DROP DATABASE IF EXISTS `{name}`"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=600.0, help="how long to keep it up (default 600)")
    args = parser.parse_args()
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(neighbour(args.seconds))


if __name__ == "__main__":
    main()
