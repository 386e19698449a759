"""A full scan's warning advises an index only when none starts with the filtered column, and says why otherwise.

Databases read a table whole although an index on the filtered column
exists when most rows match (an index lookup per match would cost more), or
when the condition keeps the index out of reach (a function on the column).
Long parameter lists are folded in the plan's header and in the warnings.
"""

from __future__ import annotations

from typing import Any

import pytest
from typer.testing import CliRunner

from sqla_tui.cli import app
from sqla_tui.core.connect.engine import connect
from sqla_tui.core.plans.explain import ExplainResult, explain
from sqla_tui.core.plans.predicates import lookups
from tests.databases import TestDatabase, database_fixture

ITEMS = 5_000
"""Rows of ``items``: every 100th has status 'rare', the rest 'common' (indexed); ``code`` = id (not indexed)."""

_ANALYZE = {"sqlite": "ANALYZE", "postgresql": "ANALYZE items", "mariadb": "ANALYZE TABLE items"}


async def _build(url: str) -> None:
    engine, _ = await connect(url, read_only=False)
    try:
        async with engine.begin() as conn:
            # TEXT on SQLite: its planner sizes rows by declared types, and scans for VARCHAR(10) only rarely
            status = "TEXT" if engine.dialect.name == "sqlite" else "VARCHAR(10)"
            await conn.exec_driver_sql(f"CREATE TABLE items (id INTEGER PRIMARY KEY, status {status}, code INTEGER)")
            await conn.exec_driver_sql("CREATE INDEX ix_items_status ON items (status)")
            rows = [(i, "rare" if i % 100 == 0 else "common", i) for i in range(1, ITEMS + 1)]
            marks = {"sqlite": "?, ?, ?", "postgresql": "$1, $2, $3"}.get(engine.dialect.name, "%s, %s, %s")
            await conn.exec_driver_sql(f"INSERT INTO items VALUES ({marks})", rows)
        async with engine.connect() as conn:
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.exec_driver_sql(_ANALYZE["mariadb" if engine.dialect.name == "mysql" else engine.dialect.name])
    finally:
        await engine.dispose()


scans_db = database_fixture("scans_db", _build)


async def _explain(database: TestDatabase, sql: str, params: Any = None) -> ExplainResult:
    engine, _ = await connect(database.url)
    try:
        return await explain(engine, sql, params)
    finally:
        await engine.dispose()


async def test_a_scan_chosen_over_an_existing_index_says_why_instead_of_advising_one(scans_db: TestDatabase) -> None:
    """99% of the rows match (SQLite: sqlite_stat1 says each value holds half the table)."""
    result = await _explain(scans_db, "SELECT * FROM items WHERE status = 'common'")
    [warning] = result.warnings
    assert warning.kind == "full_scan"
    scan = {"sqlite": "SCAN", "postgresql": "Seq Scan", "mariadb": "ALL"}[scans_db.backend]
    assert warning.message.startswith(f"{scan} on items reads all ~{ITEMS:,} rows")
    assert warning.message.endswith(", although ix_items_status starts with status")
    share = {"sqlite": "50%", "postgresql": "99%", "mariadb": "99%"}[scans_db.backend]
    assert warning.suggestion.startswith(f"nothing to add: the planner expects {share} of the rows to match")
    assert "CREATE INDEX" not in warning.suggestion


async def test_an_index_is_advised_when_none_starts_with_the_filtered_column(scans_db: TestDatabase) -> None:
    if scans_db.backend == "sqlite":
        pytest.skip("SQLite's plan names no range condition; its = and IN lookups have their own warning")
    result = await _explain(scans_db, "SELECT * FROM items WHERE code < 50")
    [warning] = result.warnings
    assert warning.message.endswith("(filter: " + {"postgresql": "(code < 50)", "mariadb": "items.`code` < 50"}[scans_db.backend] + "); no index starts with code")
    assert warning.suggestion == "CREATE INDEX ix_items_code ON items (code)"


async def test_a_function_on_the_indexed_column_is_named_as_the_reason(scans_db: TestDatabase) -> None:
    """Not 'items.text is looked up': the cast's type name was once read as a column."""
    result = await _explain(scans_db, "SELECT * FROM items WHERE lower(status) = 'rare'")
    if scans_db.backend == "sqlite":
        assert result.warnings == []  # SQLite's plan names no filter, and lower(status) is no lookup on status
        return
    [warning] = result.warnings
    assert (warning.kind, warning.message.endswith("although ix_items_status starts with status")) == ("full_scan", True)
    assert "a function, cast or type mismatch on status" in warning.suggestion


def test_a_long_parameter_list_is_folded_in_the_header_and_the_warning(scans_db: TestDatabase) -> None:
    values = ["common", *(f"v{n}" for n in range(499))]
    marks = ", ".join({"sqlite": "?", "postgresql": f"${n}", "mariadb": "%s"}[scans_db.backend] for n in range(1, 501))
    args = [arg for value in values for arg in ("--param", f'"{value}"')]
    outcome = CliRunner().invoke(app, ["explain", scans_db.url, "--sql", f"SELECT * FROM items WHERE status IN ({marks})", *args])
    assert outcome.exit_code == 0, outcome.stderr
    lines = outcome.stdout.splitlines()
    assert "params: ('common', 'v0', 'v1', 'v2'," in lines[1] and lines[1].endswith("… (500 values)")
    assert all(len(line) < 400 for line in lines)
    [warning] = [line for line in lines if line.startswith("warning [full_scan]")]
    assert warning.endswith(", although ix_items_status starts with status")


@pytest.mark.parametrize(
    ("condition", "found"),
    [("((status)::text = 'x'::text)", [(None, "status")]), ("(lower((status)::text) = 'x'::text)", []),
     ("lcase(items.`status`) = 'x'", []), ("WHERE (status = ?)", [(None, "status")]),
     ("WHERE lower(status) = ? AND code IN (?, ?)", [(None, "code")])],
)  # fmt: skip
def test_a_column_inside_a_function_or_a_cast_type_is_no_lookup(condition: str, found: list[tuple[str | None, str]]) -> None:
    assert lookups(condition) == found
