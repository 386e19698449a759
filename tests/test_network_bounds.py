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
from tests.databases import MY_PORT, PG_PORT, require_server
from tests.server_probes import wait_until
from tests.tcp_proxy import SilentServer, WrongServer

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


@pytest.mark.parametrize("sslmode", ["", "?sslmode=disable", "?sslmode=allow", "?sslmode=prefer", "?sslmode=require"])
async def test_a_postgresql_url_at_mariadbs_port_says_it_did_not_answer_as_postgresql(sslmode: str) -> None:
    """It said the server "does not offer TLS, but the URL asks for it (sslmode=None)", or, with sslmode=disable,
    asyncpg's raw "connection was closed in the middle of operation"."""
    require_server("mariadb")
    if sslmode == "?sslmode=require" and MY_PORT != 3306:
        pytest.skip("under sslmode=require only MySQL's usual port tells another server from one without TLS")
    with pytest.raises(UserError) as raised:
        await asyncio.wait_for(connect(f"postgresql://postgres@127.0.0.1:{MY_PORT}/db{sslmode}", connect_timeout=5), 10)

    hint = f" ({MY_PORT} is MySQL/MariaDB's usual port, and this is a PostgreSQL URL)" if MY_PORT == 3306 else ""
    assert str(raised.value) == f"the server at 127.0.0.1:{MY_PORT} did not answer as PostgreSQL{hint}; check the host and port"


@pytest.mark.parametrize("sslmode", ["", "?sslmode=disable", "?sslmode=allow"])
async def test_a_postgresql_url_at_another_protocols_server_says_it_did_not_answer_as_postgresql(sslmode: str) -> None:
    server = WrongServer()
    try:
        with pytest.raises(UserError) as raised:
            await asyncio.wait_for(connect(f"postgresql://postgres@127.0.0.1:{server.port}/db{sslmode}", connect_timeout=5), 10)
    finally:
        server.close()

    assert str(raised.value) == f"the server at 127.0.0.1:{server.port} did not answer as PostgreSQL; check the host and port"
    assert server.accepted >= 1


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


@pytest.mark.parametrize("scheme", SCHEMES)
async def test_the_urls_connect_timeout_bounds_the_wait_on_every_driver(silent: SilentServer, scheme: str) -> None:
    """MySQL/MariaDB URLs waited the default 10 s whatever their ``connect_timeout`` said; PostgreSQL's honoured it."""
    url = f"{scheme}://someone:pw@127.0.0.1:{silent.port}/db?connect_timeout=1"
    with pytest.raises(UserError) as raised:
        await asyncio.wait_for(connect(url), DEFAULT_CONNECT_TIMEOUT - 5)  # the default would time this out instead

    assert str(raised.value) == f"no answer from 127.0.0.1:{silent.port} in time; check the host, port and firewall"
