"""Connecting: URL forms people paste, read-only sessions, one-line failures."""

from __future__ import annotations

import pytest
from sqlalchemy import text

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
        (PoolOptions(pool_size=-1), "--pool-size must be 0 or more, got -1"),
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
