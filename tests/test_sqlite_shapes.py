"""SQLite shapes real files have that the demo lacks: columns declared without a type, generated columns.

A column with no declared type (``CREATE TABLE t (id INTEGER PRIMARY KEY, v)``)
is common in files made by hand or by other tools; SQLAlchemy knows no type
for it (NullType), and both the models module and a ``--script`` must still run.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from sqla_tui.cli import app
from tests.databases import sqlite_file
from tests.test_models_export import imports_alone
from tests.test_raw_names import raw_names
from tests.test_script import invoke, run_script

_SCHEMA = """
CREATE TABLE owners (id INTEGER PRIMARY KEY, name);
CREATE TABLE pets (owner_id INTEGER REFERENCES owners (id), n INTEGER, nickname, PRIMARY KEY (owner_id, n)) WITHOUT ROWID;
INSERT INTO owners VALUES (1, 'ann'), (2, 'bob');
INSERT INTO pets VALUES (1, 1, 'rex'), (1, 2, 'tom'), (2, 1, NULL);
"""


def _url(tmp_path: Path) -> str:
    return f"sqlite:///{sqlite_file(tmp_path / 'untyped.db', _SCHEMA)}"


def test_untyped_columns_are_written_as_models_that_import(tmp_path: Path) -> None:
    """The class did not build: "Could not locate SQLAlchemy Core type ... 'typing.Any' ... for the 'name' attribute"."""
    path = tmp_path / "untyped_models.py"
    invoke("models", _url(tmp_path), "-o", str(path))
    imports_alone(path)
    written = path.read_text()
    assert "class Base(AsyncAttrs, DeclarativeBase):\n    type_annotation_map = {Any: NullType}\n" in written
    assert "    name: Mapped[Any | None] = mapped_column(NullType)\n" in written


def test_a_script_over_untyped_columns_prints_what_the_app_reports(tmp_path: Path) -> None:
    url = _url(tmp_path)
    script = tmp_path / "untyped_script.py"
    invoke("query", url, "owners", "--touch", "pets", "--script", "-o", str(script))
    assert run_script(script, url).splitlines()[-1] == "3 statements, 5 rows received, 5 entities (2 root rows)"
    assert invoke("query", url, "owners", "--touch", "pets").splitlines()[-1] == run_script(script, url).splitlines()[-1]


def test_generated_columns_on_one_line_keep_their_own_expressions(tmp_path: Path) -> None:
    """SQLAlchemy's pattern read ``y`` as ``x*2) VIRTUAL, z INT GENERATED ALWAYS AS (x*3``."""
    url = "sqlite:///" + str(sqlite_file(tmp_path / "generated.db", (
        "CREATE TABLE g (id INTEGER PRIMARY KEY, x INT, y INT GENERATED ALWAYS AS (x*2) VIRTUAL, "
        "z INT GENERATED ALWAYS AS (coalesce(x, 0) + 1) STORED, s AS (')' || x), CHECK (x > 0))"
    )))  # fmt: skip
    columns = json.loads(invoke("schema", url, "--json"))["tables"][0]["columns"]
    assert [(c["name"], c["generated"], c["stored"]) for c in columns] == [
        ("id", None, None), ("x", None, None), ("y", "x*2", False), ("z", "coalesce(x, 0) + 1", True), ("s", "')' || x", False),
    ]  # fmt: skip
    models = invoke("models", url)
    assert 'Integer, Computed("coalesce(x, 0) + 1", persisted=True)' in models
    assert "y: Mapped[int | None] = mapped_column(Integer, Computed(\"x*2\", persisted=False))" in models
    assert "z  INT  generated as coalesce(x, 0) + 1 stored" in invoke("schema", url)


def test_a_script_reads_text_in_a_numeric_affinity_column_as_the_app_does(tmp_path: Path) -> None:
    """``score FOO BAR`` has NUMERIC affinity and holds 'x': the script died with "TypeError: must be real number"."""
    url = "sqlite:///" + str(sqlite_file(tmp_path / "affinity.db", (
        "CREATE TABLE scores (id INTEGER PRIMARY KEY, score FOO BAR, at DATE);"
        "INSERT INTO scores VALUES (1, 1, '2020-01-01'), (2, 'x', 'N/A'), (3, 2.5, NULL), (4, 1e-20, 7);"
    )))  # fmt: skip
    script = tmp_path / "affinity_script.py"
    invoke("query", url, "scores", "--where", "score != 2.5", "--script", "-o", str(script))
    printed = run_script(script, url)
    assert printed.splitlines()[-1] == "1 statement, 3 rows received, 3 entities (3 root rows)"
    assert invoke("query", url, "scores", "--where", "score != 2.5").splitlines()[-1] == printed.splitlines()[-1]
    assert "score: Mapped[Decimal | None] = mapped_column(TolerantDecimal(NUMERIC()))" in script.read_text()


def test_an_unknown_column_of_a_wide_table_is_one_short_line(tmp_path: Path) -> None:
    """A 300-column table's error listed every column: in the app the notification filled the screen and its first
    lines, the error itself, were cut off (the MariaDB probe's case)."""
    columns = ", ".join(f"c{n} INTEGER" for n in range(300))
    url = "sqlite:///" + str(sqlite_file(tmp_path / "wide.db", f"CREATE TABLE wide (id INTEGER PRIMARY KEY, {columns});"))
    result = CliRunner().invoke(app, ["query", url, "wide", "--where", "c29x = 1"])
    assert result.exit_code == 2
    assert result.stderr == (
        "error: unknown column 'c29x' on Wide; choose one of: c29, c299, c298, c0, c1, c10, c100, c101, c102, c103, "
        "c104, c105 … and 289 more\n"
    )


def test_a_foreign_key_to_a_missing_table_is_left_out_of_the_models_and_said(tmp_path: Path) -> None:
    """SQLite keeps a key to a table that does not exist; written as ForeignKey("nowhere.id"), create_all failed
    with NoReferencedTableError. A view over a dropped table was missing from the docstring's list too."""
    url = "sqlite:///" + str(sqlite_file(tmp_path / "dangling.db", (
        "CREATE TABLE other (id INTEGER PRIMARY KEY);"
        "CREATE TABLE dangling (id INTEGER PRIMARY KEY, ghost_id INTEGER REFERENCES nowhere (id), other_id INTEGER REFERENCES other (id));"
        "CREATE TABLE gone (id INTEGER PRIMARY KEY); CREATE VIEW badview AS SELECT id FROM gone; DROP TABLE gone;"
    )))  # fmt: skip
    path = tmp_path / "dangling_models.py"
    invoke("models", url, "-o", str(path))
    imports_alone(path)
    written = path.read_text()
    assert "- dangling (ghost_id) → nowhere (id)\n" in written and "- badview: could not be described: " in written
    assert 'ForeignKey("other.id")' in written and "nowhere" not in written.split('"""', 2)[2]
    created = subprocess.run(
        [sys.executable, "-c", "import dangling_models as m; from sqlalchemy import create_engine; m.Base.metadata.create_all(create_engine('sqlite://'))"],
        cwd=tmp_path, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert created.returncode == 0, created.stderr


_VIRTUAL = """
CREATE TABLE items (id INTEGER PRIMARY KEY, body TEXT);
INSERT INTO items (body) VALUES ('one'), ('two');
CREATE VIRTUAL TABLE items_fts USING fts5(body, content='items', content_rowid='id');
CREATE TABLE items_fts_backup (id INTEGER PRIMARY KEY);
CREATE VIRTUAL TABLE places USING rtree(id, x0, x1);
CREATE TABLE vec_items_chunks (chunk_id INTEGER PRIMARY KEY, size INTEGER);
PRAGMA writable_schema = ON;
INSERT INTO sqlite_master (type, name, tbl_name, rootpage, sql)
    VALUES ('table', 'vec_items', 'vec_items', 0, 'CREATE VIRTUAL TABLE vec_items USING vec0(embedding float[4])');
"""
"""An FTS5 table, an R*Tree and a table of sqlite-vec (a loadable extension this SQLite lacks), each with the shadow
tables its module keeps (vec0's written by hand, as the extension would), and a user's table named like a shadow."""


def test_virtual_and_shadow_tables_are_named_and_a_missing_module_spoils_nothing(tmp_path: Path) -> None:
    """A file made with sqlite-vec failed every command, ``query items`` too: counting rows read ``vec_items``, and
    "no such module: vec0" ended the whole catalog. Shadow tables were listed as ordinary tables."""
    url = "sqlite:///" + str(sqlite_file(tmp_path / "virtual.db", _VIRTUAL))
    document = json.loads(invoke("schema", url, "--json"))
    kinds = {table["name"]: table["kind"] for table in document["tables"]}
    assert kinds == {
        "items": "table", "items_fts": "virtual table", "items_fts_backup": "table", "items_fts_config": "shadow table",
        "items_fts_data": "shadow table", "items_fts_docsize": "shadow table", "items_fts_idx": "shadow table",
        "places": "virtual table", "places_node": "shadow table", "places_parent": "shadow table",
        "places_rowid": "shadow table", "vec_items_chunks": "shadow table",
    }  # fmt: skip
    at_start = raw_names(url)  # the app's first paint, by the raw driver
    assert at_start is not None and {name: kind for _, name, kind, _ in at_start} == {**kinds, "vec_items": "virtual table"}
    assert document["undescribed"] == {
        "vec_items": "no such module: vec0 (a virtual table whose module this SQLite has not loaded; "
        "sqla-tui loads no extensions)"
    }
    assert invoke("query", url, "items").splitlines()[-1] == "1 statement, 2 rows received, 2 entities (2 root rows)"
    refused = CliRunner().invoke(app, ["query", url, "vec_items"])
    assert (refused.exit_code, refused.stderr.splitlines()[0]) == (
        2, "error: vec_items is listed but the database could not describe it: no such module: vec0 (a virtual table "
        "whose module this SQLite has not loaded; sqla-tui loads no extensions)",
    )  # fmt: skip
    written = invoke("models", url)
    assert "- vec_items_chunks: a shadow table of vec_items (vec0): its CREATE VIRTUAL TABLE makes it\n" in written
    assert "- places_node: a shadow table of places (rtree): its CREATE VIRTUAL TABLE makes it\n" in written
    assert '__tablename__ = "items_fts_backup"' in written and '__tablename__ = "items_fts_data"' not in written
