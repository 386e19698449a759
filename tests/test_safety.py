"""Safety guarantees: commands never change the database, and never show a password.

Every command except ``demo`` is run against a loaded demo database; a
checksum of every table (and on PostgreSQL the server's own insert/update/
delete counters) must be identical before and after. Then the same commands
run with a URL carrying a distinctive password, and nothing they print may
contain it.
"""

from __future__ import annotations

import hashlib
import json
import time

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from sqla_tui.cli import app
from sqla_tui.core.connect.engine import connect
from tests.databases import PG_HOST, PG_PORT, TestDatabase, database_fixture, require_server, run_async
from tests.demo_database import demo

runner = CliRunner()
PASSWORD = "Zq9_s3cret_PW"

COMMANDS = [
    ["schema"],
    ["schema", "--json"],
    ["schema", "--table", "messages"],
    ["query", "users", "--touch", "posts.comments", "--limit", "5"],
    ["query", "users", "--load", "posts=joined", "--load", "posts.comments=selectin", "--json"],
    ["query", "posts", "--where", "title like 'x%'", "--load", "tags=raise", "--touch", "tags", "--python"],
    ["query", "orders", "--load", "order_items=subquery", "--load", "order_items.product=immediate", "--json"],
    ["fanout", "users", "--path", "posts.comments", "--runs", "1", "--json"],
    ["explain", "users", "--load", "posts=selectin", "--json"],
    ["explain", "--sql", "SELECT * FROM comments WHERE user_id = 1", "--analyze"],
    ["pool", "--tasks", "4", "--hold-ms", "50", "--duration", "0.5", "--json"],
    ["pool", "--tasks", "3", "--hold-ms", "50", "--duration", "0.5", "--scenario", "idle-in-transaction"],
]


async def _fingerprint(url: str) -> dict[str, str]:
    """A checksum of every table's rows, independent of row order."""
    engine, _ = await connect(url)
    try:
        async with engine.connect() as conn:
            names = await conn.run_sync(lambda sync: inspect(sync).get_table_names())
            prints = {}
            for name in names:
                quoted = engine.dialect.identifier_preparer.quote(name)
                rows = (await conn.execute(text(f"SELECT * FROM {quoted}"))).all()
                digest = hashlib.sha256("\n".join(sorted(repr(tuple(row)) for row in rows)).encode())
                prints[name] = f"{len(rows)}:{digest.hexdigest()}"
            return prints
    finally:
        await engine.dispose()


async def _pg_write_counters(database: TestDatabase) -> tuple[int, ...]:
    engine, _ = await connect(f"postgresql://postgres@{PG_HOST}:{PG_PORT}/{database.name}")
    try:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT pg_stat_clear_snapshot()"))
            tables = (await conn.execute(text(
                "SELECT coalesce(sum(n_tup_ins), 0), coalesce(sum(n_tup_upd), 0), coalesce(sum(n_tup_del), 0) "
                "FROM pg_stat_user_tables"
            ))).one()  # fmt: skip
            database_row = (await conn.execute(
                text("SELECT tup_inserted, tup_updated, tup_deleted FROM pg_stat_database WHERE datname = :name"),
                {"name": database.name},
            )).one()  # fmt: skip
            return (*map(int, tables), *map(int, database_row))
    finally:
        await engine.dispose()


def test_no_command_changes_the_database(demo: TestDatabase) -> None:
    before = run_async(_fingerprint(demo.url))
    counters_before = run_async(_pg_write_counters(demo)) if demo.backend == "postgresql" else None
    for command in COMMANDS:
        result = runner.invoke(app, [command[0], demo.url, *command[1:]])
        assert result.exit_code == 0, f"{command}: {result.stderr}"
    assert run_async(_fingerprint(demo.url)) == before
    if counters_before is not None:
        time.sleep(1.1)  # PostgreSQL flushes backend statistics at most once a second
        counters_after = run_async(_pg_write_counters(demo))
        assert counters_after[:3] == counters_before[:3]  # per-table inserts/updates/deletes
        assert counters_after[3:] == counters_before[3:]  # database-wide


def _with_password(url: str) -> str:
    return make_url(url).set(password=PASSWORD).render_as_string(hide_password=False)


SUCCEEDING_FORMS = {
    "userinfo": _with_password,
    "query password": lambda url: f"{url}?password={PASSWORD}",
    "unencoded @ in the password": lambda url: url.replace("postgres@", f"postgres:pw@{PASSWORD}@"),
}


@pytest.mark.parametrize("form", SUCCEEDING_FORMS)
def test_password_never_printed_on_success(demo: TestDatabase, form: str) -> None:
    """PostgreSQL here trusts local connections, so a URL with a password connects and is echoed nowhere."""
    if demo.backend != "postgresql":
        pytest.skip("only the PostgreSQL server accepts any password (trust auth), so commands succeed")
    url = SUCCEEDING_FORMS[form](demo.url)
    for command in COMMANDS:
        result = runner.invoke(app, [command[0], url, *command[1:]])
        assert result.exit_code == 0, f"{command}: {result.stderr}"
        assert PASSWORD not in result.stdout + result.stderr, command
    pool = runner.invoke(app, ["pool", url, "--tasks", "1", "--duration", "0.2", "--json"])
    assert "***" in json.loads(pool.stdout)["url"]


HOSTILE_FAILING_URLS = [
    f"mysql://root:{PASSWORD}@127.0.0.1/test",  # wrong password
    f"postgresql://postgres:{PASSWORD}@127.0.0.1/no_such_database",
    f"postgresql://postgres:{PASSWORD}@127.0.0.1:1/x",  # wrong port
    f"postgresql://postgres:{PASSWORD}@no-such-host.invalid/x",
    f"oracle://scott:{PASSWORD}@db/x",  # no async driver installed
    f"nosuch://scott:{PASSWORD}@db/x",
    f"postgresql://postgres:{PASSWORD}@127.0.0.1:notaport/x",
    f"postgresql://postgres:pw@{PASSWORD}@no-such-host.invalid/x",  # unencoded @: half the password became the host
    f"mysql://root:{PASSWORD}:x@y@127.0.0.1:3306/test",
    f"postgresql://postgres:pw {PASSWORD}@127.0.0.1:notaport/x",  # a space: does not parse
    f"postgres:{PASSWORD}@127.0.0.1/x",  # no scheme
    f"postgresql://postgres@127.0.0.1/x?password={PASSWORD}&foo=1",  # the error used to quote the whole URL
    f"mysql://root@127.0.0.1/test?passwd={PASSWORD}",
    f"postgresql://postgres@127.0.0.1/x?sslpassword={PASSWORD}&token={PASSWORD}",
]


def _argv(command: list[str], url: str) -> list[str]:
    if command == ["demo"]:
        return ["demo", "--url", url]
    return [command[0], url, *command[1:]]


@pytest.mark.parametrize("url", HOSTILE_FAILING_URLS)
@pytest.mark.parametrize(
    "command",
    [
        ["schema"],
        ["query", "users"],
        ["fanout", "users", "--path", "posts"],
        ["explain", "--sql", "SELECT 1"],
        ["pool", "--duration", "0.2"],
        ["demo"],
    ],
)
def test_password_never_printed_on_failure(url: str, command: list[str]) -> None:
    require_server("mariadb" if url.startswith("mysql") else "postgresql")
    result = runner.invoke(app, _argv(command, url))
    assert result.exit_code == 2, result.stdout + result.stderr
    assert PASSWORD not in result.stdout + result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and result.stderr.startswith("error: ")


pg_empty = database_fixture("pg_empty", backends=("postgresql",), scope="function")


def test_demo_into_a_url_with_a_password_shows_none(pg_empty: TestDatabase) -> None:
    result = runner.invoke(app, ["demo", "--url", f"{pg_empty.url}?password={PASSWORD}", "--scale", "0.02"])
    assert result.exit_code == 0, result.stderr
    assert "demo database ready: " in result.stdout and "password=***" in result.stdout
    assert PASSWORD not in result.stdout + result.stderr
