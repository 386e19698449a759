"""What MariaDB's catalog holds that SQLAlchemy's reflection does not return, read by sqla-tui all the same.

A default taking a sequence's next value (``DEFAULT NEXT VALUE FOR seq``),
which SQLAlchemy reflects as no default, shows in ``schema`` and is written
by ``models`` so ``create_all`` makes it again. A JSON column (LONGTEXT
with ``CHECK (json_valid(col))``) is JSON to a user granted SELECT on its
table alone, to whom MariaDB shows no ``CHECK_CONSTRAINTS`` rows, as to root.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path

from sqlalchemy import text

from sqla_tui.core.catalog.mapping import load_user_models
from sqla_tui.core.catalog.schema import Catalog, load_catalog
from sqla_tui.core.connect.engine import connect
from tests.databases import MY_HOST, MY_PORT, TestDatabase, create_database, database_fixture, run_async, run_statements
from tests.test_models_export import generate, table_facts
from tests.test_script import invoke

_BUILD = [
    "CREATE SEQUENCE order_seq START WITH 1000",
    "CREATE TABLE orders (id INT PRIMARY KEY DEFAULT NEXT VALUE FOR order_seq, note VARCHAR(10) DEFAULT 'NULL', "
    "memo VARCHAR(10), code VARCHAR(10) NOT NULL DEFAULT 'it''s', n INT, made DATETIME DEFAULT current_timestamp())",
    "CREATE TABLE customers (id INT PRIMARY KEY, prefs JSON, tags JSON NOT NULL DEFAULT '[]', notes LONGTEXT, "
    "sized LONGTEXT CHECK (json_valid(sized) AND length(sized) < 100), doc LONGTEXT, "
    "CONSTRAINT doc_is_json CHECK (json_valid(doc)))",
    "CREATE TABLE checked (id INT PRIMARY KEY, n INT CHECK (n > 0), lo INT, hi INT, s VARCHAR(10), "
    "CONSTRAINT `lo ``below`` hi` CHECK (lo < hi), CHECK (s <> 'it''s'))",
]


async def _build(url: str) -> None:
    await run_statements(url, lambda _: _BUILD)


mariadb_db = database_fixture("mariadb_db", _build, backends=("mariadb",))


def _defaults(database: TestDatabase, table: str) -> dict[str, str | None]:
    tables = json.loads(invoke("schema", database.url, "--json"))["tables"]
    [found] = [entry for entry in tables if entry["name"] == table]
    return {column["name"]: column["default"] for column in found["columns"]}


def test_a_sequence_default_shows_as_the_server_keeps_it(mariadb_db: TestDatabase) -> None:
    """SQLAlchemy gave None for ``id``; the others are SQLAlchemy's own, unchanged: a text 'NULL' is not no default."""
    assert _defaults(mariadb_db, "orders") == {
        "id": f"nextval(`{mariadb_db.name}`.`order_seq`)",
        "note": "'NULL'",
        "memo": None,
        "code": "'it''s'",
        "n": None,
        "made": "current_timestamp()",
    }
    tree = invoke("schema", mariadb_db.url)
    assert f"id  INTEGER(11)  not null  PK  default nextval(`{mariadb_db.name}`.`order_seq`)\n" in tree


def _created(folder: Path, metadata: object, first: str) -> tuple[Catalog, str, int]:
    """The catalog of a fresh database where ``first`` ran before ``create_all``, its name, and the id a row gets."""
    fresh = create_database("mariadb", folder)

    async def scenario() -> tuple[Catalog, int]:
        engine, _ = await connect(fresh.url, read_only=False)
        try:
            async with engine.begin() as conn:
                await conn.exec_driver_sql(first)
                await conn.run_sync(metadata.create_all)  # type: ignore[attr-defined]
                await conn.execute(text("INSERT INTO orders (code) VALUES ('x')"))
                given = (await conn.execute(text("SELECT id FROM orders"))).scalar_one()
            return await load_catalog(engine), given
        finally:
            await engine.dispose()

    try:
        catalog, given = run_async(scenario())
        return catalog, fresh.name, given
    finally:
        fresh.drop()


def test_models_writes_the_sequence_default_and_create_all_makes_it(mariadb_db: TestDatabase, tmp_path: Path) -> None:
    """Written without the database's name (a module is created wherever it is pointed), not AUTO_INCREMENT, and the
    sequence, which the module does not make, is named in its docstring."""
    path = generate(mariadb_db, tmp_path, name="sequence_models")
    source = path.read_text()
    assert 'server_default=text("nextval(`order_seq`)"),' in source
    assert "        autoincrement=False,\n" in source
    assert (
        "Defaults that take a sequence's next value: create the sequence before create_all:\n\n"
        "- orders.id: nextval(`order_seq`)\n"
    ) in source
    metadata = load_user_models(f"{path}:Base").entity("orders").__table__.metadata
    created, name, given = _created(tmp_path, metadata, "CREATE SEQUENCE order_seq START WITH 1000")
    original = run_async(_catalog(mariadb_db.url))
    facts = table_facts(created.table("orders"))
    assert facts["columns"][0] == ("id", "INTEGER(11)", True, f"nextval(`{name}`.`order_seq`)", True, None, False, None)
    expected = table_facts(original.table("orders"))
    expected["columns"][0] = facts["columns"][0]
    assert facts == expected
    assert given == 1000


async def _catalog(url: str) -> Catalog:
    engine, _ = await connect(url)
    try:
        return await load_catalog(engine)
    finally:
        await engine.dispose()


def _columns(url: str, table: str) -> list[dict[str, object]]:
    tables = json.loads(invoke("schema", url, "--json"))["tables"]
    [found] = [entry for entry in tables if entry["name"] == table]
    return list(found["columns"])


def test_a_user_granted_select_on_one_table_sees_its_json_columns_as_root_does(mariadb_db: TestDatabase) -> None:
    """The checks of ``prefs`` and ``tags`` are on their column, ``doc``'s on the table; ``sized``'s says more than
    json_valid and ``notes`` has none, so both stay LONGTEXT."""
    user = f"ro_{uuid.uuid4().hex[:12]}"
    root_columns = _columns(mariadb_db.url, "customers")
    assert [(column["name"], column["type"]) for column in root_columns] == [
        ("id", "INTEGER(11)"), ("prefs", "JSON"), ("tags", "JSON"), ("notes", "LONGTEXT"),
        ("sized", "LONGTEXT"), ("doc", "JSON"),
    ]  # fmt: skip
    run_async(run_statements(mariadb_db.url, lambda _: [
        f"CREATE USER '{user}'@'{MY_HOST}' IDENTIFIED BY 'pw-{user}'",
        f"GRANT SELECT ON `{mariadb_db.name}`.customers TO '{user}'@'{MY_HOST}'",
    ]))  # fmt: skip
    try:
        url = f"mysql://{user}:pw-{user}@{MY_HOST}:{MY_PORT}/{mariadb_db.name}"
        assert _count_checks(url) == 0  # what hid the JSON columns: MariaDB shows this user no checks
        assert _columns(url, "customers") == root_columns
        # doc_is_json is JSON's here too; sized's check, on its column, is one neither the Inspector nor the hidden
        # CHECK_CONSTRAINTS gives this user
        assert _checks(url) == {"customers": []}
    finally:
        run_async(run_statements(mariadb_db.url, lambda _: [f"DROP USER '{user}'@'{MY_HOST}'"]))


def _checks(url: str) -> dict[str, list[tuple[str | None, str]]]:
    catalog = run_async(_catalog(url))
    return {table.name: [(check.name, check.sqltext) for check in table.checks] for table in catalog.tables}


def test_checks_on_columns_and_tables_show_and_json_columns_own_checks_do_not(mariadb_db: TestDatabase) -> None:
    """``n``'s check is on its column, which SQLAlchemy's reflection does not read; the json_valid checks of
    ``prefs``, ``tags`` and ``doc`` are their JSON type's, so only ``sized``'s, which says more, is a check."""
    assert _checks(mariadb_db.url) == {
        "checked": [("CONSTRAINT_1", "`s` <> 'it\\'s'"), ("lo `below` hi", "`lo` < `hi`"), ("n", "`n` > 0")],
        "customers": [("sized", "json_valid(`sized`) and octet_length(`sized`) < 100")],
        "orders": [],
    }


def _count_checks(url: str) -> int:
    async def scenario() -> int:
        engine, _ = await connect(url)
        try:
            async with engine.connect() as conn:
                return int(
                    (await conn.execute(text("SELECT count(*) FROM information_schema.CHECK_CONSTRAINTS"))).scalar_one()
                )
        finally:
            await engine.dispose()

    return int(run_async(scenario()))
