"""What MariaDB's catalog holds that SQLAlchemy's reflection does not return, read by sqla-tui all the same.

A default taking a sequence's next value (``DEFAULT NEXT VALUE FOR seq``),
which SQLAlchemy reflects as no default, shows in ``schema`` and is written
by ``models`` so ``create_all`` makes it again.
"""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import text

from sqla_tui.core.catalog.mapping import load_user_models
from sqla_tui.core.catalog.schema import Catalog, load_catalog
from sqla_tui.core.connect.engine import connect
from tests.databases import TestDatabase, create_database, database_fixture, run_async, run_statements
from tests.test_models_export import generate, table_facts
from tests.test_script import invoke

_BUILD = [
    "CREATE SEQUENCE order_seq START WITH 1000",
    "CREATE TABLE orders (id INT PRIMARY KEY DEFAULT NEXT VALUE FOR order_seq, note VARCHAR(10) DEFAULT 'NULL', "
    "memo VARCHAR(10), code VARCHAR(10) NOT NULL DEFAULT 'it''s', n INT, made DATETIME DEFAULT current_timestamp())",
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
