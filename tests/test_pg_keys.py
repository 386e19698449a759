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
        "CREATE SCHEMA elsewhere",
        "CREATE TABLE elsewhere.target (id INTEGER PRIMARY KEY)",
        'CREATE TABLE linked (id INTEGER PRIMARY KEY, b INTEGER, a INTEGER, "c:d" TEXT, e TEXT, far INTEGER, '
        "self_id INTEGER REFERENCES linked (id) ON DELETE CASCADE ON UPDATE RESTRICT, "
        'CONSTRAINT "to odd" FOREIGN KEY (a, b) REFERENCES "Odd ""keys""" (b, a) ON DELETE SET NULL (a), '
        'CONSTRAINT to_unique FOREIGN KEY ("c:d", a) REFERENCES "Odd ""keys""" ("c:d", a) ON DELETE SET DEFAULT, '
        "CONSTRAINT far_away FOREIGN KEY (far) REFERENCES elsewhere.target (id) DEFERRABLE INITIALLY DEFERRED, "
        "CONSTRAINT no_overlap EXCLUDE USING gist (int4range(a, b) WITH &&))",
        "CREATE TABLE elsewhere.back (id INTEGER PRIMARY KEY, l INTEGER REFERENCES linked (id))",
        "CREATE TABLE to_partitioned (id INTEGER, created DATE, FOREIGN KEY (id, created) REFERENCES events (id, created))",
        'CREATE INDEX "Lower ""e""" ON linked (lower(e), a DESC NULLS LAST)',
        "CREATE INDEX partial ON linked (b) INCLUDE (e) WHERE b > 0",
        "CREATE INDEX ix_methods ON linked USING hash (e)",
        "CREATE INDEX ix_ops ON linked (e text_pattern_ops) INCLUDE (a)",
        """CREATE UNIQUE INDEX expressions ON linked ((a + b), (e || 'x'), "c:d")""",
        "COMMENT ON TABLE linked IS 'links, ''quoted'''",
        "COMMENT ON VIEW a_view IS 'a view'",
        "CREATE DOMAIN positive AS integer CHECK (VALUE > 0)",  # the domain's check, not a table's
        "CREATE TABLE checked (id INTEGER PRIMARY KEY, n positive CHECK (n < 100), lo INTEGER, hi INTEGER, s TEXT, "
        'CONSTRAINT "lo ""below"" hi" CHECK (lo < hi), CHECK (s <> \'it\'\'s\'), '
        "CONSTRAINT either CHECK ((lo > 1 AND lo < 5) OR hi = 2), CHECK (true) NO INHERIT)",
        "ALTER TABLE checked ADD CONSTRAINT later CHECK (hi > 0) NOT VALID",
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
    ours = {
        table.name: (table.primary_key, [(u.name, u.columns, u.nulls_not_distinct) for u in table.unique_constraints])
        for table in catalog.tables
    }
    theirs = {
        name: (
            tuple(pks[key]["constrained_columns"] or ()),
            [
                (u["name"], tuple(u["column_names"]), bool(u["dialect_options"].get("postgresql_nulls_not_distinct")))
                for u in uniques.get(key, [])
            ],
        )
        for key in pks
        for _, name in [key]
    }
    assert ours == theirs
    assert ours['Odd "keys"'] == (
        ("b", "a"),
        [("A unique", ("b", "e"), False), ("Odd \"keys\"_c:d_a_key", ("c:d", "a"), False), ("z unique", ("e",), False)],
    )
    assert ours["covered"] == (("id",), [("covered_code_id_note_key", ("code",), False)])
    assert ours["nulls"] == ((), [("nulls_y_x_key", ("y", "x"), True)])
    assert ours["no_key"] == ((), []) and ours["a_view"] == ((), [])
    assert ours["events_2024"][0] == ("id", "created")


async def test_foreign_keys_indexes_and_comments_are_the_inspectors(keyed_db: TestDatabase) -> None:
    engine, _ = await connect(keyed_db.url)
    try:
        catalog = await load_catalog(engine)
        async with engine.connect() as conn:
            fks, indexes, comments = await conn.run_sync(
                lambda sync: (
                    inspect(sync).get_multi_foreign_keys(kind=ObjectKind.ANY),
                    inspect(sync).get_multi_indexes(kind=ObjectKind.ANY),
                    inspect(sync).get_multi_table_comment(kind=ObjectKind.ANY),
                )
            )
    finally:
        await engine.dispose()
    ours = {
        table.name: (
            [(fk.name, fk.columns, fk.target_schema, fk.target_table, fk.target_columns, fk.ondelete, fk.onupdate,
              fk.deferrable, fk.initially, fk.match)
             for fk in table.foreign_keys],
            [(index.name, index.columns, index.unique, index.where, index.method, index.include, index.ops,
              index.nulls_not_distinct, dict(index.sorting))
             for index in table.indexes],
            table.comment,
        )
        for table in catalog.tables
    }
    theirs = {
        name: (
            [
                (fk["name"], tuple(fk["constrained_columns"]), fk["referred_schema"] or "public", fk["referred_table"],
                 tuple(fk["referred_columns"]), fk["options"].get("ondelete"), fk["options"].get("onupdate"),
                 fk["options"].get("deferrable"), fk["options"].get("initially"), fk["options"].get("match"))
                for fk in fks[key]
                if fk["referred_table"] != "events_2024"  # PostgreSQL's copy onto a partition: shown once (declared_links)
            ],
            [
                (index["name"], _index_elements(index), index["unique"], index["dialect_options"].get("postgresql_where"),
                 index["dialect_options"].get("postgresql_using"),
                 tuple(index["dialect_options"].get("postgresql_include") or ()),
                 tuple(sorted((index["dialect_options"].get("postgresql_ops") or {}).items())),
                 bool(index["dialect_options"].get("postgresql_nulls_not_distinct")),
                 {key: " ".join(word.replace("_", " ").upper() for word in words)
                  for key, words in (index.get("column_sorting") or {}).items()})
                for index in indexes[key]
                if not index.get("duplicates_constraint")
            ],
            comments[key]["text"],
        )
        for key in fks
        for _, name in [key]
    }
    assert ours == theirs
    assert ours["linked"][0] == [
        ("far_away", ("far",), "elsewhere", "target", ("id",), None, None, True, "DEFERRED", None),
        ("linked_self_id_fkey", ("self_id",), "public", "linked", ("id",), "CASCADE", "RESTRICT", None, None, None),
        ("to odd", ("a", "b"), "public", 'Odd "keys"', ("b", "a"), "SET NULL (a)", None, None, None, None),
        ("to_unique", ("c:d", "a"), "public", 'Odd "keys"', ("c:d", "a"), "SET DEFAULT", None, None, None, None),
    ]
    assert ours["linked"][1] == [
        ('Lower "e"', ("lower(e)", "a"), False, None, None, (), (), False, {"a": "DESC NULLS LAST"}),
        ("expressions", ("(a + b)", "(e || 'x'::text)", "c:d"), True, None, None, (), (), False, {}),
        ("ix_methods", ("e",), False, None, "hash", (), (), False, {}),
        ("ix_ops", ("e",), False, None, None, ("a",), (("e", "text_pattern_ops"),), False, {}),
        ("partial", ("b",), False, "(b > 0)", None, ("e",), (), False, {}),
    ]
    assert ours["linked"][2] == "links, 'quoted'" and ours["a_view"][2] == "a view" and ours["no_key"][2] is None
    assert [fk[:5] for fk in ours["to_partitioned"][0]] == [
        ("to_partitioned_id_created_fkey", ("id", "created"), "public", "events", ("id", "created"))
    ]


async def test_checks_are_the_inspectors(keyed_db: TestDatabase) -> None:
    """Tables' checks only: a domain's (``positive``'s ``VALUE > 0``) is the domain's, and PostgreSQL 18's NOT NULL
    constraints are not checks."""
    engine, _ = await connect(keyed_db.url)
    try:
        catalog = await load_catalog(engine)
        async with engine.connect() as conn:
            checks = await conn.run_sync(lambda sync: inspect(sync).get_multi_check_constraints(kind=ObjectKind.ANY))
    finally:
        await engine.dispose()
    ours = {table.name: [(check.name, check.sqltext) for check in table.checks] for table in catalog.tables}
    assert ours == {name: [(check["name"], check["sqltext"]) for check in checks[key]] for key in checks for _, name in [key]}
    assert ours["checked"] == [
        ("checked_check", "true"),
        ("checked_n_check", "n::integer < 100"),  # over the domain, read as its base type
        ("checked_s_check", "s <> 'it''s'::text"),
        ("either", "lo > 1 AND lo < 5 OR hi = 2"),
        ("later", "hi > 0"),
        ('lo "below" hi', "lo < hi"),
    ]


def _index_elements(index: dict) -> tuple[str, ...]:
    expressions = index.get("expressions") or []
    return tuple(name if name is not None else expressions[i] for i, name in enumerate(index["column_names"]))


async def test_a_key_to_a_table_on_the_search_path_names_the_targets_own_schema(keyed_db: TestDatabase) -> None:
    """Read as schema 'elsewhere', a key to public.linked names 'public': the Inspector gives no schema there
    (pg_get_constraintdef leaves a target on the search path unqualified), which read as the reflected schema."""
    engine, _ = await connect(keyed_db.url)
    try:
        catalog = await load_catalog(engine, "elsewhere")
    finally:
        await engine.dispose()
    (key,) = catalog.table("back").foreign_keys
    assert (key.target_schema, key.target_table, key.target_columns) == ("public", "linked", ("id",))
