"""Throwaway databases on the three backends the product supports.

Each test gets a fresh, uniquely named database (a file for SQLite) that is
dropped afterwards, so tests never see each other's data and can run against
the shared servers on this machine. Admin work runs on its own event loop in a
helper thread, so sync fixtures of any scope can create databases even while a
test's own loop is running.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import socket
import sqlite3
import uuid
from collections.abc import Callable, Coroutine, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from sqla_tui.core.connect.engine import connect

REQUIRE_SERVERS = os.environ.get("SQLA_TUI_REQUIRE_SERVERS") == "1"

PG_HOST, PG_PORT = "127.0.0.1", int(os.environ.get("SQLA_TUI_PG_PORT", "5432"))
MY_HOST, MY_PORT = "127.0.0.1", int(os.environ.get("SQLA_TUI_MYSQL_PORT", "3306"))
PG_ADMIN_URL = f"postgresql+asyncpg://postgres@{PG_HOST}:{PG_PORT}/postgres"
MY_ADMIN_URL = f"mysql+aiomysql://root@{MY_HOST}:{MY_PORT}/mysql"

BACKENDS = ("sqlite", "postgresql", "mariadb")


def sqlite_file(path: Path, script: str) -> Path:
    """A SQLite file made by running ``script`` (test setup: the tool itself never writes)."""
    with sqlite3.connect(path) as db:
        db.executescript(script)
    return path


def truncated_sqlite_file(path: Path) -> Path:
    """A SQLite file cut off inside its first page: SQLite finds it malformed when reading the schema."""
    sqlite_file(path, "CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1);")
    path.write_bytes(path.read_bytes()[:2000])
    return path


def run_async(coroutine: Coroutine[Any, Any, Any]) -> Any:
    """Run a coroutine to completion on a private loop, from any context."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def require_server(backend: str) -> None:
    """Skip (or, under SQLA_TUI_REQUIRE_SERVERS=1, fail) when a server is down."""
    host, port = {"postgresql": (PG_HOST, PG_PORT), "mariadb": (MY_HOST, MY_PORT)}[backend]
    if _reachable(host, port):
        return
    reason = f"{backend} server not reachable at {host}:{port}"
    if REQUIRE_SERVERS:
        pytest.fail(f"{reason}, and SQLA_TUI_REQUIRE_SERVERS=1 requires it")
    pytest.skip(reason)


async def _admin(url: str, statement: str) -> None:
    engine = create_async_engine(url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            await conn.execute(text(statement))
    finally:
        await engine.dispose()


@dataclass
class TestDatabase:
    """One throwaway database: its backend, its URL (sync form, as a user types it) and its name."""

    __test__ = False  # not a test class, despite the name

    backend: str
    url: str
    name: str
    path: Path | None = None

    def drop(self) -> None:
        if self.backend == "postgresql":
            run_async(_admin(PG_ADMIN_URL, f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
        elif self.backend == "mariadb":
            run_async(_admin(MY_ADMIN_URL, f"DROP DATABASE IF EXISTS `{self.name}`"))
        elif self.path is not None:
            for suffix in ("", "-journal", "-wal", "-shm"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)


def create_database(backend: str, directory: Path) -> TestDatabase:
    """Create an empty database on ``backend``; SQLite files go in ``directory``."""
    name = f"sqla_tui_t_{uuid.uuid4().hex[:10]}"
    if backend == "sqlite":
        path = directory / f"{name}.db"
        import sqlite3

        sqlite3.connect(path).close()  # an empty, valid database file: the tool never creates one
        return TestDatabase(backend, f"sqlite:///{path}", name, path)
    require_server(backend)
    if backend == "postgresql":
        run_async(_admin(PG_ADMIN_URL, f'CREATE DATABASE "{name}"'))
        return TestDatabase(backend, f"postgresql://postgres@{PG_HOST}:{PG_PORT}/{name}", name)
    run_async(_admin(MY_ADMIN_URL, f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4"))
    return TestDatabase(backend, f"mysql://root@{MY_HOST}:{MY_PORT}/{name}", name)


async def run_statements(url: str, statements: Callable[[Any], Iterable[str]]) -> None:
    """Run ``statements(engine)`` in one transaction, on an engine that may write: a test database's build.

    Through ``exec_driver_sql``: ``text()`` would read a ``:name`` inside a
    statement as a parameter.
    """
    engine, _ = await connect(url, read_only=False)
    try:
        async with engine.begin() as conn:
            for statement in statements(engine):
                await conn.exec_driver_sql(statement)
    finally:
        await engine.dispose()


def database_fixture(
    name: str,
    build: Callable[[str], Coroutine[Any, Any, None]] | None = None,
    *,
    backends: tuple[str, ...] = BACKENDS,
    scope: str = "module",
) -> Any:
    """A fixture yielding a fresh database per backend, filled by ``build(url)``, dropped after.

    Module scope by default: building and seeding once per module keeps the
    suite fast, and the tool never writes, so tests cannot disturb each other.
    """

    @pytest.fixture(name=name, scope=scope, params=backends)  # type: ignore[call-overload]
    def fixture(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestDatabase]:
        database = create_database(request.param, tmp_path_factory.mktemp(name))
        try:
            if build is not None:
                run_async(build(database.url))
            yield database
        finally:
            database.drop()

    return fixture
