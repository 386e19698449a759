"""URLs as people paste them from .env files, shell lines and other tools' docs, tried on the real servers.

Each was one line of "not a database URL" (or a wrong reading) before: they
either open what they name or say in one line what to write instead.
"""

from __future__ import annotations

import json
import socket
from pathlib import Path
from urllib.parse import quote

import pytest
from typer.testing import CliRunner

from sqla_tui.cli import app
from sqla_tui.tui.widgets.connect_status import ConnectStatus
from tests.databases import MY_HOST, MY_PORT, PG_HOST, PG_PORT, require_server
from tests.tui_helpers import make_app, screen_text, settle

runner = CliRunner()


def _closed_port() -> int:
    """A port nothing listens on: the first host of a list, which the connection must pass over."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _schema(url: str) -> str:
    result = runner.invoke(app, ["schema", url, "--json"])
    assert result.exit_code == 0, result.stderr
    return str(json.loads(result.stdout)["schema"])


def _failure(url: str) -> str:
    result = runner.invoke(app, ["schema", url])
    assert result.exit_code == 2, result.output
    assert result.stderr.count("\n") == 1, result.stderr
    return result.stderr


@pytest.mark.parametrize(
    "wrap",
    [
        '"{}"',
        "'{}'",
        "DATABASE_URL={}",
        'DATABASE_URL="{}"\n',
        "export DATABASE_URL='{}'",
        "  {} \r\n",
    ],
)
def test_a_url_copied_from_a_env_file_or_a_shell_line_opens(wrap: str) -> None:
    require_server("postgresql")
    require_server("mariadb")
    assert _schema(wrap.format(f"postgresql://postgres@{PG_HOST}:{PG_PORT}/postgres")) == "public"
    assert _schema(wrap.format(f"mysql://root@{MY_HOST}:{MY_PORT}/mysql")) == "mysql"


def test_a_jdbc_url_says_what_to_write_instead() -> None:
    assert _failure(f"jdbc:postgresql://{PG_HOST}:{PG_PORT}/postgres?user=postgres&password=s3cret") == (
        f"error: 'jdbc:postgresql://{PG_HOST}:{PG_PORT}/postgres?user=postgres&password=***' is a JDBC URL, Java's spelling; "
        f"without 'jdbc:' it is one sqla-tui reads: postgresql://{PG_HOST}:{PG_PORT}/postgres?user=postgres&password=***\n"
    )
    assert _failure(f"JDBC:mysql://{MY_HOST}:{MY_PORT}/mysql") == (
        f"error: 'JDBC:mysql://{MY_HOST}:{MY_PORT}/mysql' is a JDBC URL, Java's spelling; "
        f"without 'jdbc:' it is one sqla-tui reads: mysql://{MY_HOST}:{MY_PORT}/mysql\n"
    )


def test_target_session_attrs_ask_for_the_servers_role_not_our_read_only_session() -> None:
    """read-write was refused by every server ("None of the hosts match…": sqla-tui's own sessions are read-only)
    and read-only accepted by any; the shared server is a primary, so read-write opens it and read-only says so."""
    require_server("postgresql")
    base = f"postgresql://postgres@{PG_HOST}:{PG_PORT}/postgres?target_session_attrs="
    for attrs in ("read-write", "primary", "any", "prefer-standby"):
        assert _schema(base + attrs) == "public"
    for attrs in ("read-only", "standby"):
        assert _failure(base + attrs) == (
            f"error: no server the URL names is a standby (target_session_attrs={attrs}); "
            "add one to the URL, or drop target_session_attrs\n"
        )


@pytest.mark.parametrize(
    "hosts",
    [
        "postgres@{free}:{closed},{host}:{port}/postgres",  # libpq's authority list: SQLAlchemy read "closed,host:port" as a port
        "postgres@{free}:{closed},{host}/postgres?port",  # a host without a port: libpq's 5432 (the shared server's, here)
        "postgres@/postgres?host={free}:{closed}&host={host}:{port}",
        "postgres@/postgres?host={free},{host}&port={closed},{port}",
        "postgres@/postgres?host={free}&host={host}&port={closed}&port={port}",  # was "unexpected ArgumentError… a bug"
    ],
)
def test_several_hosts_in_every_libpq_spelling_fail_over_to_the_one_that_answers(hosts: str) -> None:
    require_server("postgresql")
    if "?port" in hosts:
        if PG_PORT != 5432:
            pytest.skip("a host without a port is libpq's 5432, which is not the shared server's here")
        hosts = hosts.removesuffix("?port")
    url = "postgresql://" + hosts.format(free=PG_HOST, closed=_closed_port(), host=PG_HOST, port=PG_PORT)
    assert _schema(url) == "public"


def test_hosts_and_ports_that_do_not_pair_are_one_line() -> None:
    assert _failure(f"postgresql://postgres@/postgres?host={PG_HOST},{PG_HOST}&port=1,2,3") == (
        "error: the URL names 2 hosts and 3 ports: give one port for all, or one for each host\n"
    )


def test_a_percent_encoded_socket_directory_as_the_host_opens_it() -> None:
    """psql's ``postgresql://%2Fvar%2Frun%2Fpostgresql/db`` was "unknown host '%2Fvar%2Frun%2Fpostgresql'"."""
    require_server("postgresql")
    directory = "/var/run/postgresql"
    if not Path(directory, f".s.PGSQL.{PG_PORT}").exists():
        pytest.skip(f"the shared server has no socket in {directory}")
    encoded = quote(directory, safe="")
    assert _schema(f"postgresql://postgres@{encoded}:{PG_PORT}/postgres") == "public"
    assert _schema(f"postgres://{encoded.lower()}:{PG_PORT}/postgres?user=postgres") == "public"
    result = runner.invoke(app, ["schema", f"postgresql://postgres@{encoded}:{PG_PORT}/postgres"])
    assert result.stdout.splitlines()[0].startswith(
        f"postgresql+asyncpg://postgres@:{PG_PORT}/postgres?host=/var/run/postgresql  (PostgreSQL "
    )


@pytest.mark.parametrize(
    "url",
    [
        'DATABASE_URL="postgresql://postgres:s3cr%40t@{pg}/postgres?target_session_attrs=read-write"',
        "postgresql://postgres:s3cr@t@{closed},{pg}/postgres",
        "mysql://root@{my}/mysql?ssl_mode=PREFERRED",
    ],
)
async def test_the_app_opens_pasted_urls_and_shows_no_password(url: str) -> None:
    """``sqla-tui URL`` with these was one line refusing them (or a raw asyncpg line); the app now connects."""
    require_server("postgresql")
    require_server("mariadb")
    url = url.format(pg=f"{PG_HOST}:{PG_PORT}", my=f"{MY_HOST}:{MY_PORT}", closed=f"{PG_HOST}:{_closed_port()}")
    app = make_app(url)
    async with app.run_test(size=(160, 40), notifications=True) as pilot:
        await settle(pilot)
        status = app.home.query_one(ConnectStatus)
        assert status.phase == "connected", status.message
        assert "s3cr" not in screen_text(app)


def test_a_failure_names_every_host_of_a_list_and_a_missing_socket() -> None:
    """They said "cannot connect to localhost:5432" (no host in the authority) and "[Errno 2] No such file or directory"."""
    first, second = _closed_port(), _closed_port()
    assert _failure(f"postgresql://postgres:s3cret@127.0.0.1:{first},127.0.0.1:{second}/postgres") == (
        f"error: cannot connect to 127.0.0.1:{first}, 127.0.0.1:{second}: connection refused; is the server running there?\n"
    )
    assert _failure("postgresql://postgres@%2Fno%2Fsuch%2Fdir/postgres") == (
        "error: no server socket at /no/such/dir:5432: is the server running, with its socket in that directory?\n"
    )
    require_server("postgresql")
    assert _failure(f"postgresql://postgres@/no_such_db?host={PG_HOST}:{PG_PORT}") == (
        f"error: database 'no_such_db' does not exist on {PG_HOST}:{PG_PORT}; create it or pick another\n"
    )


def test_a_scheme_in_capitals_and_libpqs_dbname_open_what_they_name() -> None:
    """``POSTGRESQL://`` was "unknown database dialect 'POSTGRESQL'", libpq's ``?dbname=`` an unknown option."""
    require_server("postgresql")
    require_server("mariadb")
    assert _schema(f"POSTGRESQL://postgres@{PG_HOST}:{PG_PORT}/postgres") == "public"
    assert _schema(f"Postgres+Psycopg2://postgres@{PG_HOST}:{PG_PORT}/postgres") == "public"
    assert _schema(f"MySQL://root@{MY_HOST}:{MY_PORT}/mysql") == "mysql"
    result = runner.invoke(app, ["schema", f"postgresql://postgres@{PG_HOST}:{PG_PORT}?dbname=no_such_db"])
    assert (result.exit_code, result.stderr) == (2, f"error: database 'no_such_db' does not exist on {PG_HOST}:{PG_PORT}; create it or pick another\n")


def test_a_port_that_is_not_a_number_is_named_and_an_empty_one_is_the_default() -> None:
    """All three were "not a database URL"; psql reads ``host:/db`` as the default port."""
    assert _failure(f"postgresql://postgres:s3cret@{PG_HOST}:abc/postgres") == (
        "error: port 'abc' in the URL is not a number; write host:PORT with a PORT from 1 to 65535, or leave the port out\n"
    )
    assert _failure(f"postgresql://postgres@{PG_HOST}:5432:5432/postgres") == (
        "error: port '5432:5432' in the URL is not a number; write host:PORT with a PORT from 1 to 65535, or leave the port out\n"
    )
    require_server("postgresql")
    require_server("mariadb")
    if (PG_PORT, MY_PORT) != (5432, 3306):
        pytest.skip("an empty port is the driver's default, which is not the shared servers' here")
    assert _schema(f"postgresql://postgres@{PG_HOST}:/postgres") == "public"
    assert _schema(f"mysql://root@{MY_HOST}:/mysql") == "mysql"


@pytest.mark.parametrize(
    ("hosts", "number", "listed"),
    [
        ("postgres@{host},/postgres", "2 of 2", "{host},"),
        ("postgres@,{host}/postgres", "1 of 2", ",{host}"),
        ("postgres@{host}:{port},:{port}/postgres", "2 of 2", "{host}:{port},:{port}"),
        ("postgres@/postgres?host={host},", "2 of 2", "{host},"),
    ],
)
def test_an_empty_host_in_a_host_list_is_named(hosts: str, number: str, listed: str) -> None:
    """Each was "unexpected ArgumentError: All hosts are required … this is a bug in sqla-tui"."""
    url = "postgresql://" + hosts.format(host=PG_HOST, port=PG_PORT)
    assert _failure(url) == (
        f"error: host {number} in the URL's host list {listed.format(host=PG_HOST, port=PG_PORT)!r} is empty: "
        "name a host there, or remove the extra comma\n"
    )


@pytest.mark.parametrize("query", ["host=relative/dir", "host=relative/dir:{port},{host}"])
def test_a_relative_socket_directory_is_named(query: str) -> None:
    """It said "unknown host None": asyncpg looked the path up as a host name."""
    url = f"postgresql://postgres@/postgres?{query.format(host=PG_HOST, port=PG_PORT)}"
    assert _failure(url) == (
        "error: host 'relative/dir' in the URL is neither a host name nor a socket directory, "
        "which must be an absolute path: write e.g. host=/var/run/postgresql\n"
    )


def test_a_failure_names_the_user_port_and_host_the_query_string_gave() -> None:
    """The driver takes ``?user=``, ``?port=`` and ``?host=`` over the authority's; the line named the authority's."""
    closed = _closed_port()
    assert _failure(f"postgresql://postgres@{PG_HOST}/postgres?port={closed}") == (
        f"error: cannot connect to {PG_HOST}:{closed}: connection refused; is the server running there?\n"
    )
    assert _failure("postgresql://postgres@/postgres?host=no-such-host.invalid") == (
        "error: unknown host 'no-such-host.invalid'; check the host name in the URL\n"
    )
    require_server("postgresql")
    require_server("mariadb")
    assert _failure(f"postgresql://postgres:s3cret@{PG_HOST}:{PG_PORT}/postgres?user=nosuch_x") == (
        f"error: authentication failed for user 'nosuch_x' on {PG_HOST}:{PG_PORT}; check the user name and password\n"
    )
    assert _failure(f"mysql://root@{MY_HOST}:{MY_PORT}/mysql?user=nosuch_x") == (
        f"error: authentication failed for user 'nosuch_x' on {MY_HOST}:{MY_PORT}; check the user name and password\n"
    )


def test_a_mysql_unix_socket_with_no_server_behind_it_is_named(tmp_path: Path) -> None:
    """A missing socket was aiomysql's raw "(2003, Can't connect to MySQL server on 'localhost')", one left behind
    by a stopped server (or a file that is no socket) "cannot connect to localhost:3306: connection refused"."""
    missing, regular, stale = tmp_path / "missing.sock", tmp_path / "regular", tmp_path / "stale.sock"
    regular.write_text("not a socket")
    with socket.socket(socket.AF_UNIX) as left_behind:
        left_behind.bind(str(stale))  # bound, never listening: what a stopped server leaves
    for path in (missing, regular, stale):
        assert _failure(f"mysql://root@localhost/mysql?unix_socket={path}") == (
            f"error: no server socket at {path}: is the server running, with its socket at that path?\n"
        )
