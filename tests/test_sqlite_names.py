"""Names read from a SQLite file with the standard library match what the engine lists, and never write."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqla_tui.demo_db.load import build_demo_sqlite

from sqla_tui.core.catalog.schema import list_names
from sqla_tui.core.catalog.sqlite_names import read_names
from sqla_tui.core.connect.engine import connect
from tests.databases import sqlite_file


async def engine_names(path: Path) -> list[tuple[str, str, str]]:
    engine, _ = await connect(f"sqlite:///{path}")
    try:
        return [(t.schema, t.name, t.kind) for t in await list_names(engine)]
    finally:
        await engine.dispose()


async def test_the_demo_file_lists_what_the_engine_lists(tmp_path: Path) -> None:
    path = tmp_path / "demo.sqlite"
    await build_demo_sqlite(path, scale=0.05)
    read = [(t.schema, t.name, t.kind) for t in read_names(path)]
    assert read == await engine_names(path)
    assert ("main", "user_post_counts", "view") in read and len(read) == 12


async def test_odd_names_are_listed_exactly_and_in_the_same_order(tmp_path: Path) -> None:
    path = sqlite_file(
        tmp_path / "odd names.db",
        'CREATE TABLE "order" (id INTEGER PRIMARY KEY); CREATE TABLE "it\'s" (x); CREATE TABLE "ünï cödé" (x);'
        'CREATE TABLE "Zeta" (x); CREATE TABLE sqlitex (x); CREATE VIEW "a view" AS SELECT 1 AS one;'
        "CREATE INDEX ix_zeta ON Zeta (x);",
    )
    read = [(t.name, t.kind) for t in read_names(path)]
    assert read == [("Zeta", "table"), ("a view", "view"), ("it's", "table"), ("order", "table"),
                    ("sqlitex", "table"), ("ünï cödé", "table")]  # fmt: skip
    assert [(t.schema, t.name, t.kind) for t in read_names(path)] == await engine_names(path)


def test_a_missing_file_is_an_error_and_is_not_created(tmp_path: Path) -> None:
    missing = tmp_path / "nope.db"
    with pytest.raises(sqlite3.OperationalError):
        read_names(missing)
    assert not missing.exists()
