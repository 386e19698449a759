"""Ctrl-C on a long query: the command exits 130 at once, and the server stops the query."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

from sqlalchemy import text

from sqla_tui.core.connect.engine import connect
from tests.databases import TestDatabase, database_fixture, run_async

SLEEPS = {"postgresql": "SELECT pg_sleep(30)", "mariadb": "SELECT SLEEP(30)"}
ACTIVITY = {
    "postgresql": "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'EXPLAIN%pg_sleep%' AND state = 'active'",
    "mariadb": "SELECT count(*) FROM information_schema.processlist WHERE info LIKE 'ANALYZE%SLEEP%'",
}


server_db = database_fixture("server_db", backends=("postgresql", "mariadb"), scope="function")


async def _running(database: TestDatabase) -> int:
    admin_url = "postgresql://postgres@127.0.0.1/postgres" if database.backend == "postgresql" else "mysql://root@127.0.0.1/mysql"
    engine, _ = await connect(admin_url)
    try:
        async with engine.connect() as conn:
            return int(await conn.scalar(text(ACTIVITY[database.backend])))
    finally:
        await engine.dispose()


def _wait_for(condition, seconds: float) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_ctrl_c_stops_a_long_analyze(server_db: TestDatabase) -> None:
    url = server_db.url.replace("mysql://", "mariadb://")  # the MariaDB dialect name must be handled too
    command = [sys.executable, "-m", "sqla_tui", "explain", url, "--sql", SLEEPS[server_db.backend], "--analyze"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert _wait_for(lambda: run_async(_running(server_db)) == 1, 10), "the long query never started"
        started = time.monotonic()
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=10)
        assert process.returncode == 130
        assert time.monotonic() - started < 3
        assert "Traceback" not in stderr and stderr.strip() == "interrupted"
        assert _wait_for(lambda: run_async(_running(server_db)) == 0, 3), "the server is still running the query"
    finally:
        process.kill()
