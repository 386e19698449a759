"""The demo database loads identically on SQLite, PostgreSQL and MariaDB.

Each test gets its own throwaway database (tests/conftest.py), so a refusal
or a replace is tested against exactly what the test put there.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqla_tui.demo_db.load import (
    DEMO_VIEW,
    DemoTargetNotEmpty,
    build_demo_sqlite,
    demo_table_names,
    ensure_demo_sqlite,
    load_demo,
)
from sqla_tui.demo_db.models import Base
from sqla_tui.demo_db.seed import generate_rows
from sqlalchemy import func, inspect, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from sqla_tui.core.connect.engine import create_engine
from tests.databases import TestDatabase

# Pinned so a change to the seed shows up here before it breaks the exact
# row counts other tests assert on the demo database.
SCALE_1_COUNTS = {
    "users": 200,
    "profiles": 180,
    "posts": 1953,
    "comments": 8855,
    "tags": 30,
    "post_tags": 3902,
    "products": 50,
    "orders": 427,
    "order_items": 1325,
    "messages": 1000,
    "audit_log": 500,
}
SMALL = 0.1


@pytest.fixture
async def empty_engine(empty_db: TestDatabase) -> AsyncIterator[AsyncEngine]:
    """A writable engine on an empty database of each backend, as `sqla-tui demo --url` opens it."""
    engine = create_engine(empty_db.url, read_only=False)
    try:
        yield engine
    finally:
        await engine.dispose()


async def _table_counts(engine: AsyncEngine) -> dict[str, int]:
    async with engine.connect() as conn:
        return {
            name: (
                await conn.execute(select(func.count()).select_from(Base.metadata.tables[name]))
            ).scalar_one()
            for name in demo_table_names()
        }


async def _inspect(engine: AsyncEngine, method: str, *args: str) -> list:
    async with engine.connect() as conn:
        return await conn.run_sync(lambda sync_conn: getattr(inspect(sync_conn), method)(*args))


# --- pure seed ---------------------------------------------------------------


def test_seed_is_deterministic_and_sized_as_documented() -> None:
    rows = generate_rows()
    assert rows == generate_rows()
    assert {name: len(table_rows) for name, table_rows in rows.items()} == SCALE_1_COUNTS


def test_seed_covers_the_shapes_the_tutorials_need() -> None:
    rows = generate_rows()
    posters = {post["user_id"] for post in rows["posts"]}
    replies = [comment for comment in rows["comments"] if comment["parent_id"] is not None]
    assert any(user["id"] not in posters for user in rows["users"])
    assert 0.15 < len(replies) / len(rows["comments"]) < 0.25
    assert all(reply["parent_id"] < reply["id"] for reply in replies)


def test_scale_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        generate_rows(0)


def test_table_names_cover_the_metadata_in_dependency_order() -> None:
    names = demo_table_names()
    assert sorted(names) == sorted(Base.metadata.tables)
    for table in Base.metadata.sorted_tables:
        for key in table.foreign_keys:
            assert names.index(key.column.table.name) <= names.index(table.name)


# --- loading into real databases ---------------------------------------------


async def test_load_returns_the_row_counts_in_the_database(empty_engine: AsyncEngine) -> None:
    filled: list[tuple[str, int]] = []
    counts = await load_demo(empty_engine, progress=lambda table, n: filled.append((table, n)))
    assert counts == SCALE_1_COUNTS
    assert await _table_counts(empty_engine) == counts
    assert filled == list(counts.items())


async def test_view_has_one_row_per_user_and_adds_up_to_the_posts(empty_engine: AsyncEngine) -> None:
    counts = await load_demo(empty_engine, scale=SMALL)
    async with empty_engine.connect() as conn:
        rows, total = (
            await conn.execute(text(f"SELECT COUNT(*), SUM(post_count) FROM {DEMO_VIEW}"))
        ).one()
    assert (rows, int(total)) == (counts["users"], counts["posts"])
    assert await _inspect(empty_engine, "get_view_names") == [DEMO_VIEW]


async def test_second_load_refuses_and_leaves_data_alone(empty_engine: AsyncEngine) -> None:
    counts = await load_demo(empty_engine, scale=SMALL)
    with pytest.raises(DemoTargetNotEmpty, match="--replace") as refused:
        await load_demo(empty_engine, scale=1)
    assert "audit_log" in str(refused.value)
    assert "\n" not in str(refused.value)
    assert await _table_counts(empty_engine) == counts


async def test_replace_rebuilds_the_demo_and_keeps_other_tables(empty_engine: AsyncEngine) -> None:
    counts = await load_demo(empty_engine, scale=SMALL)
    async with empty_engine.begin() as conn:
        await conn.execute(text("CREATE TABLE keep_me (id INTEGER PRIMARY KEY)"))
    assert await load_demo(empty_engine, scale=SMALL, replace=True) == counts
    assert await _table_counts(empty_engine) == counts
    assert "keep_me" in await _inspect(empty_engine, "get_table_names")


async def test_refusal_names_a_table_that_is_not_the_demos(empty_engine: AsyncEngine) -> None:
    async with empty_engine.begin() as conn:
        await conn.execute(text("CREATE TABLE someone_elses (id INTEGER PRIMARY KEY)"))
    with pytest.raises(DemoTargetNotEmpty, match="someone_elses"):
        await load_demo(empty_engine, scale=SMALL)
    assert await _inspect(empty_engine, "get_table_names") == ["someone_elses"]


async def test_comments_post_id_is_the_unindexed_foreign_key(empty_engine: AsyncEngine) -> None:
    await load_demo(empty_engine, scale=SMALL)
    posts_indexes = await _inspect(empty_engine, "get_indexes", "posts")
    comments_indexes = await _inspect(empty_engine, "get_indexes", "comments")
    assert ["user_id"] in [index["column_names"] for index in posts_indexes]
    on_post_id = [index["name"] for index in comments_indexes if index["column_names"][0] == "post_id"]
    # InnoDB cannot have a foreign key without an index, so it adds one named after the FK.
    expected = ["fk_comments_post_id_posts"] if empty_engine.dialect.name == "mysql" else []
    assert on_post_id == expected


async def test_a_failed_load_leaves_nothing_behind(empty_engine: AsyncEngine) -> None:
    if empty_engine.dialect.name == "mysql":
        pytest.skip("MariaDB commits each DDL statement, so a failed load leaves empty demo tables")

    def fail_on_comments(table: str, rows: int) -> None:
        if table == "comments":
            raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError, match="interrupted"):
        await load_demo(empty_engine, scale=SMALL, progress=fail_on_comments)
    assert await _inspect(empty_engine, "get_table_names") == []


# --- the SQLite demo file --------------------------------------------------


async def test_ensure_demo_sqlite_builds_once(tmp_path: Path) -> None:
    target = tmp_path / "cache" / "demo.sqlite"
    assert await ensure_demo_sqlite(target) == target
    built = target.stat().st_mtime_ns
    assert await ensure_demo_sqlite(target) == target
    assert target.stat().st_mtime_ns == built
    assert [path.name for path in target.parent.iterdir()] == ["demo.sqlite"]
    engine = create_engine(f"sqlite:///{target}")
    try:
        assert await _table_counts(engine) == SCALE_1_COUNTS
    finally:
        await engine.dispose()


async def test_ensure_demo_sqlite_leaves_nothing_behind_when_the_build_fails(tmp_path: Path) -> None:
    def interrupt(table: str, rows: int) -> None:
        raise RuntimeError(f"interrupted while filling {table}")

    with pytest.raises(RuntimeError, match="interrupted"):
        await ensure_demo_sqlite(tmp_path / "demo.sqlite", progress=interrupt)
    assert list(tmp_path.iterdir()) == []


async def test_build_demo_sqlite_refuses_an_existing_file_unless_replacing(tmp_path: Path) -> None:
    target = tmp_path / "demo.sqlite"
    built, counts = await build_demo_sqlite(target, scale=SMALL)
    assert built == target
    with pytest.raises(DemoTargetNotEmpty, match=f"{target} is not empty"):
        await build_demo_sqlite(target, scale=SMALL)
    assert await build_demo_sqlite(target, scale=SMALL, replace=True) == (target, counts)
