"""A filter matches the rows the same condition matches in plain SQL, on every backend.

A bare value is what SQL reads as a literal (``qty = 1`` a number, ``flag =
true`` a boolean, ``qty = null`` no value) and a quoted one is text; where the
column has a type, the value is converted by it. The tester's case: a SQLite
column declared without a type holds integers, and ``qty = 1`` matched none
of its 20 rows because the value was bound as the text '1'.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.automap import automap_base
from textual.widgets import OptionList

from sqla_tui.cli import app
from sqla_tui.core.connect.engine import connect
from sqla_tui.core.query.spec import Filter, QuerySpec, filter_text, parse_where
from sqla_tui.core.query.spec_file import save_spec
from sqla_tui.settings.history import spec_line
from tests.databases import TestDatabase, database_fixture, run_async, run_statements
from tests.test_script import invoke, run_script, runner
from tests.test_tui_compose import SIZE, logged_rows, press_compose
from tests.tui_helpers import make_app, settle

_SQLITE = [
    'CREATE TABLE "Order Items" (id INTEGER PRIMARY KEY, qty, score FOO BAR, note)',
    'WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 60) '
    'INSERT INTO "Order Items" SELECT i, i % 3, i % 4, CASE i % 5 WHEN 0 THEN \'null\' WHEN 1 THEN NULL ELSE \'n\' || i END FROM n',
    "INSERT INTO \"Order Items\" VALUES (61, '1', 2.5, 'a'), (62, -2, -1, 'b'), (63, 2.5, 0.5, 'c'), (64, NULL, NULL, 'd')",
]  # fmt: skip
_POSTGRESQL = [
    'CREATE TABLE "Order Items" (id integer PRIMARY KEY, qty integer, price numeric(6, 2), flag boolean, d date, '
    "p point, x xml, note text, code text)",
    "INSERT INTO \"Order Items\" SELECT i, i % 3 - 1, (i % 4) * 1.25 - 1, i % 2 = 0, date '2020-01-01' + i % 5, "
    "CASE WHEN i % 2 = 1 THEN point(i, i) END, CASE WHEN i % 3 = 0 THEN '<a/>'::xml END, "
    "CASE i % 5 WHEN 0 THEN 'null' WHEN 1 THEN NULL ELSE 'n' || i END, lpad(i::text, 4, '0') FROM generate_series(1, 60) i",
]  # fmt: skip
_MARIADB = [
    "CREATE TABLE `Order Items` (id int PRIMARY KEY, qty int, price decimal(6, 2), flag boolean, d date, "
    "ip inet6, note varchar(20), code varchar(20))",
    "INSERT INTO `Order Items` SELECT seq, MOD(seq, 3) - 1, (MOD(seq, 4)) * 1.25 - 1, MOD(seq, 2) = 0, "
    "date '2020-01-01' + INTERVAL MOD(seq, 5) DAY, IF(MOD(seq, 2) = 1, '::1', NULL), "
    "CASE MOD(seq, 5) WHEN 0 THEN 'null' WHEN 1 THEN NULL ELSE concat('n', seq) END, lpad(seq, 4, '0') FROM (SELECT CAST(seq AS SIGNED) AS seq FROM seq_1_to_60) n",
]  # fmt: skip
_SEPARATORS_IN_VALUES = "(id, note) VALUES (71, 'p,q'), (72, 'it''s'), (73, 'x and y'), (74, 'p'), (75, 'q''')"
"""Notes holding what separates values in a filter: a comma, a quote, between's ``and``."""
_BUILD = {
    "sqlite": [*_SQLITE, f'INSERT INTO "Order Items" {_SEPARATORS_IN_VALUES}'],
    "postgresql": [*_POSTGRESQL, f'INSERT INTO "Order Items" {_SEPARATORS_IN_VALUES}'],
    "mysql": [*_MARIADB, f"INSERT INTO `Order Items` {_SEPARATORS_IN_VALUES}"],
}

_TYPED = [  # (filter as typed, the same condition in SQL) on the PostgreSQL and MariaDB table
    ("qty = 1", "qty = 1"), ("qty = -1", "qty = -1"), ("qty = '1'", "qty = '1'"), ("qty in (1, -1)", "qty IN (1, -1)"),
    ("qty not in 0", "qty NOT IN (0)"), ("qty between -1 and 0", "qty BETWEEN -1 AND 0"), ("qty < 0", "qty < 0"),
    ("price = -1", "price = -1"), ("price = 1.50", "price = 1.50"), ("price > -0.5", "price > -0.5"),
    ("price between 0.25 and 1.5", "price BETWEEN 0.25 AND 1.5"), ("flag = true", "flag = true"),
    ("flag = false", "flag = false"), ("d = 2020-01-03", "d = '2020-01-03'"),
    ("d between 2020-01-02 and 2020-01-04", "d BETWEEN '2020-01-02' AND '2020-01-04'"),
    ("note = 'null'", "note = 'null'"), ("note = null", "note IS NULL"), ("note is null", "note IS NULL"),
    ("code = 0007", "code = '0007'"), ("code in 0007, '0012'", "code IN ('0007', '0012')"),
]  # fmt: skip
_QUOTED = [  # a separator or a doubled quote inside quotes is part of the value, as in SQL, on every backend
    ("note in 'p,q', 'n2'", "note IN ('p,q', 'n2')"), ("note = 'it''s'", "note = 'it''s'"),
    ("note in 'it''s', \"p,q\"", "note IN ('it''s', 'p,q')"), ("note not in 'p,q', 'x and y'", "note NOT IN ('p,q', 'x and y')"),
    ("note between 'x and y' and 'z'", "note BETWEEN 'x and y' AND 'z'"), ("note in (p, 'q''')", "note IN ('p', 'q''')"),
]  # fmt: skip
CASES = {
    "sqlite": [
        ("qty = 1", "qty = 1"), ("qty = '1'", "qty = '1'"), ("qty != 1", "qty != 1"), ("qty = true", "qty = 1"),
        ("qty in (1, 2)", "qty IN (1, 2)"), ("qty in 1, '1'", "qty IN (1, '1')"), ("qty not in 0, 1", "qty NOT IN (0, 1)"),
        ("qty between -2 and 1", "qty BETWEEN -2 AND 1"), ("qty > 1", "qty > 1"), ("qty < 0", "qty < 0"),
        ("qty = -2", "qty = -2"), ("qty = 2.5", "qty = 2.5"), ("qty = 25e-1", "qty = 2.5"), ("qty is null", "qty IS NULL"),
        ("qty = null", "qty IS NULL"), ("note = 'null'", "note = 'null'"), ("note like n1%", "note LIKE 'n1%'"),
        ("score = 1", "score = 1"), ("score in 1, 2", "score IN (1, 2)"), ("score between -1 and 0.5", "score BETWEEN -1 AND 0.5"),
        ("score = 2.5", "score = 2.5"), ("score < 0", "score < 0"), *_QUOTED,
    ],
    "postgresql": [*_TYPED, *_QUOTED, ("p is null", "p IS NULL"), ("x not_null", "x IS NOT NULL")],
    "mariadb": [*_TYPED, *_QUOTED, ("ip = '::1'", "ip = '::1'"), ("ip is null", "ip IS NULL")],
}  # fmt: skip


async def _build(url: str) -> None:
    await run_statements(url, lambda engine: _BUILD[engine.dialect.name])


literal_db = database_fixture("literal_db", _build)


async def _sql_count(url: str, condition: str) -> int:
    engine, _ = await connect(url)
    try:
        quoted = engine.dialect.identifier_preparer.quote("Order Items")
        async with engine.connect() as conn:
            return int((await conn.execute(text(f"SELECT count(*) FROM {quoted} WHERE {condition}"))).scalar_one())
    finally:
        await engine.dispose()


def _matched(url: str, *args: str) -> int:
    return int(json.loads(invoke("query", url, "Order Items", *args, "--json"))["summary"]["root_rows"])


def test_a_bare_number_on_an_untyped_sqlite_column_matches_the_rows_sql_counts(literal_db: TestDatabase) -> None:
    """The tester's case: 0 rows, where SQL counts 20."""
    if literal_db.backend != "sqlite":
        pytest.skip("columns without a declared type are SQLite's")
    assert run_async(_sql_count(literal_db.url, "qty = 1")) == 20
    assert _matched(literal_db.url, "--where", "qty = 1") == 20
    assert _matched(literal_db.url, "--where", "qty = '1'") == 1


def test_every_filter_shape_matches_the_rows_sql_counts(literal_db: TestDatabase) -> None:
    counted = [(typed, _matched(literal_db.url, "--where", typed)) for typed, _ in CASES[literal_db.backend]]
    expected = [(typed, run_async(_sql_count(literal_db.url, sql))) for typed, sql in CASES[literal_db.backend]]
    assert counted == expected
    assert len({count for _, count in expected}) > 5  # the conditions tell rows apart: no shape passes by matching all or none


def test_a_spec_saved_before_quotes_were_kept_means_what_it_meant(literal_db: TestDatabase, tmp_path: Path) -> None:
    """Its values are text converted by the column's type: 'null' is no value, and an untyped column compares text."""
    spec = tmp_path / "old.json"
    spec.write_text(json.dumps({"root": "Order Items", "filters": [{"column": "note", "op": "=", "value": "null"}]}))
    assert _matched(literal_db.url, "--spec", str(spec)) == run_async(_sql_count(literal_db.url, "note IS NULL"))
    if literal_db.backend == "sqlite":
        spec.write_text(json.dumps({"root": "Order Items", "filters": [{"column": "qty", "op": "=", "value": "1"}]}))
        assert _matched(literal_db.url, "--spec", str(spec)) == 1


def test_a_saved_spec_keeps_which_values_were_quoted(literal_db: TestDatabase, tmp_path: Path) -> None:
    path = tmp_path / "saved.json"
    filters = [parse_where("note in null, 'null'"), parse_where("id between 1 and 40")]
    save_spec(QuerySpec("Order Items", filters=filters), path)
    assert json.loads(path.read_text())["filters"][0] == {"column": "note", "op": "in", "value": ["null", "null"], "quoted": [False, True]}
    assert _matched(literal_db.url, "--spec", str(path)) == run_async(_sql_count(literal_db.url, "note = 'null' AND id BETWEEN 1 AND 40"))


def test_a_filter_is_shown_as_typed() -> None:
    assert filter_text(parse_where("qty in (1, '2')")) == "qty in 1, '2'"
    assert filter_text(parse_where('''note = "it's"''')) == "note = 'it''s'"  # as SQL writes it, and reads back
    assert filter_text(parse_where("note in 'p,q', 'x'")) == "note in 'p,q', 'x'"
    assert filter_text(parse_where("note between 'x and y' and z")) == "note between 'x and y' and z"
    assert filter_text(Filter("qty", "=", "1")) == "qty = 1"  # a spec saved before quotes were kept
    spec = QuerySpec("Order Items", filters=[parse_where("qty = '1'"), parse_where("qty != 1")])
    assert spec_line(spec) == "Order Items · qty = '1' · qty != 1 · limit 100"  # the history lists the two apart


async def test_the_compose_screen_reads_a_typed_filter_as_the_cli_does(literal_db: TestDatabase) -> None:
    if literal_db.backend != "sqlite":
        pytest.skip("columns without a declared type are SQLite's")
    app = make_app(literal_db.url)
    async with app.run_test(size=SIZE) as pilot:
        screen = await press_compose(pilot)
        await pilot.press("down", "enter")  # the only root, Order Items
        await settle(pilot)
        await pilot.press("slash", *"qty in 1, '1'", "enter", "f5")  # f5 runs from any field
        await settle(pilot)
        assert logged_rows(screen) == [21]  # 20 integers 1 and one text '1'
        listed = screen.query_one("#compose-filters", OptionList)
        assert [str(listed.get_option_at_index(i).prompt) for i in range(listed.option_count)] == ["qty in 1, '1'"]


_PREFS = ["'{\"x\": 1}'", "'{\"x\":1}'", "'{\"x\": 2}'", "NULL", "'1'", "'\"a\"'", "'[1, 2]'"]
"""Seven JSON values: two spellings of one object, another object, no value, a number, a string, an array."""
_JSON_BUILD = {
    "postgresql": ["CREATE TABLE customers (id int PRIMARY KEY, prefs jsonb)"],
    "mysql": ["CREATE TABLE customers (id int PRIMARY KEY, prefs JSON)"],  # MariaDB: LONGTEXT CHECK (json_valid(prefs))
}
_JSON_CASES = [  # (filter as typed, the same condition in SQL: PostgreSQL's, MariaDB's, rows both count)
    ('prefs = {"x": 1}', "prefs = '{\"x\": 1}'::jsonb", "JSON_EQUALS(prefs, '{\"x\": 1}') = 1", 2),
    ('prefs != {"x":1}', "prefs != '{\"x\":1}'::jsonb", "NOT JSON_EQUALS(prefs, '{\"x\":1}') = 1", 4),
    ("prefs in {\"x\": 1}, '[1, 2]'", "prefs IN ('{\"x\": 1}'::jsonb, '[1, 2]'::jsonb)",
     "JSON_EQUALS(prefs, '{\"x\": 1}') = 1 OR JSON_EQUALS(prefs, '[1, 2]') = 1", 3),
    ('prefs not in {"x": 1}, 1', "prefs NOT IN ('{\"x\": 1}'::jsonb, '1'::jsonb)",
     "NOT (JSON_EQUALS(prefs, '{\"x\": 1}') = 1 OR JSON_EQUALS(prefs, '1') = 1)", 3),
    ("prefs = '\"a\"'", "prefs = '\"a\"'::jsonb", "JSON_EQUALS(prefs, '\"a\"') = 1", 1),
    ("prefs = null", "prefs IS NULL", "prefs IS NULL", 1),
]  # fmt: skip


async def _build_json(url: str) -> None:
    values = ", ".join(f"({number}, {value})" for number, value in enumerate(_PREFS, 1))
    await run_statements(url, lambda engine: [*_JSON_BUILD[engine.dialect.name], f"INSERT INTO customers VALUES {values}"])


json_db = database_fixture("json_db", _build_json, backends=("postgresql", "mariadb"))


def _json_sql_count(url: str, condition: str) -> int:
    async def scenario() -> int:
        engine, _ = await connect(url)
        try:
            async with engine.connect() as conn:
                escaped = condition.replace(":", "\\:")  # text() reads {"x":1} as a parameter :1
                return int((await conn.execute(text(f"SELECT count(*) FROM customers WHERE {escaped}"))).scalar_one())
        finally:
            await engine.dispose()

    return int(run_async(scenario()))


def _json_matched(url: str, where: str) -> int:
    return int(json.loads(invoke("query", url, "customers", "--where", where, "--json"))["summary"]["root_rows"])


def test_a_filter_on_a_json_column_compares_json_values(json_db: TestDatabase) -> None:
    """The tester's case: MariaDB has no CAST(... AS JSON), and ``prefs = {"x": 1}`` was a syntax error there. Both
    databases compare as JSON, so two spellings of one object are equal, as SQL counts them. MariaDB's SQL says
    ``= 1``: a bare ``JSON_EQUALS`` of a missing value counts as true in a condition there (row 4 would match)."""
    pick = 1 if json_db.backend == "postgresql" else 2
    counted = [(case[0], _json_matched(json_db.url, case[0])) for case in _JSON_CASES]
    assert counted == [(case[0], _json_sql_count(json_db.url, case[pick])) for case in _JSON_CASES]
    assert counted == [(case[0], case[3]) for case in _JSON_CASES]


def _pasted_rows(url: str, code: str, table: str = "customers", name: str = "Customer") -> int:
    """Rows of the ``--python`` a user pastes, run on the database with ``table`` mapped as ``name``."""

    async def scenario() -> int:
        engine, _ = await connect(url)
        try:
            async with engine.connect() as conn:
                mapped = automap_base()
                await conn.run_sync(lambda sync: mapped.prepare(autoload_with=sync))
                namespace: dict[str, object] = {name: getattr(mapped.classes, table)}
                exec(code, namespace)
                return len((await conn.execute(namespace["stmt"])).all())  # type: ignore[call-overload]
        finally:
            await engine.dispose()

    return int(run_async(scenario()))


def test_the_python_printed_for_a_json_filter_runs_and_matches_the_same_rows(json_db: TestDatabase) -> None:
    """The code shown is the code that ran: MariaDB's says ``json_equals`` where the query used it, and no cast
    to JSON, which MariaDB refuses as a syntax error (it printed ``cast(literal(...), Customer.prefs.type)``)."""
    pasted = []
    for where, *_ in _JSON_CASES:
        code = invoke("query", json_db.url, "customers", "--where", where, "--python")
        pasted.append((where, _pasted_rows(json_db.url, code), "cast(" in code))
    on_mariadb = json_db.backend == "mariadb"
    assert pasted == [(case[0], case[3], not on_mariadb and "null" not in case[0]) for case in _JSON_CASES]


def test_a_script_with_a_json_filter_runs_on_the_database_it_was_written_for(
    json_db: TestDatabase, tmp_path: Path
) -> None:
    script = tmp_path / "script.py"
    invoke("query", json_db.url, "customers", "--where", 'prefs not in {"x": 1}, 1', "--script", "-o", str(script))
    assert run_script(script, json_db.url).splitlines()[-1] == "1 statement, 3 rows received, 3 entities (3 root rows)"


def test_a_filter_value_that_is_not_json_is_refused_on_a_json_column(json_db: TestDatabase) -> None:
    result = runner.invoke(app, ["query", json_db.url, "customers", "--where", "prefs = abc"])
    assert (result.exit_code, result.stderr) == (
        2,
        "error: 'abc' is not JSON, so column 'prefs' holds no value equal to it; "
        'write JSON: {"x": 1}, [1, 2], "text" in double quotes, 1, true\n',
    )


def test_like_on_a_mariadb_json_column_reads_its_text(json_db: TestDatabase) -> None:
    """Other filters compare the text MariaDB keeps (PostgreSQL has no LIKE on jsonb)."""
    if json_db.backend != "mariadb":
        pytest.skip("MariaDB keeps JSON as text")
    assert _json_matched(json_db.url, "prefs like %x%") == _json_sql_count(json_db.url, "prefs LIKE '%x%'") == 3


_TYPED_BUILD = {
    "sqlite": [
        "CREATE TABLE typed (id INTEGER PRIMARY KEY, b BLOB)",
        "INSERT INTO typed VALUES (1, x'616263'), (2, x'78797a'), (3, NULL), (4, x'61')",
    ],
    "postgresql": [
        "CREATE TABLE typed (id integer PRIMARY KEY, b bytea, tags text[], span interval, u uuid)",
        "INSERT INTO typed VALUES (1, 'abc', '{a,b}', '1 day', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'), "
        "(2, 'xyz', '{c}', '2 days', NULL), (3, NULL, '{}', '36 hours', 'b0eebc99-9c0b-4ef8-bb6d-6bb9bd380a12'), "
        "(4, 'a', NULL, NULL, NULL)",
    ],
    "mariadb": [
        "CREATE TABLE typed (id int PRIMARY KEY, b blob, vb varbinary(10), u uuid)",
        "INSERT INTO typed VALUES (1, 'abc', 'abc', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'), (2, 'xyz', 'xyz', NULL), "
        "(3, NULL, NULL, 'b0eebc99-9c0b-4ef8-bb6d-6bb9bd380a12'), (4, 'a', 'a', NULL)",
    ],
}  # fmt: skip
_BINARY = [("b = abc", "b = 'abc'"), ("b != abc", "b != 'abc'"), ("b in 'abc', 'xyz'", "b IN ('abc', 'xyz')")]
_UUID = [("u = 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'", "u = 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'")]
TYPED_CASES = {  # each filter, and the same condition in the database's own SQL
    "sqlite": [("b = abc", "b = x'616263'"), ("b != abc", "b != x'616263'"), ("b in 'abc', 'xyz'", "b IN (x'616263', x'78797a')")],
    "postgresql": [
        *_BINARY, *_UUID, ("tags = '{a,b}'", "tags = '{a,b}'"), ("tags != '{a,b}'", "tags != '{a,b}'"),
        ("tags = '{}'", "tags = '{}'"), ("span > '1 day'", "span > interval '1 day'"),
        ("span between '1 day' and '1 day 12:00'", "span BETWEEN interval '1 day' AND interval '36 hours'"),
    ],
    "mariadb": [*_BINARY, *_UUID, ("vb = abc", "vb = 'abc'"), ("vb in a, xyz", "vb IN ('a', 'xyz')")],
}  # fmt: skip


async def _build_typed(url: str) -> None:
    await run_statements(url, lambda engine: _TYPED_BUILD["mariadb" if engine.dialect.name == "mysql" else engine.dialect.name])


typed_db = database_fixture("typed_db", _build_typed)


async def _typed_count(url: str, condition: str) -> int:
    engine, _ = await connect(url)
    try:
        async with engine.connect() as conn:
            return int((await conn.execute(text(f"SELECT count(*) FROM typed WHERE {condition}"))).scalar_one())
    finally:
        await engine.dispose()


def test_binary_array_interval_and_uuid_filters_match_the_rows_sql_counts(typed_db: TestDatabase) -> None:
    """A binary column compares with the text's bytes; an array or an interval is read by the database as the
    column's type (``'{a,b}'`` an array, not the list of its characters); a UUID is checked as one."""
    cases = TYPED_CASES[typed_db.backend]
    counted = [
        (typed, int(json.loads(invoke("query", typed_db.url, "typed", "--where", typed, "--json"))["summary"]["root_rows"]))
        for typed, _ in cases
    ]
    assert counted == [(typed, run_async(_typed_count(typed_db.url, sql))) for typed, sql in cases]
    assert {count for _, count in counted} >= {1, 2}  # the conditions tell rows apart
    pasted = [
        (typed, _pasted_rows(typed_db.url, invoke("query", typed_db.url, "typed", "--where", typed, "--python"), "typed", "Typed"))
        for typed, _ in cases
    ]
    assert pasted == counted  # the Python shown binds what the query bound
    logged = json.loads(invoke("query", typed_db.url, "typed", "--where", "b = abc", "--json"))["statements"][0]
    assert logged["params"][0] == ("abc" if typed_db.backend == "mariadb" else "b'abc'")  # SQLite's: a memoryview
    if typed_db.backend != "sqlite":
        refused = runner.invoke(app, ["query", typed_db.url, "typed", "--where", "u = nope"])
        assert (refused.exit_code, refused.output) == (2, "error: 'nope' is not a valid UUID for column 'u'\n")


_TIMES_BUILD = {
    # the same instants as different programs write them: SQLAlchemy, sqlite3's CURRENT_TIMESTAMP, ISO 8601 with T
    "sqlite": [
        "CREATE TABLE ev (id INTEGER PRIMARY KEY, at DATETIME, t TIME)",
        "INSERT INTO ev VALUES (1, '2024-01-01 10:00:00.000000', '10:00:00.000000'), (2, '2024-01-01 10:00:00', '10:00'), "
        "(3, '2024-01-01T12:00:00', '23:59:59'), (4, NULL, NULL)",
    ],
    "postgresql": [
        "CREATE TABLE ev (id integer PRIMARY KEY, at timestamp, t time)",
        "INSERT INTO ev VALUES (1, '2024-01-01 10:00', '10:00'), (2, '2024-01-01 10:00', '10:00'), "
        "(3, '2024-01-01 12:00', '23:59:59'), (4, NULL, NULL)",
    ],
    "mariadb": [
        "CREATE TABLE ev (id int PRIMARY KEY, at datetime, t time)",
        "INSERT INTO ev VALUES (1, '2024-01-01 10:00', '10:00'), (2, '2024-01-01 10:00', '10:00'), "
        "(3, '2024-01-01 12:00', '23:59:59'), (4, NULL, NULL)",
    ],
}  # fmt: skip
TIME_CASES = [  # a filter, and the ids of the rows it means: the same on every database, whoever wrote the rows
    ("at = '2024-01-01 10:00:00'", [1, 2]), ("at = 2024-01-01T10:00:00", [1, 2]), ("at != '2024-01-01 10:00:00'", [3]),
    ("at > '2024-01-01 10:00:00'", [3]), ("at between '2024-01-01 09:00' and '2024-01-01 12:00'", [1, 2, 3]),
    ("at in '2024-01-01 12:00:00', '2024-01-02'", [3]), ("at = null", [4]),
    ("t = '10:00:00'", [1, 2]), ("t < 12:00", [1, 2]), ("t between 12:00 and 23:59:59", [3]),
]  # fmt: skip


async def _build_times(url: str) -> None:
    await run_statements(url, lambda engine: _TIMES_BUILD["mariadb" if engine.dialect.name == "mysql" else engine.dialect.name])


times_db = database_fixture("times_db", _build_times)


def test_a_date_and_time_filter_matches_the_instant_whoever_wrote_it(times_db: TestDatabase) -> None:
    """SQLite keeps a DATETIME as its writer's text: '2024-01-01 10:00:00' (sqlite3, Django) matched nothing, as the
    value was bound as SQLAlchemy's '2024-01-01 10:00:00.000000'; there both sides are read by julianday(). A TIME
    given as text failed on SQLite ('only accepts Python time objects') and on PostgreSQL (time = varchar)."""
    matched = []
    for typed, _ in TIME_CASES:
        run = json.loads(invoke("query", times_db.url, "ev", "--where", typed, "--json"))
        pasted = _pasted_rows(times_db.url, invoke("query", times_db.url, "ev", "--where", typed, "--python"), "ev", "Ev")
        matched.append((typed, [row["id"] for row in run["rows"]], pasted))
    assert matched == [(typed, ids, len(ids)) for typed, ids in TIME_CASES]
