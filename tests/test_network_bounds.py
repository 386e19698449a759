"""Every network wait has a bound: a server that accepts and never answers, or the wrong kind of server, is one line.

aiomysql bounds only the TCP connect by itself; the greeting and the login
are bounded too, on every driver. The core tests use a one-second bound; the
CLI test the default one (DEFAULT_CONNECT_TIMEOUT), so it takes that long.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import Iterator

import pytest

from sqla_tui.core.connect.engine import DEFAULT_CONNECT_TIMEOUT, connect
from sqla_tui.core.errors import UserError
from tests.databases import PG_PORT, require_server
from tests.server_probes import wait_until
from tests.tcp_proxy import SilentServer

SCHEMES = ["mysql", "mariadb", "postgresql"]


@pytest.fixture
def silent() -> Iterator[SilentServer]:
    server = SilentServer()
    try:
        yield server
    finally:
        server.close()


@pytest.mark.parametrize("scheme", SCHEMES)
async def test_a_server_that_never_answers_is_one_line_within_the_bound(silent: SilentServer, scheme: str) -> None:
    url = f"{scheme}://someone:pw@127.0.0.1:{silent.port}/db"
    with pytest.raises(UserError) as raised:
        await asyncio.wait_for(connect(url, connect_timeout=1), 10)  # no bound: wait_for fails the test instead

    assert str(raised.value) == f"no answer from 127.0.0.1:{silent.port} in time; check the host, port and firewall"
    assert silent.accepted >= 1


async def test_a_mysql_url_at_postgresqls_port_says_which_server_listens_there() -> None:
    require_server("postgresql")
    with pytest.raises(UserError) as raised:
        await asyncio.wait_for(connect(f"mysql://root@127.0.0.1:{PG_PORT}/db", connect_timeout=1), 10)

    assert str(raised.value) == (
        f"no answer from 127.0.0.1:{PG_PORT} in time ({PG_PORT} is PostgreSQL's usual port, "
        "and this is a MySQL/MariaDB URL); check the host, port and firewall"
    )


def test_the_cli_gives_up_on_a_silent_mariadb_endpoint(silent: SilentServer) -> None:
    command = [sys.executable, "-m", "sqla_tui", "schema", f"mysql://root@127.0.0.1:{silent.port}/db"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_until(lambda: process.poll() is not None, "the command to give up", DEFAULT_CONNECT_TIMEOUT + 20)
        _, stderr = process.communicate()
    finally:
        process.kill()
    assert process.returncode == 2
    assert stderr == f"error: no answer from 127.0.0.1:{silent.port} in time; check the host, port and firewall\n"
