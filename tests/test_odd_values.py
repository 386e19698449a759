"""Values a column's declared type does not promise are shown as stored, and counted.

SQLite keeps 'N/A' in a DATE or DECIMAL column and any bytes in TEXT; MariaDB
keeps zero dates and TIME durations past a day; PostgreSQL keeps infinities,
dates BC and the time 24:00, which Python's types cannot hold. Each row still loads, with
the value the database holds (never a crash, never a changed value), in the
core result, the CLI and the compose screen's results tree.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from sqla_tui.cli import app
from sqla_tui.core.catalog.mapping import map_schema
from sqla_tui.core.connect.engine import connect
from sqla_tui.core.query.run import run_spec
from sqla_tui.core.query.spec import Order, QuerySpec, parse_where
from sqla_tui.tui.screens.compose_screen import ComposeScreen
from sqla_tui.tui.widgets.results_tree import ResultsTree
from tests.databases import TestDatabase, database_fixture, run_statements
from tests.test_script import run_script
from tests.tui_helpers import make_app, open_screen, settle

_SQLITE = [
    "CREATE TABLE t (id INTEGER PRIMARY KEY, d DECIMAL(10,2), dt DATE, dtt DATETIME, tm TIME, b BOOLEAN, "
    "j JSON, n NUMERIC, tx TEXT, bl BLOB)",
    "INSERT INTO t VALUES (1, 'N/A', 'N/A', 'N/A', 'N/A', 'N/A', 'N/A', 'N/A', 'ok', x'00ff')",
    "INSERT INTO t VALUES (2, 1.5, '2020-01-01', '2020-01-01 10:00:00', '10:00:00', 1, '{\"a\": 1}', "
    "12345678901234567890123456789, CAST(x'636166e9' AS TEXT), x'')",
    "INSERT INTO t VALUES (3, 5, '0000-00-00', '2020-13-45', '25:99', 'false', '{bad', 1e-20, 'x', NULL)",
    "INSERT INTO t VALUES (4, NULL, 1700000000, 1700000000.5, 7, 7, '123', 'abc', 'é', 'text')",
]
SQLITE_ROWS = [
    {"id": 1, "d": "N/A", "dt": "N/A", "dtt": "N/A", "tm": "N/A", "b": "N/A", "j": "N/A", "n": "N/A", "tx": "ok",
     "bl": b"\x00\xff"},
    {"id": 2, "d": Decimal("1.5"), "dt": datetime.date(2020, 1, 1), "dtt": datetime.datetime(2020, 1, 1, 10),
     "tm": datetime.time(10), "b": True, "j": {"a": 1}, "n": Decimal("1.2345678901234568E+28"), "tx": "caf\\xe9",
     "bl": b""},
    {"id": 3, "d": Decimal("5"), "dt": "0000-00-00", "dtt": "2020-13-45", "tm": "25:99", "b": "false", "j": "{bad",
     "n": Decimal("1E-20"), "tx": "x", "bl": None},
    {"id": 4, "d": None, "dt": 1700000000, "dtt": 1700000000.5, "tm": 7, "b": 7, "j": 123, "n": "abc", "tx": "é",
     "bl": "text"},
]  # fmt: skip
"""Each row as stored: 'N/A' in typed columns, BOOLEAN 'false' and 7 (not True), 1e-20 (not 0E-10), Latin-1 bytes in TEXT."""

_MARIADB = [
    "SET SESSION sql_mode = ''",  # as an old application would have written them
    "CREATE TABLE t (id INT PRIMARY KEY, d DATE, dt DATETIME, tm TIME, db DOUBLE, dec65 DECIMAL(65, 30), bl BLOB, "
    "st SET('write', 'read', 'admin'))",
    "INSERT INTO t VALUES (1, '0000-00-00', '0000-00-00 00:00:00', '838:59:59', 1e-20, "
    "12345678901234567890123456789012345.123456789012345678901234567890, x'00ff', 'write,read,admin')",
    "INSERT INTO t VALUES (2, '2020-01-01', '2020-01-01 10:00:00', '-01:00:00', 1e308, -1, '', '')",
    "INSERT INTO t VALUES (3, NULL, NULL, '10:00:00', NULL, NULL, NULL, NULL)",
]
MARIADB_ROWS = [
    {"id": 1, "d": "0000-00-00", "dt": "0000-00-00 00:00:00", "tm": datetime.timedelta(hours=838, minutes=59, seconds=59),
     "db": Decimal("1E-20"), "dec65": Decimal("12345678901234567890123456789012345.123456789012345678901234567890"),
     "bl": b"\x00\xff", "st": {"write", "read", "admin"}},
    {"id": 2, "d": datetime.date(2020, 1, 1), "dt": datetime.datetime(2020, 1, 1, 10), "tm": datetime.timedelta(hours=-1),
     "db": Decimal("1E+308"), "dec65": Decimal("-1.000000000000000000000000000000"), "bl": b"", "st": set()},
    {"id": 3, "d": None, "dt": None, "tm": datetime.time(10), "db": None, "dec65": None, "bl": None, "st": None},
]  # fmt: skip
"""Zero dates as the driver reads them, TIME past a day (not its last day's hours), DOUBLE with its own digits, a SET
as a set."""

_POSTGRESQL = [
    "CREATE TABLE t (id int PRIMARY KEY, d date, ts timestamp, tz timestamptz, iv interval, tm time, n numeric)",
    "INSERT INTO t VALUES (1, 'infinity', '-infinity', 'infinity', '178000000 years', '24:00:00', 1e100), "
    "(2, '4713-01-01 BC', '0001-01-01 BC', '294276-12-31 UTC', '-1 days +02:03:04.5', '10:00', 1.5), "
    "(3, '2020-01-01', '2020-01-01 10:00', '2020-01-01 10:00 UTC', '1 mon 2 days', NULL, NULL)",
    "CREATE DOMAIN day AS date CHECK (VALUE > '1900-01-01')",
    "CREATE TABLE typed (id int PRIMARY KEY, dy day, mn money, o oid, r tstzrange, ds date[])",
    "INSERT INTO typed VALUES (1, '2020-01-01', 1.5, 42, '[2020-01-01,infinity)', '{infinity,2020-01-01}'), "
    "(2, '2021-01-01', 2.5, 43, NULL, NULL)",
]
POSTGRESQL_ROWS = [
    {"id": 1, "d": "infinity", "ts": "-infinity", "tz": "infinity", "iv": "178000000 years", "tm": "24:00:00",
     "n": Decimal("1E+100")},
    {"id": 2, "d": "4713-01-01 BC", "ts": "0001-01-01 00:00:00 BC", "tz": "294276-12-31 00:00:00+00",
     "iv": datetime.timedelta(days=-1, hours=2, minutes=3, seconds=4.5), "tm": datetime.time(10), "n": Decimal("1.5")},
    {"id": 3, "d": datetime.date(2020, 1, 1), "ts": datetime.datetime(2020, 1, 1, 10),
     "tz": datetime.datetime(2020, 1, 1, 10, tzinfo=datetime.UTC), "iv": "1 mon 2 days", "tm": None, "n": None},
]  # fmt: skip
"""Infinities, BC dates and 24:00 as PostgreSQL writes them (asyncpg failed, or read 9999-12-31), months never as 30 days."""

ROWS = {"sqlite": SQLITE_ROWS, "mariadb": MARIADB_ROWS, "postgresql": POSTGRESQL_ROWS}
_BUILD = {"sqlite": _SQLITE, "mariadb": _MARIADB, "mysql": _MARIADB, "postgresql": _POSTGRESQL}


def _statements(engine: Any) -> list[str]:
    statements = list(_BUILD[engine.dialect.name])
    if engine.dialect.name == "postgresql":  # timestamptz is written in the session's time zone
        statements.append(f"ALTER DATABASE {engine.url.database} SET timezone = 'UTC'")
    return statements


async def _build(url: str) -> None:
    await run_statements(url, _statements)


odd_db = database_fixture("odd_db", _build)


async def test_every_row_loads_with_the_value_stored(odd_db: TestDatabase) -> None:
    engine, _ = await connect(odd_db.url)
    try:
        orm = await map_schema(engine, "t")
        result = await run_spec(engine, orm.entity("t"), QuerySpec("t", order_by=[Order("id")]))
    finally:
        await engine.dispose()
    assert [node.values for node in result.results] == ROWS[odd_db.backend]
    assert (result.summary.statements, result.summary.rows, result.summary.entities) == (1, len(ROWS[odd_db.backend]), len(ROWS[odd_db.backend]))


async def test_a_filter_on_a_typed_column_still_binds_its_type(odd_db: TestDatabase) -> None:
    """The tolerant reading leaves writing alone: '1.5' is bound as a number, a date as a date."""
    column, text, ids = {
        "sqlite": ("d", "d = 1.5", [2]), "mariadb": ("d", "d = 2020-01-01", [2]), "postgresql": ("d", "d = 2020-01-01", [3]),
    }[odd_db.backend]  # fmt: skip
    engine, _ = await connect(odd_db.url)
    try:
        orm = await map_schema(engine, "t")
        result = await run_spec(engine, orm.entity("t"), QuerySpec("t", filters=[parse_where(text)]))
    finally:
        await engine.dispose()
    assert [node.values["id"] for node in result.results] == ids
    assert column in result.python


def test_a_mariadb_zero_date_is_a_value_a_filter_can_name(odd_db: TestDatabase) -> None:
    """The rows show '0000-00-00', which no Python date holds: the filter hands the server its text, and one that is not
    a zero date is still refused as not a date."""
    if odd_db.backend != "mariadb":
        pytest.skip("zero dates are MariaDB's and MySQL's")
    matched = {
        where: [row["id"] for row in json.loads(CliRunner().invoke(app, ["query", odd_db.url, "t", "--where", where, "--json"]).stdout)["rows"]]
        for where in ("d = '0000-00-00'", "dt = '0000-00-00 00:00:00'", "d != '0000-00-00'", "d in '0000-00-00', 2020-01-01")
    }  # fmt: skip
    assert matched == {
        "d = '0000-00-00'": [1], "dt = '0000-00-00 00:00:00'": [1], "d != '0000-00-00'": [2],
        "d in '0000-00-00', 2020-01-01": [1, 2],
    }  # fmt: skip
    refused = CliRunner().invoke(app, ["query", odd_db.url, "t", "--where", "d = '0000-13-45'"])
    assert (refused.exit_code, refused.output) == (2, "error: '0000-13-45' is not a valid date for column 'd'\n")


def test_the_query_command_counts_every_row(odd_db: TestDatabase) -> None:
    outcome = CliRunner().invoke(app, ["query", odd_db.url, "t", "--json"])
    assert outcome.exit_code == 0, outcome.stderr
    data = json.loads(outcome.stdout)
    assert (data["summary"]["rows"], data["summary"]["entities"]) == (len(ROWS[odd_db.backend]),) * 2


def test_a_mariadb_set_exports_the_same_text_in_every_process(odd_db: TestDatabase) -> None:
    """A SET comes as a Python set, whose order changes with the process's hash seed; an export must not."""
    if odd_db.backend != "mariadb":
        pytest.skip("SET is MariaDB's and MySQL's")
    outcome = CliRunner().invoke(app, ["query", odd_db.url, "t", "--format", "csv"])
    assert outcome.exit_code == 0, outcome.stderr
    assert [row["st"] for row in csv.DictReader(io.StringIO(outcome.stdout))] == ['["admin", "read", "write"]', "[]", ""]


async def test_the_results_tree_shows_the_stored_values(odd_db: TestDatabase) -> None:
    app_ = make_app(odd_db.url)
    async with app_.run_test(size=(160, 50)) as pilot:
        await open_screen(pilot, "c", ComposeScreen)
        await pilot.press("down", "enter")  # the only root, t
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        tree = app_.screen.query_one(ResultsTree)
        labels = [str(node.label) for node in tree.root.children]
        tree.focus()
        await pilot.press("space")  # open the first row: one line per column
        await settle(pilot)
        columns = [str(node.label) for node in tree.root.children[0].children]
    first = {
        "sqlite": "T(1)  id=1, d='N/A', dt='N/A', dtt='N/A', tm='N/A', b='N/A'", "mariadb": "T(1)  id=1, d='0000-00-00'",
        "postgresql": "T(1)  id=1, d='infinity', ts='-infinity'",
    }  # fmt: skip
    assert len(labels) == len(ROWS[odd_db.backend])
    assert labels[0].startswith(first[odd_db.backend])
    if odd_db.backend == "mariadb":  # a SET's items in one order, whatever this process's hash seed
        assert "st = {'admin', 'read', 'write'}" in columns


async def test_postgresql_types_python_has_no_value_for_filter_and_nest(odd_db: TestDatabase) -> None:
    """A domain over date, money and oid: the filter's text is cast to the column's type by the database;
    ranges and arrays of dates keep their structure with the infinities inside them."""
    if odd_db.backend != "postgresql":
        pytest.skip("domains, money, oid, ranges and arrays of dates are PostgreSQL's")
    engine, _ = await connect(odd_db.url)
    try:
        orm = await map_schema(engine, "typed")
        filters = [parse_where("dy = 2020-01-01"), parse_where("mn in 1.5, 9"), parse_where("o = 42")]
        result = await run_spec(engine, orm.entity("typed"), QuerySpec("typed", filters=filters))
    finally:
        await engine.dispose()
    [row] = result.results
    assert (row.values["id"], row.values["dy"], row.values["mn"], row.values["o"]) == (1, datetime.date(2020, 1, 1), "$1.50", 42)
    assert (row.values["r"].lower, row.values["r"].upper) == (datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC), "infinity")
    assert row.values["ds"] == ["infinity", datetime.date(2020, 1, 1)]
    assert ".where(Typed.dy == cast(literal('2020-01-01'), Typed.dy.type))" in result.python


async def _composites(url: str) -> None:
    await run_statements(
        url,
        lambda _: [
            "CREATE TYPE address AS (street text, zip integer)",
            "CREATE TYPE floatrange AS RANGE (subtype = float8)",
            "CREATE TABLE places (id integer PRIMARY KEY, at address, span floatrange)",
            "INSERT INTO places VALUES (1, ROW('main st', 123), '[1.5,2.5)'), (2, ROW(NULL, 7), '(,3]'), "
            "(3, NULL, 'empty'), (4, ROW('x', NULL), NULL)",
        ],
    )


composite_db = database_fixture("composite_db", _composites, backends=("postgresql",))


def test_composite_values_and_ranges_of_the_databases_own_types_export_as_data(composite_db: TestDatabase) -> None:
    """asyncpg hands them over as a Record and a Range, whose Python reprs had been exported as the values."""
    exported = CliRunner().invoke(app, ["query", composite_db.url, "places", "--json"])
    assert exported.exit_code == 0, exported.output
    assert json.loads(exported.stdout)["rows"] == [
        {"id": 1, "at": {"street": "main st", "zip": 123}, "span": "[1.5,2.5)"},
        {"id": 2, "at": {"street": None, "zip": 7}, "span": "(,3.0]"},
        {"id": 3, "at": None, "span": "empty"},
        {"id": 4, "at": {"street": "x", "zip": None}, "span": None},
    ]
    table = CliRunner().invoke(app, ["query", composite_db.url, "places", "--format", "csv"])
    assert table.stdout.splitlines()[1] == '1,"{""street"": ""main st"", ""zip"": 123}","[1.5,2.5)"'


async def _extension_types(url: str) -> None:
    await run_statements(
        url,
        lambda _: [
            "CREATE EXTENSION IF NOT EXISTS ltree",
            "CREATE EXTENSION IF NOT EXISTS cube",
            "CREATE TABLE tree (id integer PRIMARY KEY, path ltree, box cube)",
            "INSERT INTO tree VALUES (1, 'top.science', '(1, 2)'), (2, 'top.art', '(0)'), (3, 'top.art.modern', NULL)",
        ],
    )


extension_db = database_fixture("extension_db", _extension_types, backends=("postgresql",))
"""Types of extensions PostgreSQL ships (contrib), which SQLAlchemy does not know: NullType to it."""


def test_a_filter_on_an_extensions_type_is_read_as_that_type(extension_db: TestDatabase, tmp_path: Path) -> None:
    """``path = top.art`` on an ltree failed: "operator does not exist: ltree = character varying", since a value
    for a column SQLAlchemy knows no type of was bound as VARCHAR. Bound untyped, PostgreSQL reads it as an ltree."""
    found = CliRunner().invoke(app, ["query", extension_db.url, "tree", "--where", "path in top.art, top.science", "--json"])
    assert found.exit_code == 0, found.output
    assert [row["id"] for row in json.loads(found.stdout)["rows"]] == [1, 2]
    boxed = CliRunner().invoke(app, ["query", extension_db.url, "tree", "--where", "box = (0)", "--where", "path != x"])
    assert boxed.exit_code == 0, boxed.output
    assert boxed.stdout.splitlines()[-1] == "1 statement, 1 row received, 1 entity (1 root row)"
    script = tmp_path / "tree_script.py"
    written = CliRunner().invoke(app, ["query", extension_db.url, "tree", "--where", "path = top.art", "--script", "-o", str(script)])
    assert written.exit_code == 0, written.output
    assert ".where(Tree.path == literal('top.art', Tree.path.type))" in script.read_text()
    assert run_script(script, extension_db.url).splitlines()[-1] == "1 statement, 1 row received, 1 entity (1 root row)"
    explained = CliRunner().invoke(app, ["explain", extension_db.url, "tree", "--where", "path = top.art"])
    assert (explained.exit_code, explained.stderr) == (0, "")  # SQLAlchemy's "Did not recognize type": not news
