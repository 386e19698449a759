"""``sqla-tui models``: the written module maps, creates and queries exactly what the reflected mapping does.

Round trips on every backend: the module loaded with ``--models`` has the
same classes, attribute names and relationships (names, directions, FKs,
``back_populates``) as our reflected mapping; ``schema --json`` says the
same with either; fan-out numbers are the same; and ``create_all`` of the
module on an empty database gives back the same catalog.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import CheckConstraint, text
from typer.testing import CliRunner

from sqla_tui.cli import app
from sqla_tui.core.catalog.mapping import OrmMap, load_user_models, map_schema
from sqla_tui.core.catalog.schema import Catalog, TableInfo, load_catalog
from sqla_tui.core.connect.engine import connect
from sqla_tui.core.query.fanout import compare
from sqla_tui.core.query.spec import QuerySpec
from tests.databases import TestDatabase, create_database, database_fixture, run_async, run_statements
from tests.demo_database import demo
from tests.hostile_database import USER_ATTRIBUTES, hostile_db

runner = CliRunner()


def generate(database: TestDatabase, folder: Path, *args: str, name: str = "generated") -> Path:
    """``sqla-tui models URL -o folder/name.py``; the module's path."""
    path = folder / f"{name}.py"
    result = runner.invoke(app, ["models", database.url, "-o", str(path), *args])
    assert result.exit_code == 0, result.output
    return path


def reflected(database: TestDatabase) -> tuple[Catalog, OrmMap]:
    async def scenario() -> tuple[Catalog, OrmMap]:
        engine, _ = await connect(database.url)
        try:
            catalog = await load_catalog(engine)
            return catalog, await map_schema(engine, catalog=catalog)
        finally:
            await engine.dispose()

    return run_async(scenario())


def shape(orm: OrmMap, table: str) -> list[tuple[Any, ...]]:
    return sorted(
        (r.name, r.direction, r.target, r.via, r.uselist, r.back_populates, r.secondary)
        for r in orm.relationships(table)
    )


def assert_same_mapping(generated: OrmMap, ours: OrmMap, left_out: frozenset[str] = frozenset()) -> None:
    """The module maps what the composer maps, but the tables it ``left_out`` (SQLite's virtual tables' shadows, which
    the composer can query and create_all must not make)."""
    assert sorted(generated.entities) == sorted(set(ours.entities) - left_out)
    for table in generated.entities:
        assert shape(generated, table) == shape(ours, table), table
        assert generated.attributes(table) == ours.attributes(table), table


def table_facts(table: TableInfo) -> dict[str, Any]:
    """What ``create_all`` must give back: columns, keys, constraints, indexes (type text compared without spaces)."""
    return {
        "columns": [
            (
                c.name, c.type.upper().replace(" ", ""), c.nullable or c.primary_key, c.default, c.primary_key,
                c.comment, c.generated is not None, c.stored,
            )
            for c in table.columns
        ],
        "primary_key": table.primary_key,
        "foreign_keys": sorted(
            (fk.columns, fk.target_table, fk.target_columns, fk.ondelete, fk.deferrable, fk.initially, fk.match)
            for fk in table.foreign_keys
        ),
        "unique": sorted((u.columns, u.nulls_not_distinct) for u in table.unique_constraints),
        "indexes": sorted(
            (i.name, i.columns, i.unique, i.where, i.lengths, i.method, i.include, i.ops, i.nulls_not_distinct, i.sorting,
             i.kind)
            for i in table.indexes
        ),
        "comment": table.comment,
        "checks": sorted((check.name or "", check.sqltext) for check in table.checks),
    }


def created_catalog(backend: str, folder: Path, orm: OrmMap) -> Catalog:
    """The catalog of a fresh database made by ``create_all`` of the generated module's metadata."""
    metadata = next(iter(orm.tables.values())).metadata
    fresh = create_database(backend, folder)

    async def scenario() -> Catalog:
        engine, _ = await connect(fresh.url, read_only=False)
        try:
            async with engine.begin() as conn:
                await conn.run_sync(metadata.create_all)
            return await load_catalog(engine)
        finally:
            await engine.dispose()

    try:
        return run_async(scenario())
    finally:
        fresh.drop()


def assert_same_schema(original: Catalog, created: Catalog, written: set[str]) -> None:
    created_tables = {table.name: table for table in created.tables}
    assert set(created_tables) == written
    for table in original.tables:
        if table.name in written:
            assert table_facts(created_tables[table.name]) == table_facts(table), table.name


def schema_json(database: TestDatabase, *args: str) -> dict[str, Any]:
    result = runner.invoke(app, ["schema", database.url, "--json", *args])
    assert result.exit_code == 0, result.output
    return {
        table["name"]: (table["mappable"], table["relationships"], [c["attribute"] for c in table["columns"]])
        for table in json.loads(result.output)["tables"]
    }


def imports_alone(path: Path) -> None:
    """``python -c 'import generated'`` in the module's folder: it compiles and its mappers configure."""
    code = f"import {path.stem}; {path.stem}.Base.registry.configure()"
    done = subprocess.run([sys.executable, "-c", code], cwd=path.parent, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


# -- the demo ----------------------------------------------------------------------------------------


def test_the_demo_round_trips(demo: TestDatabase, tmp_path: Path) -> None:
    path = generate(demo, tmp_path)
    imports_alone(path)
    catalog, ours = reflected(demo)
    generated = load_user_models(f"{path}:Base")
    assert_same_mapping(generated, ours)
    assert sorted(generated.entities) == [
        "comments", "messages", "order_items", "orders", "posts", "products", "profiles", "tags", "users",
    ]  # fmt: skip
    assert shape(generated, "users") == [
        ("comments", "one_to_many", "comments", ("comments.user_id",), True, "user", None),
        ("messages_recipient", "one_to_many", "messages", ("messages.recipient_id",), True, "recipient", None),
        ("messages_sender", "one_to_many", "messages", ("messages.sender_id",), True, "sender", None),
        ("orders", "one_to_many", "orders", ("orders.user_id",), True, "user", None),
        ("posts", "one_to_many", "posts", ("posts.user_id",), True, "user", None),
        ("profile", "one_to_many", "profiles", ("profiles.user_id",), False, "user", None),
    ]
    assert shape(generated, "comments")[0] == (
        "comments_parent",
        "one_to_many",
        "comments",
        ("comments.parent_id",),
        True,
        "parent",
        None,
    )
    assert ("tags", "many_to_many", "tags", ("post_tags",), True, "posts", "post_tags") in shape(generated, "posts")
    assert ("order", "many_to_one", "orders", ("order_items.order_id",), False, "order_items", None) in shape(
        generated, "order_items"
    )
    assert schema_json(demo, "--models", f"{path}:Base") == schema_json(demo)
    assert_same_schema(catalog, created_catalog(demo.backend, tmp_path, generated), set(generated.tables))


def test_the_demo_gives_the_same_fanout_numbers(demo: TestDatabase, tmp_path: Path) -> None:
    generated = load_user_models(f"{generate(demo, tmp_path, name='fanout_models')}:Base")
    _, ours = reflected(demo)
    plans = ("joined", "selectin", "subquery", "immediate", "select")
    cases = [
        ("users", ["posts.comments", "posts.tags"]),
        ("users", ["messages_sender", "messages_recipient", "profile"]),
        ("orders", ["order_items.product", "user"]),
        ("comments", ["parent", "comments_parent"]),
    ]

    def numbers(orm: OrmMap, root: str, paths: list[str]) -> list[tuple[Any, ...]]:
        async def scenario() -> list[tuple[Any, ...]]:
            engine, _ = await connect(demo.url)
            try:
                report = await compare(engine, orm.entity(root), QuerySpec(root, limit=20), paths, plans, 1)
            finally:
                await engine.dispose()
            return [(r.strategy, r.statements, r.rows, r.entities, r.root_rows) for r in report.results]

        return run_async(scenario())

    for root, paths in cases:
        mine = numbers(generated, root, paths)
        assert mine == numbers(ours, root, paths), (root, paths)
        assert dict((strategy, statements) for strategy, statements, *_ in mine)["joined"] == 1


def test_the_demo_module_is_formatted_and_stable(demo: TestDatabase, tmp_path: Path) -> None:
    first = generate(demo, tmp_path, name="first")
    second = generate(demo, tmp_path, name="second")
    assert first.read_text() == second.read_text()
    ruff = shutil.which("ruff") or str(Path(sys.executable).parent / "ruff")
    checked = subprocess.run(
        [ruff, "format", "--isolated", "--check", "--diff", str(first)], capture_output=True, text=True, check=False
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_options_shape_the_module(demo: TestDatabase, tmp_path: Path) -> None:
    path = generate(demo, tmp_path, "--tables", "users,posts,tags", "--lazy", "raise", "--sync", name="some")
    source = path.read_text()
    assert "class Base(DeclarativeBase):" in source and "AsyncAttrs" not in source
    generated = load_user_models(f"{path}:Base")
    assert sorted(generated.entities) == ["posts", "tags", "users"]
    assert sorted(generated.tables) == ["post_tags", "posts", "tags", "users"]
    assert [r.name for r in generated.relationships("users")] == ["posts"]
    lazies = {prop.lazy for cls in generated.entities.values() for prop in cls.__mapper__.relationships}
    assert lazies == {"raise"}
    asynchronous = generate(demo, tmp_path, name="async_models").read_text()
    assert "class Base(AsyncAttrs, DeclarativeBase):" in asynchronous


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--tables", "usres"], "error: no table 'usres' in schema"),
        (["--tables", " , "], "error: --tables is empty: name tables, comma-separated"),
        (["--lazy", "joined"], "error: invalid value for '--lazy'"),
        (["-o", "/no/such/folder/models.py"], "error: cannot write /no/such/folder/models.py"),
    ],
)
def test_bad_input_is_one_line(demo: TestDatabase, args: list[str], message: str) -> None:
    result = runner.invoke(app, ["models", demo.url, *args])
    assert result.exit_code == 2
    assert result.output.startswith(message) and result.output.count("\n") == 1, result.output


# -- hostile names and every shape ---------------------------------------------------------------------

_SCRATCH = {
    "postgresql": [
        "CREATE TYPE mood AS ENUM ('happy', 'very sad', 'class', '_private')",
        'CREATE TABLE "class" (id serial PRIMARY KEY, "metadata" text, "registry" int, "_sa_instance_state" text, '
        "\"user id\" int, \"text\" text DEFAULT 'hi', m mood NOT NULL DEFAULT 'happy', created timestamptz DEFAULT now())",
        'COMMENT ON TABLE "class" IS \'a "hostile" table\'',
        'COMMENT ON COLUMN "class"."metadata" IS \'meta\'',
        "CREATE SCHEMA other",
        "CREATE TABLE other.owners (id serial PRIMARY KEY, name text NOT NULL)",
        "CREATE TABLE other.pets (id serial PRIMARY KEY, owner_id int NOT NULL REFERENCES other.owners (id))",
        "CREATE TABLE measures (id int PRIMARY KEY, x int, doubled int GENERATED ALWAYS AS (x * 2) STORED, "
        "flags bit varying(10))",
        "CREATE UNIQUE INDEX ux_measures_x ON measures (x) WHERE x > 0",  # partial: x may repeat where it is not positive
        "CREATE TABLE pairs (a int, b int, PRIMARY KEY (a, b))",
        "CREATE TABLE pair_refs (id int PRIMARY KEY, a int, b int, "
        "FOREIGN KEY (a, b) REFERENCES pairs (a, b) MATCH FULL DEFERRABLE INITIALLY DEFERRED)",
        # an access method, an operator class and INCLUDE columns: a btree in their place is another index
        "CREATE TABLE docs (id int PRIMARY KEY, tags int[], body text)",
        "CREATE INDEX ix_docs_tags ON docs USING gin (tags)",
        "CREATE INDEX ix_docs_body ON docs (body text_pattern_ops) INCLUDE (id)",
        "CREATE INDEX ix_docs_hash ON docs USING hash (body)",
        "CREATE INDEX ix_docs_recent ON docs (id DESC, body text_pattern_ops DESC NULLS LAST, (id + 1) NULLS FIRST)",
        # two rows of NULLs collide here, where a plain UNIQUE lets them both in
        "CREATE TABLE slots (id int PRIMARY KEY, a int, b int, UNIQUE NULLS NOT DISTINCT (a, b))",
        "CREATE UNIQUE INDEX ux_slots_b ON slots (b) NULLS NOT DISTINCT",
    ],
    "mariadb": [
        "CREATE TABLE `class` (id int AUTO_INCREMENT PRIMARY KEY, `metadata` text, `registry` int, `_sa_instance_state` text, "
        "`user id` int, `text` varchar(20) DEFAULT 'hi', m enum('happy','very sad','class','_private') NOT NULL DEFAULT 'happy', "
        "created timestamp NULL DEFAULT current_timestamp()) COMMENT 'a \"hostile\" table'",
        "CREATE TABLE measures (id int PRIMARY KEY, x int, doubled int AS (x * 2) STORED, tripled int AS (x * 3) VIRTUAL)",
        # prefix keys: a TEXT column is indexed by its first characters, and a unique key on a prefix is an index
        "CREATE TABLE notes (id int PRIMARY KEY, body TEXT, code VARCHAR(40), KEY ix_notes_body (body(10)), "
        "UNIQUE KEY ux_notes_code (code(5), id))",
        # a FULLTEXT key on a TEXT column: written as a plain Index, create_all failed (a TEXT key needs a length)
        "CREATE TABLE docs (id int PRIMARY KEY, body TEXT, FULLTEXT KEY ft_docs_body (body))",
    ],
    "sqlite": [
        'CREATE TABLE "class" (id INTEGER PRIMARY KEY, "metadata" TEXT, "registry" INTEGER, "_sa_instance_state" TEXT, '
        "\"user id\" INTEGER, \"text\" TEXT DEFAULT 'hi', m VARCHAR(10) NOT NULL DEFAULT 'happy', created DATETIME DEFAULT CURRENT_TIMESTAMP)",
        "CREATE TABLE measures (id INTEGER PRIMARY KEY, x INTEGER, doubled INTEGER GENERATED ALWAYS AS (x * 2) STORED, tripled INTEGER AS (x * 3))",
        "CREATE UNIQUE INDEX ux_measures_x ON measures (x) WHERE x > 0",
        "CREATE INDEX ix_measures_expr ON measures (x + 1 DESC, id)",  # the Inspector skips it; the catalog does not
        "CREATE INDEX ix_measures_recent ON measures (id DESC, x)",  # a key's order, which the Inspector does not read
        "CREATE VIRTUAL TABLE notes_fts USING fts5(body)",  # not written, nor its shadow tables: create_all would make
        "CREATE TABLE notes_fts_kept (id INTEGER PRIMARY KEY)",  # plain tables of them; a table named alike is written
        "CREATE TABLE pairs (a INTEGER, b INTEGER, PRIMARY KEY (a, b))",
        "CREATE TABLE pair_refs (id INTEGER PRIMARY KEY, a INTEGER, b INTEGER, "
        "FOREIGN KEY (a, b) REFERENCES pairs (a, b) DEFERRABLE INITIALLY DEFERRED)",
    ],
}
_SHAPES = [
    # a column called list: the class's collections are annotated builtins.list[...], which it does not shadow
    "CREATE TABLE employees (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL, manager_id INTEGER REFERENCES employees (id), "
    "mentor_id INTEGER REFERENCES employees (id), list INTEGER)",
    "CREATE TABLE friendships (a_id INTEGER NOT NULL REFERENCES employees (id), b_id INTEGER NOT NULL REFERENCES employees (id), "
    "PRIMARY KEY (a_id, b_id))",
    "CREATE TABLE regions (country CHAR(2) NOT NULL, code VARCHAR(5) NOT NULL, name VARCHAR(50), PRIMARY KEY (country, code))",
    "CREATE TABLE stores (id INTEGER PRIMARY KEY, country CHAR(2), region_code VARCHAR(5), author VARCHAR(20), "
    "author_id INTEGER REFERENCES employees (id), "
    "FOREIGN KEY (country, region_code) REFERENCES regions (country, code) ON DELETE CASCADE, "
    "CONSTRAINT uq_store_place UNIQUE (country, region_code, id))",
    "CREATE INDEX ix_stores_author ON stores (author)",
    "CREATE INDEX ix_stores_place ON stores (region_code, country)",
    # store_id's action written inline with its column: SQLite's Inspector loses it, the catalog reads it off the pragma
    "CREATE TABLE memberships (employee_id INTEGER NOT NULL REFERENCES employees (id), "
    "store_id INTEGER NOT NULL REFERENCES stores (id) ON DELETE CASCADE, "
    "since DATE, PRIMARY KEY (store_id, employee_id))",
    # checks: on a column and on the table, named and not, over two columns, a quote and a colon in a literal
    "CREATE TABLE ranges (id INTEGER PRIMARY KEY, low INTEGER CHECK (low >= 0), high INTEGER, note VARCHAR(20), "
    "CONSTRAINT ck_range CHECK (low < high), CHECK (note <> 'it''s :x'))",
]


async def _build_scratch(url: str) -> None:
    engine, _ = await connect(url, read_only=False)
    try:
        async with engine.begin() as conn:
            for statement in _SCRATCH[engine.dialect.name if engine.dialect.name != "mysql" else "mariadb"] + _SHAPES:
                await conn.exec_driver_sql(statement)
    finally:
        await engine.dispose()


scratch = database_fixture("scratch", _build_scratch)


def test_hostile_names_and_every_shape_round_trip(scratch: TestDatabase, tmp_path: Path) -> None:
    path = generate(scratch, tmp_path, name="scratch_models")
    imports_alone(path)
    catalog, ours = reflected(scratch)
    generated = load_user_models(f"{path}:Base")
    shadows = frozenset(name for name in ours.entities if name.startswith("notes_fts_") and name != "notes_fts_kept")
    assert_same_mapping(generated, ours, shadows)
    assert generated.attributes("class") == {
        "id": "id", "metadata": "metadata_", "registry": "registry_", "_sa_instance_state": "sa_instance_state",
        "user id": "user_id", "text": "text", "m": "m", "created": "created",
    }  # fmt: skip
    assert shape(generated, "employees") == [
        ("employees_manager", "one_to_many", "employees", ("employees.manager_id",), True, "manager", None),
        ("employees_mentor", "one_to_many", "employees", ("employees.mentor_id",), True, "mentor", None),
        ("friendships_a", "many_to_many", "employees", ("friendships",), True, "friendships_b", "friendships"),
        ("friendships_b", "many_to_many", "employees", ("friendships",), True, "friendships_a", "friendships"),
        ("manager", "many_to_one", "employees", ("employees.manager_id",), False, "employees_manager", None),
        ("memberships", "one_to_many", "memberships", ("memberships.employee_id",), True, "employee", None),
        ("mentor", "many_to_one", "employees", ("employees.mentor_id",), False, "employees_mentor", None),
        ("stores", "one_to_many", "stores", ("stores.author_id",), True, "author_rel", None),
    ]
    assert ("author_rel", "many_to_one", "employees", ("stores.author_id",), False, "stores", None) in shape(
        generated, "stores"
    )
    assert (
        "region",
        "many_to_one",
        "regions",
        ("stores.country", "stores.region_code"),
        False,
        "stores",
        None,
    ) in shape(generated, "stores")
    if scratch.backend == "sqlite":
        assert "notes_fts_kept" in generated.tables
        assert not {"notes_fts", "notes_fts_data", "notes_fts_idx", "notes_fts_config"} & set(generated.tables)
        assert "- notes_fts: a virtual table (fts5): make it with its CREATE VIRTUAL TABLE\n" in path.read_text()
        [recent] = [i for i in generated.tables["measures"].indexes if i.name == "ix_measures_recent"]
        assert [str(expression) for expression in recent.expressions] == ["id DESC", "measures.x"]
    if scratch.backend != "mariadb":  # which checks every key at once
        [deferred] = generated.tables["pair_refs"].foreign_key_constraints
        match = "FULL" if scratch.backend == "postgresql" else None  # SQLite reads MATCH and ignores it
        assert (deferred.deferrable, deferred.initially, deferred.match) == (True, "DEFERRED", match)
    if scratch.backend == "mariadb":
        notes = sorted(generated.tables["notes"].indexes, key=lambda index: index.name or "")
        assert [(i.name, i.unique, i.dialect_options["mysql"]["length"]) for i in notes] == [
            ("ix_notes_body", False, {"body": 10}),
            ("ux_notes_code", True, {"code": 5}),
        ]
        [fulltext] = generated.tables["docs"].indexes
        assert (fulltext.name, fulltext.dialect_options["mysql"]["prefix"]) == ("ft_docs_body", "FULLTEXT")
        shown = runner.invoke(app, ["schema", scratch.url, "--table", "docs"])
        assert "ft_docs_body fulltext (body)" in shown.stdout
    else:  # MariaDB has no partial indexes
        predicate = "(x > 0)" if scratch.backend == "postgresql" else "x > 0"  # as each database gives it back
        partial = [i for i in generated.tables["measures"].indexes if i.name == "ux_measures_x"]
        assert [(i.unique, str(i.dialect_options[scratch.backend]["where"])) for i in partial] == [(True, predicate)]
    assert _written_checks(generated, "ranges") == _RANGES_CHECKS[scratch.backend]
    assert {fk.parent.name: fk.ondelete for fk in generated.tables["memberships"].foreign_keys} == {
        "employee_id": None,
        "store_id": "CASCADE",
    }
    with_models, reflected_only = schema_json(scratch, "--models", f"{path}:Base"), schema_json(scratch)
    assert {name: found for name, found in with_models.items() if name not in shadows} == {
        name: found for name, found in reflected_only.items() if name not in shadows
    }
    assert_same_schema(catalog, created_catalog(scratch.backend, tmp_path, generated), set(generated.tables))


_RANGES_CHECKS = {
    # as each database gives them back; a name it made itself is left for it to make again
    "sqlite": [("", "low >= 0"), ("", "note <> 'it''s :x'"), ("ck_range", "low < high")],
    "postgresql": [("", "low >= 0"), ("", "note::text <> 'it''s :x'::text"), ("ck_range", "low < high")],
    "mariadb": [("", "`note` <> 'it\\'s :x'"), ("ck_range", "`low` < `high`"), ("low", "`low` >= 0")],
}


def _written_checks(generated: OrmMap, table: str) -> list[tuple[str, str]]:
    """(name or "", expression) of each ``CheckConstraint`` the module gives ``table``."""
    return sorted(
        (str(check.name or ""), str(check.sqltext))
        for check in generated.tables[table].constraints
        if isinstance(check, CheckConstraint)
    )


def test_enums_become_python_enums(scratch: TestDatabase, tmp_path: Path) -> None:
    if scratch.backend == "sqlite":
        pytest.skip("SQLite has no enum type")
    path = generate(scratch, tmp_path, name="enum_models")
    column = load_user_models(f"{path}:Base").entity("class").__table__.c.m
    labels = ["happy", "very sad", "class", "_private"]
    assert column.type.enums == labels
    assert [member.value for member in column.type.enum_class] == labels
    assert [member.name for member in column.type.enum_class] == ["happy", "very_sad", "class_", "v_private"]


def test_another_schema(scratch: TestDatabase, tmp_path: Path) -> None:
    if scratch.backend != "postgresql":
        pytest.skip("the scratch schema has a second schema on PostgreSQL only")
    path = generate(scratch, tmp_path, "--schema-name", "other", name="other_models")
    assert 'metadata = MetaData(schema="other")' in path.read_text()
    imports_alone(path)
    generated = load_user_models(f"{path}:Base")
    assert sorted(generated.entities) == ["owners", "pets"]
    assert shape(generated, "pets") == [("owner", "many_to_one", "owners", ("pets.owner_id",), False, "pets", None)]
    assert schema_json(scratch, "--schema", "other", "--models", f"{path}:Base") == schema_json(
        scratch, "--schema", "other"
    )


def test_the_hostile_fixture_round_trips(hostile_db: TestDatabase, tmp_path: Path) -> None:
    path = generate(hostile_db, tmp_path, name="hostile_models")
    imports_alone(path)
    _, ours = reflected(hostile_db)
    generated = load_user_models(f"{path}:Base")
    assert_same_mapping(generated, ours)
    assert generated.attributes("user") == USER_ATTRIBUTES


@pytest.mark.parametrize(
    ("dialect", "type_text", "sql", "python"),
    [
        ("postgresql", "character varying(200)", "String(200)", "str"),
        ("postgresql", "timestamp with time zone", "DateTime(timezone=True)", "datetime.datetime"),
        ("postgresql", "timestamp(3) without time zone", "TIMESTAMP(precision=3)", "datetime.datetime"),
        ("postgresql", "numeric(10,2)", "Numeric(10, 2)", "decimal.Decimal"),
        ("postgresql", "integer[]", "ARRAY(Integer)", "list[int]"),
        ("postgresql", "jsonb", "JSONB", "dict"),
        ("postgresql", "bit varying(10)", "BIT(10, varying=True)", "str"),
        ("postgresql", "bit varying", "BIT(varying=True)", "str"),
        ("postgresql", "bit(3)", "BIT(3)", "str"),
        ("postgresql", "no_such_type", "NullType", "Any"),
        ("mysql", "INTEGER(10) UNSIGNED", "INTEGER(unsigned=True)", "int"),
        ("mysql", "TINYINT(1)", "Boolean", "bool"),
        ("mysql", "DATETIME(6)", "DATETIME(fsp=6)", "datetime.datetime"),
        ("mysql", "LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin", "LONGTEXT", "str"),
        ("mysql", "SET('A','b''c')", 'SET("A", "b\'c")', "set[str]"),
        ("sqlite", "varchar(20)", "String(20)", "str"),
        ("sqlite", "FOO BAR", "NullType", "Any"),
    ],
)
def test_type_text_becomes_code(dialect: str, type_text: str, sql: str, python: str) -> None:
    from sqlalchemy.dialects import mysql, postgresql, sqlite

    from sqla_tui.core.catalog.column_types import code_type

    made = code_type(type_text, {"postgresql": postgresql, "mysql": mysql, "sqlite": sqlite}[dialect].dialect())
    assert (made.sql, made.python) == (sql, python)


def assert_piecewise_is_whole(database: TestDatabase, monkeypatch: pytest.MonkeyPatch) -> None:
    """Columns written chunk by chunk (here two tables a chunk, over two connections) change nothing."""
    from sqla_tui.core.catalog import schema as catalog_schema
    from sqla_tui.core.catalog.export import ExportOptions, database_facts, export_models, models_source

    monkeypatch.setattr(catalog_schema, "CATALOG_CHUNK", 2)

    async def scenario() -> tuple[str, str]:
        engine, _ = await connect(database.url)
        try:
            options = ExportOptions(lazy="raise")
            piecewise = (await export_models(engine, None, options)).text
            whole = models_source(
                await load_catalog(engine), engine.dialect, options, await database_facts(engine, None)
            )
            return piecewise, whole.text
        finally:
            await engine.dispose()

    piecewise, whole = run_async(scenario())
    assert piecewise == whole


def test_the_demo_written_piecewise(demo: TestDatabase, monkeypatch: pytest.MonkeyPatch) -> None:
    assert_piecewise_is_whole(demo, monkeypatch)


def test_every_shape_written_piecewise(scratch: TestDatabase, monkeypatch: pytest.MonkeyPatch) -> None:
    assert_piecewise_is_whole(scratch, monkeypatch)


def test_hostile_names_written_piecewise(hostile_db: TestDatabase, monkeypatch: pytest.MonkeyPatch) -> None:
    assert_piecewise_is_whole(hostile_db, monkeypatch)


async def _own_and_shared_sequences(url: str) -> None:
    await run_statements(
        url,
        lambda _: [
            "CREATE SEQUENCE order_seq START 1000",
            "CREATE TABLE orders (id bigint PRIMARY KEY DEFAULT nextval('order_seq'), note text)",
            "CREATE TABLE plain (id serial PRIMARY KEY, note text)",
            "CREATE TABLE counted (id int GENERATED BY DEFAULT AS IDENTITY (START WITH 100 INCREMENT BY 5) PRIMARY KEY, "
            "note text)",
        ],
    )


sequences_db = database_fixture("sequences_db", _own_and_shared_sequences, backends=("postgresql",))


def test_a_key_numbered_by_another_sequence_keeps_its_default(sequences_db: TestDatabase, tmp_path: Path) -> None:
    """A serial key's own sequence is made again by create_all; ``order_seq`` (starting at 1000) is a default the
    module writes and its docstring asks for, or create_all would number orders from 1 with a sequence of its own."""
    path = generate(sequences_db, tmp_path, name="sequence_models")
    source = path.read_text()
    assert "- orders.id: nextval('order_seq'::regclass)\n" in source
    metadata = load_user_models(f"{path}:Base").entity("orders").__table__.metadata
    assert str(metadata.tables["orders"].c.id.server_default.arg) == "nextval('order_seq'::regclass)"
    assert metadata.tables["plain"].c.id.server_default is None  # serial: create_all makes its sequence
    fresh = create_database("postgresql", tmp_path)

    async def scenario() -> list[int]:
        engine, _ = await connect(fresh.url, read_only=False)
        try:
            async with engine.begin() as conn:
                await conn.exec_driver_sql("CREATE SEQUENCE order_seq START 1000")
                await conn.run_sync(metadata.create_all)
                return [
                    (await conn.execute(text(f"INSERT INTO {table} (note) VALUES ('x') RETURNING id"))).scalar_one()
                    for table in ("orders", "plain", "counted", "counted")
                ]
        finally:
            await engine.dispose()

    try:
        assert run_async(scenario()) == [1000, 1, 100, 105]  # an identity counts as declared, from 100 by 5
    finally:
        fresh.drop()


async def _types_elsewhere(url: str) -> None:
    await run_statements(
        url,
        lambda _: [
            "CREATE TYPE mood AS ENUM ('ok', 'bad')",
            "CREATE DOMAIN posint AS integer CHECK (VALUE > 0)",
            "CREATE SCHEMA app",
            "CREATE TYPE app.inner_mood AS ENUM ('x', 'y')",
            "CREATE TABLE app.t (id integer PRIMARY KEY, m mood NOT NULL DEFAULT 'ok', n posint, im app.inner_mood)",
        ],
    )


types_elsewhere = database_fixture("types_elsewhere", _types_elsewhere, backends=("postgresql",))


def test_another_schemas_module_keeps_each_type_in_its_own_schema(types_elsewhere: TestDatabase, tmp_path: Path) -> None:
    """``--schema app`` writes ``MetaData(schema="app")``, which a type naming no schema of its own joins: public's
    enum and domain say ``schema="public"``, or create_all made ``app.mood`` and failed on the default's ``::mood``."""
    path = generate(types_elsewhere, tmp_path, "--schema", "app", name="app_models")
    source = path.read_text()
    assert 'Enum(Mood, name="mood", schema="public")' in source and 'Enum(InnerMood, name="inner_mood")' in source
    assert 'DOMAIN("posint", Integer, schema="public", check="(VALUE > 0)")' in source
    metadata = load_user_models(f"{path}:Base").entity("t").__table__.metadata
    fresh = create_database("postgresql", tmp_path)

    async def scenario() -> list[tuple[str, str]]:
        engine, _ = await connect(fresh.url, read_only=False)
        try:
            async with engine.begin() as conn:
                await conn.exec_driver_sql("CREATE SCHEMA app")
                await conn.run_sync(metadata.create_all)
                await conn.exec_driver_sql("INSERT INTO app.t (id, n, im) VALUES (1, 2, 'y')")
                made = await conn.exec_driver_sql(
                    "SELECT n.nspname, t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace "
                    "WHERE t.typname IN ('mood', 'posint', 'inner_mood') ORDER BY 2"
                )
                return [tuple(row) for row in made]
        finally:
            await engine.dispose()

    try:
        assert run_async(scenario()) == [("app", "inner_mood"), ("public", "mood"), ("public", "posint")]
    finally:
        fresh.drop()


async def _keyed_elsewhere(url: str) -> None:
    await run_statements(
        url,
        lambda _: [
            "CREATE SCHEMA auth",
            "CREATE TABLE auth.users (id uuid PRIMARY KEY, email text)",
            "CREATE TABLE profiles (id uuid PRIMARY KEY REFERENCES auth.users (id) ON DELETE CASCADE, name text)",
            "CREATE TABLE notes (id serial PRIMARY KEY, profile_id uuid REFERENCES profiles (id))",
        ],
    )


keyed_elsewhere = database_fixture("keyed_elsewhere", _keyed_elsewhere, backends=("postgresql",))
"""Supabase's shape: the application's profiles keyed by the auth schema's users, other tables keyed by profiles."""


def test_a_key_to_another_schemas_table_is_left_out_and_said(keyed_elsewhere: TestDatabase, tmp_path: Path) -> None:
    """Written as ForeignKey("auth.users.id"), the module did not configure: the profiles.notes relationship asked
    that key's column, whose table the module's MetaData lacks (NoReferencedTableError), so --models failed too."""
    path = generate(keyed_elsewhere, tmp_path, name="keyed_models")
    imports_alone(path)
    source = path.read_text()
    assert (
        "Foreign keys left out, their table is in another schema, which this module does not map:\n\n"
        "- profiles (id) → auth.users (id)\n"
    ) in source
    assert "auth" not in source.split('"""', 2)[2]
    generated = load_user_models(f"{path}:Base")
    assert shape(generated, "profiles") == [("notes", "one_to_many", "notes", ("notes.profile_id",), True, "profile", None)]
    catalog, _ = reflected(keyed_elsewhere)
    created = created_catalog("postgresql", tmp_path, generated)
    assert [fk.target_table for fk in created.table("notes").foreign_keys] == ["profiles"]
    assert created.table("profiles").foreign_keys == () and catalog.table("profiles").foreign_keys[0].target_schema == "auth"
