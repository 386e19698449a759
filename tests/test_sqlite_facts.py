"""SQLite columns, keys, foreign keys, unique constraints and indexes read by pragma functions over a whole chunk
are exactly what the catalog read through SQLAlchemy's Inspector table by table, on every awkward shape a file holds,
but for the actions of foreign keys the Inspector's pattern does not find, which the pragma gives."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, inspect
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import TextClause

from sqla_tui.core.catalog.schema import _bulk, _columns, _sqlite_described, load_catalog
from sqla_tui.core.connect.engine import connect
from tests.databases import sqlite_file

_SHAPES = '''
CREATE TABLE parent (id INTEGER PRIMARY KEY, code TEXT UNIQUE, name TEXT NOT NULL DEFAULT 'x');
CREATE UNIQUE INDEX ux_name ON parent (name);
CREATE TABLE "Odd ""keys""" (
    b INTEGER, a INTEGER, "c:d" TEXT, e TEXT, "with space" TEXT UNIQUE, "ünï" TEXT UNIQUE,
    CONSTRAINT "the pk" PRIMARY KEY (b, a),
    UNIQUE ("c:d", a),
    CONSTRAINT "z unique" UNIQUE (e),
    CONSTRAINT a_unique UNIQUE (b, e)
);
CREATE INDEX "ix ""multi""" ON "Odd ""keys""" ("c:d" DESC, e);
CREATE TABLE linked (
    id INTEGER PRIMARY KEY, b INTEGER, a INTEGER, "c:d" TEXT, e TEXT,
    self_id INTEGER REFERENCES linked (id) ON DELETE CASCADE ON UPDATE RESTRICT,
    parent_id INTEGER REFERENCES parent,
    gone_id INTEGER REFERENCES nowhere,
    gone_col_id INTEGER REFERENCES nowhere_else (id),
    case_id INTEGER REFERENCES PARENT,
    later_id INTEGER,
    CONSTRAINT "to odd" FOREIGN KEY (a, b) REFERENCES "Odd ""keys""" (b, a) ON DELETE SET NULL,
    CONSTRAINT to_unique FOREIGN KEY ("c:d", a) REFERENCES "Odd ""keys""" ("c:d", a)
        ON DELETE SET DEFAULT ON UPDATE CASCADE DEFERRABLE INITIALLY DEFERRED,
    FOREIGN KEY (e) REFERENCES parent (code) ON DELETE
        NO ACTION ON UPDATE SET NULL,
    FOREIGN KEY (later_id) REFERENCES later,
    CONSTRAINT "to later" FOREIGN KEY (b, a) REFERENCES later (n, id)
        ON DELETE CASCADE ON UPDATE SET DEFAULT DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX ix_partial ON linked (b, a) WHERE b > 0;
CREATE UNIQUE INDEX "ix expr" ON linked (lower(e), a);
CREATE TABLE later (id INTEGER, n INTEGER, PRIMARY KEY (n, id));
CREATE TABLE dup (x INTEGER REFERENCES parent (id), FOREIGN KEY (x) REFERENCES parent (id));
CREATE TABLE text_pk (code TEXT PRIMARY KEY, v);
CREATE TABLE wr (k TEXT, n INTEGER, v, u TEXT UNIQUE, PRIMARY KEY (k, n)) WITHOUT ROWID;
CREATE TABLE strict_t (id INTEGER PRIMARY KEY, n INT NOT NULL, t TEXT UNIQUE) STRICT;
CREATE TABLE gen (id INTEGER PRIMARY KEY, x INT, y INT GENERATED ALWAYS AS (x*2) VIRTUAL, z INT AS (x + 1) STORED UNIQUE);
CREATE TABLE [bracket name] ([col one] INTEGER PRIMARY KEY, `back tick` TEXT UNIQUE, plain TEXT UNIQUE);
CREATE TABLE Mixed (ID INTEGER, Code TEXT, Unique (Code), constraint Pk_Name primary key (ID));
CREATE TABLE no_pk (x, y);
CREATE TABLE typed (
    id INTEGER PRIMARY KEY, "" TEXT, v "VARCHAR(10,2)", f "FOO BAR", d DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    s TEXT DEFAULT 'it''s', n REAL DEFAULT (1.5 * 2), "quo""ted" BLOB, untyped,
    g1 INT GENERATED ALWAYS AS (id*2) VIRTUAL, g2 TEXT GENERATED ALWAYS AS (coalesce(s, ')')) STORED
);
CREATE TABLE commented (a INT, -- a note (with a parenthesis
    b INT GENERATED ALWAYS AS (a + 1) STORED);
CREATE VIEW v_exprs AS SELECT id + 1 AS next, s, typed."" AS empty FROM typed;
CREATE TABLE twice (x INTEGER UNIQUE, y INTEGER, CONSTRAINT once UNIQUE (x), UNIQUE (y, x));
CREATE TABLE counter (id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT);
CREATE TABLE checked (
    id INTEGER PRIMARY KEY, n INT CHECK (n > 0), lo INT, hi INT, s TEXT CHECK (s <> 'it''s (no)'),
    CONSTRAINT "lo ""below"" hi" CHECK (lo < hi), constraint [br] check(hi < 100),
    CONSTRAINT plain CHECK ((length(s) < 10) AND n IS NOT NULL)
);
CREATE VIRTUAL TABLE docs USING fts5(title, body);
CREATE VIEW v_linked AS SELECT id, e FROM linked;
CREATE VIEW v_parent AS SELECT * FROM parent;
'''

_ATTACHED = '''
CREATE TABLE target (id INTEGER PRIMARY KEY, code TEXT, CONSTRAINT code_once UNIQUE (code));
CREATE TABLE pointing (
    id INTEGER PRIMARY KEY, t INTEGER REFERENCES target ON DELETE CASCADE,
    code TEXT, CONSTRAINT by_code FOREIGN KEY (code) REFERENCES target (code) ON UPDATE CASCADE
);
CREATE INDEX ix_pointing ON pointing (code, t) WHERE code IS NOT NULL;
CREATE VIEW v AS SELECT * FROM pointing;
'''


_PRAGMA_ACTIONS = {
    # written inline with their column, or to a target whose quoted name SQLAlchemy's pattern keeps doubled: the
    # Inspector gives them no actions, so a model written from it would not cascade where the database does
    ("linked", ("self_id",)): {"ondelete": "CASCADE", "onupdate": "RESTRICT"},
    ("linked", ("a", "b")): {"ondelete": "SET NULL"},
    ("linked", ("c:d", "a")): {"ondelete": "SET DEFAULT", "onupdate": "CASCADE"},  # DEFERRABLE: not in the pragma
    ("pointing", ("t",)): {"ondelete": "CASCADE"},
}


_EXPRESSION_INDEXES = {
    # the Inspector skips an index with an expression ("unsupported reflection"); the catalog reads it from its
    # CREATE INDEX text, the expression in a column's place
    "linked": {"name": "ix expr", "column_names": ["lower(e)", "a"], "unique": 1, "dialect_options": {}},
}


_DESCENDING_KEYS = {
    # the Inspector reads no key order on SQLite; a model written without it would make an ascending index
    ('Odd "keys"', 'ix "multi"'): {"c:d": ("desc",)},
}


_CHECK_NAMES = {
    # SQLAlchemy strips a check name's quotes but leaves a quote inside it doubled: a model written from it would
    # name the check another way
    ("checked", 'lo ""below"" hi'): 'lo "below" hi',
}


def _with_pragma_actions(facts: Any) -> Any:
    """The Inspector's facts with ``_PRAGMA_ACTIONS`` given to the keys it read without them, the expression
    indexes it skips, the descending keys it does not say and the check names it keeps quoted."""
    for table, checks in facts["checks"].items():
        for check in checks:
            check["name"] = _CHECK_NAMES.get((table, check["name"]), check["name"])
    for table, keys in facts["fks"].items():
        for key in keys:
            if not key["options"]:
                key["options"] = _PRAGMA_ACTIONS.get((table, tuple(key["constrained_columns"])), {})
    for table, index in _EXPRESSION_INDEXES.items():
        if table in facts["indexes"]:
            facts["indexes"][table] = sorted([*facts["indexes"][table], index], key=lambda found: found["name"])
    for (table, name), sorting in _DESCENDING_KEYS.items():
        for index in facts["indexes"].get(table, []):
            if index["name"] == name:
                index["column_sorting"] = sorting
    return facts


def _names(conn: Connection, schema: str) -> list[str]:
    quoted = schema.replace('"', '""')
    rows = conn.exec_driver_sql(
        f"SELECT name FROM \"{quoted}\".sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name"
    )
    return list(rows.scalars())


def _plain(value: Any) -> Any:
    """Facts with a partial index's predicate as its text: two text() clauses do not compare equal."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return str(value) if isinstance(value, TextClause) else value


def _inspectors(conn: Connection, schema: str, reflect_schema: str | None, names: list[str]) -> tuple[Any, Any]:
    """The columns and facts as the catalog read them through the Inspector."""
    inspector = inspect(conn)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Skipped unsupported reflection of expression-based index"
        return _columns(conn, inspector, schema, reflect_schema, names), _plain(_bulk(inspector, reflect_schema, names))


def _pragmas(conn: Connection, schema: str, reflect_schema: str | None, names: list[str]) -> tuple[Any, Any]:
    columns, facts = _sqlite_described(conn, schema, reflect_schema, names)
    return columns, _plain(facts)


@pytest.fixture
def shapes(tmp_path: Path) -> Path:
    sqlite_file(tmp_path / "other.db", _ATTACHED)
    return sqlite_file(tmp_path / "shapes.db", _SHAPES)


@pytest.mark.parametrize("schema", ["main", "other db"])
def test_every_fact_is_the_inspectors_whole_and_table_by_table(shapes: Path, schema: str) -> None:
    """Each table alone too: a foreign key whose target is in another chunk still finds the target's key."""
    engine = create_engine(f"sqlite:///{shapes}")
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql(f"ATTACH DATABASE '{shapes.parent / 'other.db'}' AS \"other db\"")
            reflect_schema = None if schema == "main" else schema
            names = _names(conn, schema)
            assert len(names) == (26 if schema == "main" else 3)
            columns, facts = _inspectors(conn, schema, reflect_schema, names)
            assert _pragmas(conn, schema, reflect_schema, names) == (columns, _with_pragma_actions(facts))
            for name in names:
                columns, facts = _inspectors(conn, schema, reflect_schema, [name])
                assert _pragmas(conn, schema, reflect_schema, [name]) == (columns, _with_pragma_actions(facts)), name
    finally:
        engine.dispose()


def test_the_attached_schemas_facts_name_it(shapes: Path) -> None:
    engine = create_engine(f"sqlite:///{shapes}")
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql(f"ATTACH DATABASE '{shapes.parent / 'other.db'}' AS \"other db\"")
            _, facts = _pragmas(conn, "other db", "other db", ["pointing", "target", "v"])
    finally:
        engine.dispose()
    assert facts["fks"]["pointing"] == [
        {"name": "by_code", "constrained_columns": ["code"], "referred_schema": "other db", "referred_table": "target",
         "referred_columns": ["code"], "options": {"onupdate": "CASCADE"}},
        {"name": None, "constrained_columns": ["t"], "referred_schema": "other db", "referred_table": "target",
         "referred_columns": ["id"], "options": {"ondelete": "CASCADE"}},
    ]  # fmt: skip
    assert facts["indexes"]["pointing"] == [
        {"name": "ix_pointing", "column_names": ["code", "t"], "unique": 0,
         "dialect_options": {"sqlite_where": "code IS NOT NULL"}},
    ]  # fmt: skip
    assert facts["uniques"] == {"pointing": [], "target": [{"name": "code_once", "column_names": ["code"]}], "v": []}
    assert facts["pk"]["v"] == {"name": None, "constrained_columns": []}


async def test_the_catalog_shows_the_facts_exactly(shapes: Path) -> None:
    """Through the app's own engine (aiosqlite), in chunks of three so targets fall in other chunks."""
    engine, _ = await connect(f"sqlite:///{shapes}")
    try:
        catalog = await load_catalog(engine, chunk=3)
    finally:
        await engine.dispose()
    assert catalog.undescribed == {}
    linked = catalog.table("linked")
    assert [(fk.name, fk.columns, fk.target_table, fk.target_columns, fk.ondelete, fk.onupdate) for fk in linked.foreign_keys] == [
        # found in the CREATE TABLE text by SQLAlchemy's pattern: named, with their actions, in the text's order
        (None, ("e",), "parent", ("code",), None, "SET NULL"),
        ("to later", ("b", "a"), "later", ("n", "id"), "CASCADE", "SET DEFAULT"),
        # the rest as the pragma lists them (last declared first): written inline, or to a target whose name has a
        # quote (the pattern keeps it doubled, so it matches no key), SQLAlchemy gives them no name; the pragma
        # gives their actions
        (None, ("later_id",), "later", ("n", "id"), None, None),  # no target columns: the target's key, in order
        (None, ("c:d", "a"), 'Odd "keys"', ("c:d", "a"), "SET DEFAULT", "CASCADE"),
        (None, ("a", "b"), 'Odd "keys"', ("b", "a"), "SET NULL", None),
        (None, ("case_id",), "PARENT", (), None, None),  # SQLAlchemy finds no table spelt PARENT, so no columns
        (None, ("gone_col_id",), "nowhere_else", ("id",), None, None),
        (None, ("gone_id",), "nowhere", (), None, None),
        (None, ("parent_id",), "parent", ("id",), None, None),
        (None, ("self_id",), "linked", ("id",), "CASCADE", "RESTRICT"),
    ]  # fmt: skip
    assert [(index.name, index.columns, index.unique, index.where) for index in linked.indexes] == [
        ("ix expr", ("lower(e)", "a"), True, None),
        ("ix_partial", ("b", "a"), False, "b > 0"),
    ]
    odd = catalog.table('Odd "keys"')
    assert odd.primary_key == ("b", "a")
    # "with space" TEXT UNIQUE is lost as SQLAlchemy loses it: its inline pattern reads from the first quote on
    assert [(unique.name, unique.columns) for unique in odd.unique_constraints] == [
        (None, ("c:d", "a")), ("z unique", ("e",)), ("a_unique", ("b", "e")), (None, ("ünï",)),
    ]  # fmt: skip
    assert [(index.name, index.columns) for index in odd.indexes] == [('ix "multi"', ("c:d", "e"))]
    assert [(fk.columns, fk.target_columns) for fk in catalog.table("dup").foreign_keys] == [(("x",), ("id",))]
    assert catalog.table("wr").primary_key == ("k", "n")
    assert [unique.columns for unique in catalog.table("wr").unique_constraints] == [("u",)]
    assert catalog.table("gen").unique_constraints == ()  # "z INT AS (x + 1) STORED UNIQUE": the pattern stops at "("
    assert [unique.columns for unique in catalog.table("strict_t").unique_constraints] == [("t",)]
    assert [unique.columns for unique in catalog.table("bracket name").unique_constraints] == [("plain",)]
    assert [(u.name, u.columns) for u in catalog.table("Mixed").unique_constraints] == [(None, ("Code",))]
    assert catalog.table("Mixed").primary_key == ("ID",)
    # SQLite keeps one index for x's two unique declarations; the first found (the named one) claims it
    assert [(u.name, u.columns) for u in catalog.table("twice").unique_constraints] == [("once", ("x",)), (None, ("y", "x"))]
    assert [(index.name, index.unique) for index in catalog.table("parent").indexes] == [("ux_name", True)]
    assert catalog.table("docs").primary_key == ()
    assert catalog.table("docs_idx").primary_key == ("segid", "term")  # FTS5's own WITHOUT ROWID table
    assert catalog.table("v_linked").foreign_keys == ()
    assert [(c.name, c.type, c.nullable, c.default, c.primary_key, c.generated, c.stored) for c in catalog.table("typed").columns] == [
        ("id", "INTEGER", True, None, True, None, None),  # SQLite's INTEGER PRIMARY KEY may be NULL (it picks a rowid)
        ("", "TEXT", True, None, False, None, None),
        ("v", "VARCHAR(10,2)", True, None, False, None, None),
        ("f", "FOO BAR", True, None, False, None, None),
        ("d", "DATETIME(6)", False, "CURRENT_TIMESTAMP", False, None, None),
        ("s", "TEXT", True, "'it''s'", False, None, None),
        ("n", "REAL", True, "1.5 * 2", False, None, None),
        ('quo"ted', "BLOB", True, None, False, None, None),
        ("untyped", "unknown", True, None, False, None, None),
        ("g1", "INT", True, None, False, "id*2", False),
        ("g2", "TEXT", True, None, False, "coalesce(s, ')')", True),
    ]  # fmt: skip
    # the comment's "(" hides the column from sqlite_generated; SQLAlchemy's pattern finds it
    assert [(c.name, c.generated, c.stored) for c in catalog.table("commented").columns] == [("a", None, None), ("b", "a + 1", True)]
    assert [(c.name, c.type) for c in catalog.table("v_exprs").columns] == [("next", "unknown"), ("s", "TEXT"), ("empty", "TEXT")]
    assert [c.name for c in catalog.table("docs").columns] == ["title", "body"]  # FTS5's hidden columns left out
    assert [(check.name, check.sqltext) for check in catalog.table("checked").checks] == [
        ("br", "hi < 100"),
        ('lo "below" hi', "lo < hi"),
        ("plain", "(length(s) < 10) AND n IS NOT NULL"),
        (None, "n > 0"),
        (None, "s <> 'it''s (no)'"),
    ]
    assert catalog.table("parent").checks == ()
