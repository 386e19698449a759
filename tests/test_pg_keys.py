"""PostgreSQL keys and unique constraints read by the catalog's own query are exactly what the Inspector reflects."""

from __future__ import annotations

from sqlalchemy import inspect
from sqlalchemy.engine.reflection import ObjectKind

from sqla_tui.core.catalog.schema import load_catalog
from sqla_tui.core.connect.engine import connect
from tests.databases import TestDatabase, database_fixture
from tests.schema_fixtures import execute


async def _build(url: str) -> None:
    await execute(
        url,
        'CREATE TABLE "Odd ""keys""" (b INTEGER, a INTEGER, "c:d" TEXT, e TEXT, PRIMARY KEY (b, a), '
        'UNIQUE ("c:d", a), CONSTRAINT "z unique" UNIQUE (e), CONSTRAINT "A unique" UNIQUE (b, e))',
        "CREATE TABLE covered (id INTEGER, code TEXT, note TEXT, PRIMARY KEY (id) INCLUDE (note), "
        "UNIQUE (code) INCLUDE (id, note))",
        "CREATE TABLE no_key (x INTEGER)",
        "CREATE TABLE nulls (x INTEGER, y INTEGER, UNIQUE NULLS NOT DISTINCT (y, x))",
        "CREATE TABLE dropped (gone INTEGER, id INTEGER PRIMARY KEY, code TEXT UNIQUE)",
        "ALTER TABLE dropped DROP COLUMN gone",
        "CREATE TABLE events (id INTEGER, created DATE, PRIMARY KEY (id, created)) PARTITION BY RANGE (created)",
        "CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')",
        "CREATE UNIQUE INDEX only_an_index ON no_key (x)",  # an index, not a constraint: not a unique constraint
        "CREATE VIEW a_view AS SELECT 1 AS one",
    )


keyed_db = database_fixture("keyed_db", _build, backends=("postgresql",))


async def test_keys_and_unique_constraints_are_the_inspectors(keyed_db: TestDatabase) -> None:
    engine, _ = await connect(keyed_db.url)
    try:
        catalog = await load_catalog(engine)
        async with engine.connect() as conn:
            pks, uniques = await conn.run_sync(
                lambda sync: (
                    inspect(sync).get_multi_pk_constraint(kind=ObjectKind.ANY),
                    inspect(sync).get_multi_unique_constraints(kind=ObjectKind.ANY),
                )
            )
    finally:
        await engine.dispose()
    ours = {table.name: (table.primary_key, [(u.name, u.columns) for u in table.unique_constraints]) for table in catalog.tables}
    theirs = {
        name: (
            tuple(pks[key]["constrained_columns"] or ()),
            [(u["name"], tuple(u["column_names"])) for u in uniques.get(key, [])],
        )
        for key in pks
        for _, name in [key]
    }
    assert ours == theirs
    assert ours['Odd "keys"'] == (("b", "a"), [("A unique", ("b", "e")), ("Odd \"keys\"_c:d_a_key", ("c:d", "a")), ("z unique", ("e",))])
    assert ours["covered"] == (("id",), [("covered_code_id_note_key", ("code",))])
    assert ours["no_key"] == ((), []) and ours["a_view"] == ((), [])
    assert ours["events_2024"][0] == ("id", "created")
