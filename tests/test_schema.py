"""Catalog reflection and the ``schema`` command, on the demo database of every backend."""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path

import pytest
from sqlalchemy import event
from typer.testing import CliRunner

from sqla_tui.cli import app
from sqla_tui.core.catalog import schema as schema_module
from sqla_tui.core.catalog.mapping import map_schema
from sqla_tui.core.catalog.schema import Catalog, list_names, list_schemas, load_catalog
from sqla_tui.core.connect.engine import connect
from sqla_tui.core.connect.target import PoolOptions
from sqla_tui.core.errors import UserError
from tests.databases import TestDatabase, create_database, database_fixture, run_async, sqlite_file
from tests.schema_fixtures import DEMO_RELATIONSHIPS, DEMO_UNMAPPABLE, demo, execute

runner = CliRunner()

DEMO_NAMES = [
    ("audit_log", "table"),
    ("comments", "table"),
    ("messages", "table"),
    ("order_items", "table"),
    ("orders", "table"),
    ("post_tags", "table"),
    ("posts", "table"),
    ("products", "table"),
    ("profiles", "table"),
    ("tags", "table"),
    ("user_post_counts", "view"),
    ("users", "table"),
]


async def catalog_of(url: str, schema: str | None = None) -> Catalog:
    engine, _ = await connect(url)
    try:
        return await load_catalog(engine, schema)
    finally:
        await engine.dispose()


async def test_names_paint_first_with_kinds(demo: TestDatabase) -> None:
    engine, _ = await connect(demo.url)
    try:
        names = await list_names(engine)
    finally:
        await engine.dispose()
    assert [(t.name, t.kind) for t in names] == DEMO_NAMES
    assert len({t.schema for t in names}) == 1


async def catalog_and_peak_connections(url: str, pool: PoolOptions) -> tuple[Catalog, int]:
    """The catalog, and the most connections it held at once."""
    engine, _ = await connect(url, pool)
    held, peak = 0, 0

    def checked_out(*_: object) -> None:
        nonlocal held, peak
        held += 1
        peak = max(peak, held)

    def checked_in(*_: object) -> None:
        nonlocal held
        held -= 1

    event.listen(engine.sync_engine.pool, "checkout", checked_out)
    event.listen(engine.sync_engine.pool, "checkin", checked_in)
    try:
        return await load_catalog(engine), peak
    finally:
        await engine.dispose()


async def test_catalog_chunks_over_two_connections_read_the_same_as_over_one(
    demo: TestDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Chunks alternate between two connections when the pool can lend one; never when it holds just one."""
    monkeypatch.setattr(schema_module, "CATALOG_CHUNK", 5)  # the demo's 12 names in three chunks
    two, peak_two = await catalog_and_peak_connections(demo.url, PoolOptions())
    one, peak_one = await catalog_and_peak_connections(demo.url, PoolOptions(pool_size=1, max_overflow=0))
    assert (peak_two, peak_one) == (2, 1)
    assert two.tables == one.tables  # a Catalog compares by identity; its tables by value
    assert [(t.name, t.kind) for t in two.tables] == DEMO_NAMES


@pytest.mark.parametrize("backend", ["sqlite", "mariadb"])  # PostgreSQL refuses to drop a table a view reads
def test_a_view_over_a_dropped_table_is_named_and_the_rest_is_read(
    backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(schema_module, "CATALOG_CHUNK", 3)  # the broken view shares its chunk with a good table
    database = create_database(backend, tmp_path)
    try:
        run_async(
            execute(
                database.url,
                "CREATE TABLE gone (id INTEGER PRIMARY KEY)",
                *(f"CREATE TABLE {name} (id INTEGER PRIMARY KEY)" for name in ("kept", "later", "zeta")),
                "CREATE VIEW orphan AS SELECT id FROM gone",
                "DROP TABLE gone",
            )
        )
        catalog = run_async(catalog_of(database.url))
        results = [
            runner.invoke(app, [*command, database.url, *rest])
            for command, rest in ((["schema"], ["--table", "orphan"]), (["query"], ["orphan"]), (["explain"], ["orphan"]))
        ]
    finally:
        database.drop()
    assert [t.name for t in catalog.tables] == ["kept", "later", "zeta"]
    reason = {
        "sqlite": "no such table: main.gone",
        # MariaDB reflects the view as one without columns: its reason is the error a zero-row SELECT of it raises
        "mariadb": f"View '{database.name}.orphan' references invalid table(s) "
        "or column(s) or function(s) or definer/invoker of view lack rights to use them",
    }
    assert catalog.undescribed == {"orphan": reason[backend]}
    for result in results:  # never "no table 'orphan'": it is listed, and the user is told why it cannot be read
        assert result.exit_code == 2
        assert result.stderr.strip() == f"error: orphan is listed but the database could not describe it: {reason[backend]}"


async def test_catalog_columns_keys_and_indexes(demo: TestDatabase) -> None:
    catalog = await catalog_of(demo.url)
    assert [(t.name, t.kind) for t in catalog.tables] == DEMO_NAMES
    users = catalog.table("users")
    assert users.column_names() == ("id", "name", "email", "created_at")
    assert users.primary_key == ("id",) and users.columns[0].primary_key and not users.columns[0].nullable
    assert [u.columns for u in users.unique_constraints] == [("email",)]
    comments = catalog.table("comments")
    assert sorted((fk.columns, fk.target_table, fk.target_columns) for fk in comments.foreign_keys) == [
        (("parent_id",), "comments", ("id",)),
        (("post_id",), "posts", ("id",)),
        (("user_id",), "users", ("id",)),
    ]
    assert {fk.target_schema for fk in comments.foreign_keys} == {catalog.schema}
    parent = {c.name: c for c in comments.columns}
    assert parent["parent_id"].nullable and not parent["post_id"].nullable
    assert ("ix_posts_user_id", ("user_id",), False) in [
        (i.name, i.columns, i.unique) for i in catalog.table("posts").indexes
    ]
    assert catalog.table("order_items").primary_key == ("order_id", "product_id")
    assert catalog.table("audit_log").primary_key == ()
    assert ("user_id",) in [u.columns for u in catalog.table("profiles").unique_constraints]
    view = catalog.table("user_post_counts")
    assert view.kind == "view" and view.column_names() == ("user_id", "name", "post_count")
    assert view.row_estimate is None


async def test_row_estimates(demo: TestDatabase) -> None:
    catalog = await catalog_of(demo.url)
    estimates = {t.name: t.row_estimate for t in catalog.tables if t.kind == "table"}
    if demo.backend == "mariadb":  # InnoDB table_rows is a sampled estimate
        assert all(isinstance(value, int) for value in estimates.values())
    else:  # SQLite counts exactly; PostgreSQL was ANALYZEd, which reads every row of tables this small
        assert estimates == demo.counts  # type: ignore[attr-defined]
    # only SQLite's are counts (the others are statistics, whatever ANALYZE read), and only those go without a "~"
    assert {t.row_count_exact for t in catalog.tables if t.kind == "table"} == {demo.backend == "sqlite"}


async def test_unknown_table_and_schema_name_close_matches(demo: TestDatabase) -> None:
    catalog = await catalog_of(demo.url)
    with pytest.raises(UserError, match=r"no table 'user' in schema '.+'; did you mean users\?"):
        catalog.table("user")
    with pytest.raises(UserError, match=r"no schema 'nosuch_schema'"):
        await catalog_of(demo.url, "nosuch_schema")


def _shop_ddl(schema: str) -> list[str]:
    return [
        f"CREATE TABLE {schema}.customers (id INTEGER PRIMARY KEY, name VARCHAR(50))",
        f"CREATE TABLE {schema}.invoices (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL, "
        f"FOREIGN KEY (customer_id) REFERENCES {schema}.customers (id))",
        f"INSERT INTO {schema}.customers VALUES (1, 'Ada')",
        f"INSERT INTO {schema}.invoices VALUES (10, 1), (11, 1)",
    ]


async def test_non_default_schema_is_listed_browsable_and_mappable(empty_db: TestDatabase) -> None:
    if empty_db.backend == "sqlite":
        pytest.skip("SQLite has one schema per file ('main'); covered by the unknown-schema test")
    shop = "shop" if empty_db.backend == "postgresql" else f"{empty_db.name}_shop"
    await execute(empty_db.url, f"CREATE SCHEMA {shop}", *_shop_ddl(shop))
    try:
        engine, _ = await connect(empty_db.url)
        try:
            assert shop in await list_schemas(engine)
            assert [t.name for t in await list_names(engine, shop)] == ["customers", "invoices"]
            catalog = await load_catalog(engine, shop)
            assert catalog.schema == shop and not catalog.is_default_schema
            (fk,) = catalog.table("invoices").foreign_keys
            assert (fk.target_schema, fk.target_table) == (shop, "customers")
            orm = await map_schema(engine, "customers", catalog=catalog)
            assert [(r.name, r.via) for r in orm.relationships("customers")] == [
                ("invoices", ("invoices.customer_id",))
            ]
            from sqlalchemy import select
            from sqlalchemy.ext.asyncio import AsyncSession
            from sqlalchemy.orm import selectinload

            Customer = orm.entity("customers")
            async with AsyncSession(engine) as session:
                ada = (await session.scalars(select(Customer).options(selectinload(Customer.invoices)))).one()
                assert sorted(invoice.id for invoice in ada.invoices) == [10, 11]
        finally:
            await engine.dispose()
    finally:
        if empty_db.backend == "mariadb":
            await execute(empty_db.url, f"DROP DATABASE {shop}")


@pytest.fixture
def pg_exotic(tmp_path: Path):  # type: ignore[no-untyped-def]
    database = create_database("postgresql", tmp_path)
    try:
        yield database
    finally:
        database.drop()


async def test_postgresql_exotic_types_show_by_name(pg_exotic: TestDatabase) -> None:
    await execute(
        pg_exotic.url,
        "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')",
        "CREATE DOMAIN positive_int AS integer CHECK (VALUE > 0)",
        "CREATE TABLE docs (id serial PRIMARY KEY, feeling mood, labels text[], body_tsv tsvector, "
        "size positive_int, lsn pg_lsn, title text, "
        "title_len integer GENERATED ALWAYS AS (length(title)) STORED)",
        "COMMENT ON COLUMN docs.title IS 'shown in lists'",
        "CREATE TABLE events (id integer, at date) PARTITION BY RANGE (at)",
        "CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')",
    )
    catalog = await catalog_of(pg_exotic.url)
    columns = {c.name: c for c in catalog.table("docs").columns}
    assert {name: c.type for name, c in columns.items()} == {
        "id": "integer",
        "feeling": "mood",
        "labels": "text[]",
        "body_tsv": "tsvector",
        "size": "positive_int",
        "lsn": "pg_lsn",
        "title": "text",
        "title_len": "integer",
    }
    assert (columns["title_len"].generated, columns["title_len"].stored) == ("length(title)", True)
    assert columns["title"].comment == "shown in lists"
    assert [(t.name, t.kind) for t in catalog.tables] == [("docs", "table"), ("events", "table"), ("events_2026", "table")]
    engine, _ = await connect(pg_exotic.url)
    try:
        orm = await map_schema(engine, catalog=catalog)
    finally:
        await engine.dispose()
    assert sorted(orm.entities) == ["docs"]
    assert orm.unmappable == {"events": "no primary key", "events_2026": "partition of events; compose over events"}


def _json(*args: str) -> dict:  # type: ignore[type-arg]
    result = runner.invoke(app, ["schema", *args, "--json"])
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_schema_json_lists_every_relationship_shape(demo: TestDatabase) -> None:
    data = _json(demo.url)
    assert data["dialect"] == demo.backend.replace("mariadb", "mysql")
    assert data["schema"] in data["schemas"]
    tables = {table["name"]: table for table in data["tables"]}
    assert [(t["name"], t["kind"]) for t in data["tables"]] == DEMO_NAMES
    for name, expected in DEMO_RELATIONSHIPS.items():
        got = [(r["name"], r["direction"], r["target"], tuple(r["via"]), r["uselist"]) for r in tables[name]["relationships"]]
        assert got == expected, name
        assert tables[name]["mappable"] is True and tables[name]["unmappable_reason"] is None
    for name, reason in DEMO_UNMAPPABLE.items():
        assert (tables[name]["mappable"], tables[name]["unmappable_reason"], tables[name]["relationships"]) == (
            False,
            reason,
            [],
        )
    messages = tables["messages"]
    assert messages["primary_key"] == ["id"]
    assert sorted(fk["columns"] for fk in messages["foreign_keys"]) == [["recipient_id"], ["sender_id"]]
    assert set(messages["columns"][0]) == {"name", "attribute", "type", "nullable", "default", "primary_key", "comment", "generated", "stored"}


def test_schema_json_with_the_users_own_models(demo: TestDatabase) -> None:
    data = _json(demo.url, "--table", "users", "--models", "sqla_tui.demo_db.models:Base")
    (users,) = data["tables"]
    assert [(r["name"], r["via"]) for r in users["relationships"]] == [
        ("profile", ["profiles.user_id"]),
        ("posts", ["posts.user_id"]),
        ("comments", ["comments.user_id"]),
        ("orders", ["orders.user_id"]),
        ("sent_messages", ["messages.sender_id"]),
        ("received_messages", ["messages.recipient_id"]),
    ]


def test_schema_human_tree_and_unknown_table(demo: TestDatabase) -> None:
    tree = runner.invoke(app, ["schema", demo.url])
    assert tree.exit_code == 0, tree.stderr
    users = demo.counts["users"]  # type: ignore[attr-defined]
    counted = rf"users  {users:,} rows" if demo.backend == "sqlite" else r"users  ~[\d,]+ rows"
    assert re.search(rf"── {counted}\n", tree.stdout), tree.stdout
    result = runner.invoke(app, ["schema", demo.url, "--table", "messages"])
    assert result.exit_code == 0, result.stderr
    # the same words as the TUI's table detail pane (sqla_tui.words.catalog)
    assert "sender  many-to-one → users  via messages.sender_id" in result.stdout
    assert "(sender_id) → users (id)" in result.stdout
    missing = runner.invoke(app, ["schema", demo.url, "--table", "mesages"])
    assert missing.exit_code == 2
    assert re.fullmatch(r"error: no table 'mesages' in schema '\w+'; did you mean messages\?\n", missing.stderr)


async def test_sqlite_declared_types_and_a_column_without_a_name(tmp_path: Path) -> None:
    """SQLite keeps a type as written and accepts an empty column name; neither costs the rest of the schema."""
    path = sqlite_file(
        tmp_path / "odd.db",
        'CREATE TABLE odd (id INTEGER PRIMARY KEY, "" TEXT, v "VARCHAR(10,2)", f "FOO BAR", d "DATETIME(6)");'
        "CREATE TABLE near (id INTEGER PRIMARY KEY, odd_id INTEGER REFERENCES odd (id));"
        "INSERT INTO odd VALUES (1, 'e', 'v', 'f', 'd'); INSERT INTO near VALUES (1, 1);",
    )
    engine, _ = await connect(f"sqlite:///{path}")
    try:
        catalog = await load_catalog(engine)
        orm = await map_schema(engine, "near", catalog=catalog)
    finally:
        await engine.dispose()
    assert [(c.name, c.type) for c in catalog.table("odd").columns] == [
        ("id", "INTEGER"), ("", "TEXT"), ("v", "VARCHAR(10,2)"), ("f", "FOO BAR"), ("d", "DATETIME(6)"),
    ]  # fmt: skip
    assert orm.unmappable["odd"] == "a column has an empty name, which SQLAlchemy cannot map"
    assert sorted(orm.entities) == ["near"] and orm.relationships("near") == []


@pytest.mark.parametrize("backend", ["postgresql"])
def test_a_table_without_columns_is_described_and_refuses_a_query_in_one_line(empty_db: TestDatabase) -> None:
    """PostgreSQL keeps ``CREATE TABLE t ()``: a table, not a view the database could not describe."""
    run_async(execute(empty_db.url, "CREATE TABLE empty_cols ()", "CREATE TABLE t (id INTEGER PRIMARY KEY)"))
    shown = json.loads(runner.invoke(app, ["schema", empty_db.url, "--json"]).output)
    assert {table["name"]: len(table["columns"]) for table in shown["tables"]} == {"empty_cols": 0, "t": 1}
    assert not shown.get("undescribed")
    refused = runner.invoke(app, ["query", empty_db.url, "empty_cols"])
    assert (refused.exit_code, refused.output) == (
        2,
        "error: empty_cols has no columns, so a query of it has nothing to show; count its rows in SQL\n",
    )


@pytest.mark.parametrize("backend", ["postgresql"])
def test_a_catalog_the_server_refuses_is_one_line_not_a_bug(empty_db: TestDatabase) -> None:
    """A role that may not read ``pg_class`` (a locked-down database of its own): the server's refusal, in one line."""
    role = f"sqla_tui_no_catalog_{uuid.uuid4().hex[:8]}"
    run_async(execute(empty_db.url, f"CREATE ROLE {role} LOGIN", "REVOKE SELECT ON pg_catalog.pg_class FROM PUBLIC"))
    try:
        refused = runner.invoke(app, ["schema", empty_db.url.replace("postgres@", f"{role}@")])
        assert refused.exit_code == 2
        assert refused.output.count("\n") == 1 and refused.output.endswith(": permission denied for table pg_class\n")
    finally:
        run_async(execute(empty_db.url, f"DROP ROLE {role}"))


@pytest.mark.parametrize("backend", ["postgresql"])
def test_a_search_path_naming_no_schema_is_said_so(empty_db: TestDatabase) -> None:
    """``options=-csearch_path=nope``: the URL names its database, but no schema of it is the connection's."""
    run_async(execute(empty_db.url, "CREATE TABLE t (id INTEGER PRIMARY KEY)"))
    url = f"{empty_db.url}?options=-csearch_path%3Dnope"
    refused = runner.invoke(app, ["schema", url])
    assert (refused.exit_code, refused.output) == (
        2,
        "error: no schema in the connection's search_path exists (is it set in the URL's options, or for the role?): "
        "pass --schema, or choose one of: public\n",
    )
    assert runner.invoke(app, ["schema", url, "--schema", "public", "--json"]).exit_code == 0


async def _checked(url: str) -> None:
    await execute(
        url,
        "CREATE TABLE prices (id INTEGER PRIMARY KEY, low INTEGER, high INTEGER, "
        "CONSTRAINT ck_range CHECK (low < high), CHECK (high < 1000))",
    )


checked_db = database_fixture("checked_db", _checked)

_CHECKS_SHOWN = {
    # each database's own spelling, and its own name for the unnamed check (SQLite has none)
    "sqlite": [("ck_range", "low < high"), (None, "high < 1000")],
    "postgresql": [("ck_range", "low < high"), ("prices_high_check", "high < 1000")],
    "mariadb": [("ck_range", "`low` < `high`"), ("CONSTRAINT_1", "`high` < 1000")],
}


def test_schema_shows_each_tables_checks_in_text_and_json(checked_db: TestDatabase) -> None:
    (named, first), (unnamed, second) = _CHECKS_SHOWN[checked_db.backend]
    result = runner.invoke(app, ["schema", checked_db.url, "--table", "prices"])
    assert result.exit_code == 0, result.stderr
    last = f"{unnamed}: {second}" if unnamed else second
    assert result.stdout.endswith(f"    └── checks\n        ├── {named}: {first}\n        └── {last}\n"), result.stdout
    document = json.loads(runner.invoke(app, ["schema", checked_db.url, "--json", "--table", "prices"]).stdout)
    assert document["tables"][0]["checks"] == [{"name": named, "sqltext": first}, {"name": unnamed, "sqltext": second}]
