"""The server kills our connections mid-session: the next action still works.

With pre-ping (the default) the pool notices the dead connection at checkout
and replaces it, so the user sees nothing fail. Without pre-ping the first
action after the kill fails with one line, and the one after it recovers,
because SQLAlchemy invalidates the pool on a disconnect error.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from sqla_tui.core.connect.engine import connect
from sqla_tui.core.connect.failures import translate_error
from sqla_tui.core.connect.target import PoolOptions
from sqla_tui.core.errors import UserError
from tests.databases import (
    MY_ADMIN_URL,
    PG_ADMIN_URL,
    TestDatabase,
    database_fixture,
    run_async,
)

server_db = database_fixture("server_db", backends=("postgresql", "mariadb"), scope="function")


async def _kill_our_sessions(database: TestDatabase) -> int:
    """Terminate every server session connected to the test database; returns how many."""
    admin = create_async_engine(PG_ADMIN_URL if database.backend == "postgresql" else MY_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as conn:
            if database.backend == "postgresql":
                result = await conn.execute(
                    text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :db AND pid <> pg_backend_pid()"),
                    {"db": database.name},
                )
                return len(result.all())
            ids = (await conn.execute(text("SELECT id FROM information_schema.processlist WHERE db = :db"), {"db": database.name})).scalars().all()
            for session_id in ids:
                await conn.execute(text(f"KILL {int(session_id)}"))
            return len(ids)
    finally:
        await admin.dispose()


async def _one(engine) -> int:  # type: ignore[no-untyped-def]
    async with engine.connect() as conn:
        return int(await conn.scalar(text("SELECT 1")))


def test_pre_ping_reconnects_after_the_server_kills_us(server_db: TestDatabase) -> None:
    async def scenario() -> tuple[int, int]:
        engine, _ = await connect(server_db.url, PoolOptions(pool_size=2))
        try:
            await _one(engine)
            killed = await _kill_our_sessions(server_db)
            return killed, await _one(engine)
        finally:
            await engine.dispose()

    killed, answer = run_async(scenario())
    assert killed >= 1
    assert answer == 1


def test_without_pre_ping_one_action_fails_with_one_line_then_recovers(server_db: TestDatabase) -> None:
    async def scenario() -> tuple[str, int]:
        engine, _ = await connect(server_db.url, PoolOptions(pool_size=2, pre_ping=False))
        try:
            await _one(engine)
            await _kill_our_sessions(server_db)
            try:
                await _one(engine)
                failure = ""
            except Exception as error:  # noqa: BLE001 - translated below, as every caller does
                failure = translate_error(error, engine.url).message
            return failure, await _one(engine)
        finally:
            await engine.dispose()

    failure, answer = run_async(scenario())
    assert "closed our connection" in failure and "running it again will reconnect" in failure
    assert "\n" not in failure
    assert answer == 1


def test_translate_error_never_raises_on_unknown_failures() -> None:
    from sqla_tui.core.connect.url import parse_url

    url = parse_url("postgresql://u:pw_s3cret@127.0.0.1/x")
    error = translate_error(RuntimeError("boom with pw_s3cret inside"), url)
    assert isinstance(error, UserError)
    assert "pw_s3cret" not in error.message
