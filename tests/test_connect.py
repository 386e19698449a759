"""Connecting: URL forms people paste, read-only sessions, one-line failures."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import make_url, text
from typer.testing import CliRunner

from sqla_tui.cli import app
from sqla_tui.core.connect.engine import connect
from sqla_tui.core.connect.target import PoolOptions
from sqla_tui.core.connect.url import display_url, parse_url
from sqla_tui.core.errors import UserError
from tests.databases import TestDatabase, run_async


@pytest.mark.parametrize(
    ("pasted", "drivername"),
    [
        ("postgresql://u@h/db", "postgresql+asyncpg"),
        ("postgres://u@h/db", "postgresql+asyncpg"),
        ("postgresql+psycopg2://u@h/db", "postgresql+asyncpg"),
        ("postgresql+asyncpg://u@h/db", "postgresql+asyncpg"),
        ("mysql://u@h/db", "mysql+aiomysql"),
        ("mysql+pymysql://u@h/db", "mysql+aiomysql"),
        ("mysql+aiomysql://u@h/db", "mysql+aiomysql"),
        ("mariadb://u@h/db", "mariadb+aiomysql"),
        ("sqlite:///relative.db", "sqlite+aiosqlite"),
        ("sqlite:////abs.db", "sqlite+aiosqlite"),
        ("sqlite://", "sqlite+aiosqlite"),
        ("sqlite+aiosqlite:///x.db", "sqlite+aiosqlite"),
    ],
)
def test_pasted_urls_map_to_async_drivers(pasted: str, drivername: str) -> None:
    assert parse_url(pasted).drivername == drivername


@pytest.mark.parametrize(
    ("pasted", "expected"),
    [
        ("garbage", "not a database URL: 'garbage'"),
        ("foo://u@h/db", "unknown database dialect 'foo'"),
        ("mssql://u:pw@h/db", "needs the async driver 'aioodbc', which is not installed"),
        ("", "no database URL given"),
        ("postgresql://u@h:99999/db", "port 99999 is out of range in the URL; a port is 1 to 65535"),
        ("mysql://u@h:0/db", "port 0 is out of range in the URL; a port is 1 to 65535"),
        ("postgresql://u@h/db?connect_timeout=abc", "URL option connect_timeout='abc' must be a whole number from 1"),
        ("postgresql://u@h/db?connect_timeout=0", "URL option connect_timeout='0' must be a whole number from 1"),
        ("postgresql://u@h/db?options=search_path%3Dx", "URL option options='search_path=x' must be -c name=value settings"),
        ("postgresql://u@h/db?options=-c%20x", "URL option options='-c x' must be -c name=value settings"),
        ("postgresql://u@h/db?prepared_statement_cache_size=abc", "URL option prepared_statement_cache_size='abc' must be a whole number from 0"),
        ("postgresql://u@h/db?foo=bar", "unknown URL option 'foo' for asyncpg"),
        ("postgresql://u@h/db?sslmode=sometimes", "URL option sslmode='sometimes' must be one of disable, allow, prefer, require"),
        ("postgresql://u@h/db?sslmode=require&ssl=require", "URL options 'sslmode' and 'ssl' say the same thing; keep one"),
        ("mysql://u@h/db?connect_timeout=abc", "URL option connect_timeout='abc' must be a whole number from 1"),
        ("mysql://u@h/db?charset=bogus", "URL option charset='bogus' must be a MySQL character set name"),
        ("mysql://u@h/db?client_flag=65536", "unknown URL option 'client_flag' for aiomysql"),
        ("mysql://u@h/db?use_unicode=perhaps", "URL option use_unicode='perhaps' must be true or false"),
        ("mariadb://u@h/db?charset=utf8mb4&charset=latin1", "URL option 'charset' is given 2 times; keep one"),
        ("sqlite:///x.db?foo=bar", "unknown URL option 'foo' for aiosqlite: remove it; accepted: cache,"),
        ("sqlite:///x.db?timeout=abc", "URL option timeout='abc' must be a number of seconds, 0 or more"),
        ("sqlite:///x.db?mode=bogus", "URL option mode='bogus' must be one of ro, rw, rwc, memory"),
        ("sqlite:///x.db?mode=ro&mode=rwc", "URL option 'mode' is given 2 times; keep one"),
        ("sqlite:///file:x.db%3Fmode%3Dro?uri=true&mode=rw", "URL option 'mode' is given twice"),
        ("sqlite:///file:x.db%3Fvfs%3Dx%26vfs%3Dy?uri=true", "URL option 'vfs' is given twice in the file: URI"),
        ("sqlite:///file://evil/x.db?uri=true", "a SQLite file: URI names no host, got 'evil'"),
        ("sqlite://host/x.db", "a SQLite URL names a file, not a server"),
        ("sqlite:///x.db?uri=maybe", "URL option uri='maybe' must be true or false"),
    ],
)
def test_unusable_urls_are_one_line(pasted: str, expected: str) -> None:
    with pytest.raises(UserError) as caught:
        parse_url(pasted)
    assert expected in caught.value.message
    assert "\n" not in caught.value.message


def test_display_url_hides_the_password() -> None:
    shown = display_url(parse_url("postgresql://alice:s3cret@db.example/prod"))
    assert shown == "postgresql+asyncpg://alice:***@db.example/prod"


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (PoolOptions(pool_size=-1), "--pool-size must be between 0 and 10,000, got -1"),
        (PoolOptions(max_overflow=10**23), "--max-overflow must be between 0 and 10,000, got 1e"),
        (PoolOptions(pool_timeout=float("nan")), "--pool-timeout must be between 0 and 3,600, got nan"),
        (PoolOptions(pool_timeout=float("inf")), "--pool-timeout must be between 0 and 3,600, got inf"),
        (PoolOptions(pool_recycle=-1), "--pool-recycle must be between 0 and 86,400, got -1"),
        (PoolOptions(poolclass="null", pool_size=3), "--pool-size does not apply to --poolclass null"),
        (PoolOptions(poolclass="static", max_overflow=1), "--max-overflow does not apply to --poolclass static"),
        (PoolOptions(poolclass="lifo"), "unknown --poolclass 'lifo': choose one of queue, null, static"),
    ],
)
def test_conflicting_pool_flags_are_refused(options: PoolOptions, expected: str) -> None:
    with pytest.raises(UserError, match=expected):
        options.validate()


def test_connect_reports_server_and_pool(empty_db: TestDatabase) -> None:
    async def scenario():
        engine, info = await connect(empty_db.url, PoolOptions(pool_size=3, max_overflow=1))
        await engine.dispose()
        return info

    info = run_async(scenario())
    expected_dialect = {"sqlite": "sqlite", "postgresql": "postgresql", "mariadb": "mysql"}[empty_db.backend]
    expected_server = {"sqlite": "SQLite ", "postgresql": "PostgreSQL ", "mariadb": "MariaDB "}[empty_db.backend]
    assert info.dialect == expected_dialect
    assert info.server_version.startswith(expected_server)
    assert info.pool_class == "AsyncAdaptedQueuePool"


def test_sessions_are_read_only_unless_asked(empty_db: TestDatabase) -> None:
    """The tool's own engines cannot write, whatever code later runs on them."""

    async def try_write(read_only: bool) -> str:
        engine, _ = await connect(empty_db.url, read_only=read_only)
        try:
            async with engine.begin() as conn:
                await conn.execute(text("CREATE TABLE probe (id INTEGER PRIMARY KEY)"))
            return "written"
        except Exception as error:  # noqa: BLE001 - the refusal is what we assert on
            return type(error).__name__
        finally:
            await engine.dispose()

    assert run_async(try_write(read_only=True)) in ("OperationalError", "InternalError", "DBAPIError")
    assert run_async(try_write(read_only=False)) == "written"


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("postgresql://postgres:{pw}@127.0.0.1/no_such_db_xyz", "database 'no_such_db_xyz' does not exist on 127.0.0.1:5432"),
        ("postgresql://nobody:{pw}@127.0.0.1/test", "authentication failed for user 'nobody' on 127.0.0.1:5432"),
        ("postgresql://u:{pw}@127.0.0.1:1/x", "cannot connect to 127.0.0.1:1: connection refused"),
        ("mysql://root@127.0.0.1/no_such_db_xyz", "database 'no_such_db_xyz' does not exist on 127.0.0.1:3306"),
        ("mysql://root:{pw}@127.0.0.1/test", "authentication failed for user 'root' on 127.0.0.1:3306"),
        ("mysql://root:{pw}@127.0.0.1:1/x", "cannot connect to 127.0.0.1:1: connection refused"),
        ("postgresql://u:{pw}@no-such-host.invalid/x", "unknown host 'no-such-host.invalid'"),
    ],
)
def test_connection_failures_name_what_to_fix(template: str, expected: str) -> None:
    from tests.databases import require_server

    require_server("postgresql" if template.startswith("postgresql") else "mariadb")
    password = "s3cretPW"
    with pytest.raises(UserError) as caught:
        run_async(connect(template.format(pw=password), connect_timeout=3))
    assert expected in caught.value.message
    assert password not in caught.value.message


def test_libpq_sslmode_is_passed_to_asyncpg_as_ssl() -> None:
    assert dict(parse_url("postgresql://u@h/db?sslmode=disable").query) == {"ssl": "disable"}


@pytest.fixture
def pg_db(tmp_path: Path) -> Iterator[TestDatabase]:
    from tests.databases import create_database

    database = create_database("postgresql", tmp_path)
    try:
        yield database
    finally:
        database.drop()


def test_libpq_options_application_name_and_connect_timeout_reach_the_session(pg_db: TestDatabase) -> None:
    """What psql and applications put in a URL works as they meant, and no setting turns read-only off."""
    from tests.tui_helpers import run_ddl

    run_ddl(pg_db, 'CREATE SCHEMA "Sales Dept"', 'CREATE TABLE "Sales Dept".orders (id INTEGER PRIMARY KEY)')
    settings = r"-c%20search_path%3D%22Sales\%20Dept%22%20-cDEFAULT_Transaction_Read_Only%3Doff"
    url = f"{pg_db.url}?application_name=billing-report&connect_timeout=5&options={settings}"

    async def session() -> tuple[str, ...]:
        engine, _ = await connect(url)
        try:
            async with engine.connect() as conn:
                shown = "current_setting('application_name'), current_schema(), current_setting('default_transaction_read_only')"
                return tuple((await conn.execute(text(f"SELECT {shown}"))).one())
        finally:
            await engine.dispose()

    assert run_async(session()) == ("billing-report", "Sales Dept", "on")
    result = CliRunner().invoke(app, ["schema", url, "--json"])
    assert result.exit_code == 0, result.stderr
    assert (json.loads(result.stdout)["schema"], [t["name"] for t in json.loads(result.stdout)["tables"]]) == ("Sales Dept", ["orders"])


@pytest.mark.parametrize(
    ("pasted", "shown"),
    [
        ("sqlite:///:memory:", "sqlite+aiosqlite:///:memory:"),
        ("sqlite:///C:\\data\\shop.db", "sqlite+aiosqlite:///C:\\data\\shop.db"),
        ("postgresql://u@h/odd:name", "postgresql+asyncpg://u@h/odd:name"),
        ("sqlite:///%3Fodd%23name.db", "sqlite+aiosqlite:///%3Fodd%23name.db"),
        ("postgresql://u@/shop?host=/var/run/postgresql", "postgresql+asyncpg://u@/shop?host=/var/run/postgresql"),
        ("mysql://u@h/shop?unix_socket=/run/mysqld/mysqld.sock", "mysql+aiomysql://u@h/shop?unix_socket=/run/mysqld/mysqld.sock"),
        ("postgresql://u@h/shop?options=-c%20search_path%3Dsales", "postgresql+asyncpg://u@h/shop?options=-c+search_path%3Dsales"),
        ("sqlite:///with space ü.db", "sqlite+aiosqlite:///with space ü.db"),
        ("postgresql://u@h/café?application_name=naïve+app", "postgresql+asyncpg://u@h/café?application_name=naïve+app"),
    ],
)
def test_a_shown_url_keeps_the_colons_and_slashes_typed(pasted: str, shown: str) -> None:
    url = parse_url(pasted)
    assert display_url(url) == shown
    again = make_url(shown)  # what is shown reads back as the same database and options
    assert (again.database, again.query) == (url.database, url.query)


def test_a_password_option_is_hidden_whatever_it_holds() -> None:
    assert display_url(parse_url("postgresql://u@h/shop?password=s3/cr:et")) == "postgresql+asyncpg://u@h/shop?password=***"


def test_the_in_memory_database_is_named_as_typed_in_the_cli_banner() -> None:
    result = CliRunner().invoke(app, ["schema", "sqlite:///:memory:"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[0].startswith("sqlite+aiosqlite:///:memory:  (SQLite ")


def test_a_password_holding_at_signs_stays_whole() -> None:
    url = parse_url("postgresql://u:p@ss:w@rd@db.example:5433/prod")
    assert (url.password, url.host, url.port) == ("p@ss:w@rd", "db.example", 5433)
    assert display_url(url) == "postgresql+asyncpg://u:***@db.example:5433/prod"


@pytest.mark.parametrize(
    ("backend", "url", "expected"),
    [
        (
            "postgresql",
            "postgresql://postgres@127.0.0.1/postgres?prepared_statement_cache_size=abc",
            "error: URL option prepared_statement_cache_size='abc' must be a whole number from 0",
        ),
        (
            "mariadb",
            "mysql://root@127.0.0.1/mysql?connect_timeout=abc",
            "error: URL option connect_timeout='abc' must be a whole number from 1",
        ),
    ],
)
def test_bad_url_options_are_one_line_in_every_command(backend: str, url: str, expected: str) -> None:
    """These were a ValueError traceback (exit 1) from inside SQLAlchemy's connect arguments."""
    from typer.testing import CliRunner

    from sqla_tui.cli import app
    from tests.databases import require_server

    require_server(backend)
    for command in (["schema"], ["query", "users"], ["explain", "--sql", "SELECT 1"], ["pool", "--duration", "0.2"]):
        result = CliRunner().invoke(app, [command[0], url, *command[1:]])
        assert result.exit_code == 2, result.stdout + result.stderr
        assert result.stderr.strip() == expected


def test_bogus_charset_leaves_no_driver_traceback_on_stderr() -> None:
    """aiomysql's Connection.__del__ printed a traceback after failing on an unknown charset."""
    import subprocess
    import sys

    from tests.databases import require_server

    require_server("mariadb")
    command = [sys.executable, "-m", "sqla_tui", "schema", "mysql://root@127.0.0.1/mysql?charset=bogus"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "error: URL option charset='bogus' must be a MySQL character set name such as utf8mb4 or latin1"
    )


@pytest.mark.parametrize(
    ("backend", "expected"),
    [
        ("mariadb", "user '{user}' has no access to database '{db}' on 127.0.0.1:3306; ask for a GRANT on it"),
        ("postgresql", 'permission denied for database "{db}"'),
    ],
)
def test_no_privilege_on_the_database_is_not_called_an_authentication_failure(backend: str, expected: str) -> None:
    """A user that logs in fine but may not use the database (MariaDB error 1044, PostgreSQL CONNECT revoked)."""
    import uuid

    from tests.databases import MY_ADMIN_URL, PG_ADMIN_URL, _admin, require_server

    require_server(backend)
    name = f"sqla_tui_t_{uuid.uuid4().hex[:10]}"
    if backend == "mariadb":
        setup = [f"CREATE DATABASE `{name}`", f"CREATE USER '{name}'@'%'", f"CREATE USER '{name}'@'localhost'"]
        teardown = [f"DROP USER IF EXISTS '{name}'@'%'", f"DROP USER IF EXISTS '{name}'@'localhost'", f"DROP DATABASE IF EXISTS `{name}`"]
        admin, url = MY_ADMIN_URL, f"mysql://{name}@127.0.0.1:3306/{name}"
    else:
        setup = [f'CREATE DATABASE "{name}"', f'REVOKE CONNECT ON DATABASE "{name}" FROM PUBLIC', f'CREATE ROLE "{name}" LOGIN']
        teardown = [f'DROP DATABASE IF EXISTS "{name}"', f'DROP ROLE IF EXISTS "{name}"']
        admin, url = PG_ADMIN_URL, f"postgresql://{name}@127.0.0.1:5432/{name}"
    try:
        for statement in setup:
            run_async(_admin(admin, statement))
        with pytest.raises(UserError) as caught:
            run_async(connect(url, connect_timeout=5))
    finally:
        for statement in teardown:
            run_async(_admin(admin, statement))
    assert expected.format(user=name, db=name) in caught.value.message
    assert "authentication failed" not in caught.value.message
