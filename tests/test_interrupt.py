"""Ctrl-C or SIGTERM on a command: it exits with one line, and nothing it started keeps running on the server.

Every probe of the server is scoped to the test's own database (and the
statement's text), so another client's EXPLAIN or SLEEP on the same server
cannot make a test pass or fail (run ``python -m tests.noisy_neighbour`` beside
the suite to check). The exit is waited for with a deadline of two seconds,
the bound the CLI promises whatever the network does.
"""

from __future__ import annotations

import signal
import subprocess
import sys

import pytest

from tests.databases import MY_HOST, MY_PORT, PG_HOST, PG_PORT, TestDatabase, database_fixture, run_async
from tests.server_probes import left_running, running, wait_until
from tests.tcp_proxy import TcpProxy

EXIT_DEADLINE_S = 2.0
"""The CLI ends this soon after Ctrl-C or SIGTERM, whatever the network does."""
SLEEPS = {"postgresql": "SELECT pg_sleep(30)", "mariadb": "SELECT SLEEP(30)"}
EXPLAINED = {"postgresql": "EXPLAIN%pg_sleep(30)%", "mariadb": "ANALYZE%SLEEP(30)%"}
SLOW_QUERY = {"postgresql": "SELECT pg_sleep%", "mariadb": "SELECT SLEEP%"}
SERVERS = {"postgresql": (PG_HOST, PG_PORT), "mariadb": (MY_HOST, MY_PORT)}
ENDINGS = {signal.SIGINT: (130, "interrupted"), signal.SIGTERM: (143, "terminated")}

server_db = database_fixture("server_db", backends=("postgresql", "mariadb"), scope="function")


def _start(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "sqla_tui", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _explain_sleep(database: TestDatabase, url: str | None = None) -> subprocess.Popen[str]:
    url = (url or database.url).replace("mysql://", "mariadb://")  # the MariaDB dialect name must be handled too
    return _start("explain", url, "--sql", SLEEPS[database.backend], "--analyze")


def _count(database: TestDatabase, like: str) -> int:
    return run_async(running(database, like))


def _ends_within_deadline(process: subprocess.Popen[str], signum: int) -> str:
    """Send ``signum``, wait for the exit with the deadline, check status and line; the stderr."""
    process.send_signal(signum)
    wait_until(lambda: process.poll() is not None, "the command to exit", EXIT_DEADLINE_S)
    _, stderr = process.communicate()
    status, line = ENDINGS[signum]
    assert process.returncode == status
    assert "Traceback" not in stderr and stderr.strip() == line
    return stderr


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_a_signal_stops_a_long_analyze_on_the_server(server_db: TestDatabase, signum: int) -> None:
    process = _explain_sleep(server_db)
    try:
        wait_until(lambda: _count(server_db, EXPLAINED[server_db.backend]) == 1, "the long query to start")
        _ends_within_deadline(process, signum)
        wait_until(lambda: _count(server_db, EXPLAINED[server_db.backend]) == 0, "the server to stop the query")
    finally:
        process.kill()


def test_ctrl_c_ends_an_analyze_on_a_stalled_network(server_db: TestDatabase) -> None:
    """The network stops forwarding mid-statement: the cancel cannot get through, and the command still ends."""
    proxy = TcpProxy(*SERVERS[server_db.backend])
    proxy.start()
    try:
        port = SERVERS[server_db.backend][1]
        process = _explain_sleep(server_db, server_db.url.replace(f":{port}/", f":{proxy.port}/"))
        try:
            wait_until(lambda: _count(server_db, EXPLAINED[server_db.backend]) == 1, "the long query to start")
            proxy.stall()
            _ends_within_deadline(process, signal.SIGINT)
        finally:
            process.kill()
    finally:
        proxy.close()


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_a_signal_on_a_pool_run_leaves_no_statement_running(server_db: TestDatabase, signum: int) -> None:
    """slow-query with four running and two queued: once the command has exited, no sleep of it is left."""
    process = _start("pool", server_db.url, "--scenario", "slow-query", "--tasks", "6", "--hold-ms", "30000",
                     "--duration", "60", "--pool-size", "4", "--max-overflow", "0", "--pool-timeout", "60")  # fmt: skip
    try:
        wait_until(lambda: _count(server_db, SLOW_QUERY[server_db.backend]) == 4, "four sleeps running")
        _ends_within_deadline(process, signum)
        assert run_async(left_running(server_db)) == []
    finally:
        process.kill()
