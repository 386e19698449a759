"""A view or a table without a primary key is queried with Core ``select()`` over its reflected Table.

No identity map may fold its rows: the table ``log`` holds two equal rows
and an all-NULL row, and every count below includes all three. What needs
relationships (loaders, touching, fan-out, a script) is one line, exit 2.
"""

from __future__ import annotations

import csv
import io
import json

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table
from typer.testing import CliRunner

from sqla_tui.cli import app
from sqla_tui.core.connect.engine import connect
from sqla_tui.core.errors import UserError
from sqla_tui.core.query.spec import ColumnOption, QuerySpec, parse_order, parse_where
from sqla_tui.core.query.statement import build_select, python_source
from sqla_tui.tui.widgets.loader_toggles import LoaderToggles
from sqla_tui.tui.widgets.results_tree import ResultsTree
from sqla_tui.tui.widgets.statement_log import StatementLogTable
from tests.databases import TestDatabase, database_fixture, run_async
from tests.schema_fixtures import execute
from tests.test_tui_compose_keys import compose_over
from tests.tui_helpers import make_app, screen_text, settle

LOG_ROWS = [("boot", "1"), ("boot", "1"), ("", "")]
"""``log`` as CSV reads it: two equal rows, then one of NULLs."""


async def _build(url: str) -> None:
    await execute(
        url,
        "CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(50))",
        "INSERT INTO users (id, name) VALUES (1, 'ann'), (2, 'bob'), (3, 'cy')",
        "CREATE TABLE log (msg VARCHAR(50), n INTEGER)",
        "INSERT INTO log (msg, n) VALUES ('boot', 1), ('boot', 1), (NULL, NULL)",
        "CREATE VIEW user_names AS SELECT id, name FROM users",
        "CREATE TABLE tags (id INTEGER PRIMARY KEY, label VARCHAR(20))",
        "INSERT INTO tags (id, label) VALUES (1, 'x'), (2, 'y')",
        "CREATE TABLE user_tags (user_id INTEGER NOT NULL REFERENCES users (id), "
        "tag_id INTEGER NOT NULL REFERENCES tags (id), PRIMARY KEY (user_id, tag_id))",
        "INSERT INTO user_tags (user_id, tag_id) VALUES (1, 1), (1, 2), (3, 2)",
    )


unmapped_db = database_fixture("unmapped_db", _build)


def _run(*args: str, code: int = 0) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == code, result.output
    return result.stdout if code == 0 else result.stderr


def _rows(*args: str) -> list[tuple[str, ...]]:
    """The rows ``query --format csv`` prints, the header left out."""
    return [tuple(row) for row in csv.reader(io.StringIO(_run("query", *args, "--format", "csv")))][1:]


def test_every_row_of_a_table_without_a_key_is_one_statement_and_counted(unmapped_db: TestDatabase) -> None:
    report = json.loads(_run("query", unmapped_db.url, "log", "--json"))
    assert report["summary"] == {"statements": 1, "rows": 3, "entities": 0, "root_rows": 3, "by_class": {}}
    assert [s["origin"] for s in report["statements"]] == ["main query"]
    assert "ORDER BY" not in report["statements"][0]["sql"]  # nothing unique to order by: left to the database
    assert sorted(_rows(unmapped_db.url, "log")) == sorted(LOG_ROWS)
    assert _run("query", unmapped_db.url, "log").endswith("1 statement, 3 rows received, 0 entities (3 root rows)\n")


def test_filters_order_and_limit_give_the_exact_rows(unmapped_db: TestDatabase) -> None:
    url = unmapped_db.url
    assert _rows(url, "log", "--where", "n = 1") == [("boot", "1"), ("boot", "1")]
    assert _rows(url, "log", "--where", "msg is null") == [("", "")]
    assert _rows(url, "user_names", "--order", "name:desc", "--limit", "2") == [("3", "cy"), ("2", "bob")]
    assert _rows(url, "user_names", "--where", "name like 'b%'") == [("2", "bob")]
    limited = json.loads(_run("query", url, "log", "--limit", "2", "--json"))
    assert (limited["summary"]["root_rows"], limited["matched_roots"]) == (2, 3)
    assert _run("query", url, "log", "--where", "nope = 1", code=2) == (
        "error: unknown column 'nope' on log; choose one of: msg, n\n"
    )


def test_the_python_printed_is_the_select_that_ran(unmapped_db: TestDatabase) -> None:
    code = _run("query", unmapped_db.url, "log", "--where", "n = 1", "--order", "msg", "--limit", "5", "--python")
    assert code == (
        "from sqlalchemy import select\n\n"
        "stmt = (\n    select(t_log)\n    .where(t_log.c.n == 1)\n    .order_by(t_log.c.msg)\n    .limit(5)\n)\n"
    )

    async def rows_of_the_pasted_code() -> list[tuple[object, ...]]:
        engine, _ = await connect(unmapped_db.url)
        try:
            async with engine.connect() as conn:
                t_log = await conn.run_sync(lambda sync: Table("log", MetaData(), autoload_with=sync))
                namespace: dict[str, object] = {"t_log": t_log}
                exec(code, namespace)
                return [tuple(row) for row in await conn.execute(namespace["stmt"])]  # type: ignore[call-overload]
        finally:
            await engine.dispose()

    assert run_async(rows_of_the_pasted_code()) == [("boot", 1), ("boot", 1)]


def test_an_odd_column_name_is_written_as_an_item_of_c() -> None:
    """``t.c.keys`` would be the collection's method, and ``t.c.odd name`` no Python at all."""
    table = Table("audit trail", MetaData(), Column("odd name", String), Column("keys", Integer))
    spec = QuerySpec("audit trail", filters=[parse_where('"odd name" = x')], order_by=[parse_order("keys")], limit=None)
    assert python_source(spec, table).endswith(
        "stmt = (\n"
        "    select(t_audit_trail)\n"
        "    .where(t_audit_trail.c['odd name'] == 'x')\n"
        "    .order_by(t_audit_trail.c['keys'])\n"
        ")\n"
    )


def test_column_options_on_a_table_are_refused_in_one_line() -> None:
    table = Table("log", MetaData(), Column("msg", String))
    spec = QuerySpec("log", column_options=[ColumnOption("load_only", ["msg"])])
    with pytest.raises(UserError) as refused:
        build_select(spec, table)
    assert str(refused.value) == (
        "table 'log' has no ORM class, so no columns to defer or load_only: remove column_options from the spec "
        "(its rows are read with Core select())"
    )


def test_explain_plans_the_select_over_a_view(unmapped_db: TestDatabase) -> None:
    plan = _run("explain", unmapped_db.url, "user_names")
    assert "plan" in plan.splitlines()[0] and "user_names" in plan.splitlines()[0]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["query", "user_names", "--load", "x=selectin"],
            "view 'user_names' has no ORM class, so no relationships to load: drop --load",
        ),
        (
            ["query", "log", "--touch", "x"],
            "table 'log' has no ORM class (no primary key), so no relationships to touch: drop --touch",
        ),
        (
            ["fanout", "user_names", "--path", "x"],
            "view 'user_names' has no ORM class, so no relationships to compare loading strategies over: "
            "fan-out needs a table with a class",
        ),
        (
            ["query", "log", "--script"],
            "table 'log' has no ORM class (no primary key), so no script to write: "
            "a script loads classes in a session; --python prints the query instead",
        ),
    ],
)
def test_what_needs_relationships_is_refused_in_one_line(
    unmapped_db: TestDatabase, args: list[str], message: str
) -> None:
    command, root, *rest = args
    assert _run(command, unmapped_db.url, root, *rest, code=2) == (
        f"error: {message} (its rows are read with Core select())\n"
    )


@pytest.mark.parametrize("unmapped_db", ["sqlite"], indirect=True)
async def test_composing_over_a_view_runs_its_rows(unmapped_db: TestDatabase) -> None:
    app_ = make_app(unmapped_db.url)
    async with app_.run_test(size=(180, 50), notifications=True) as pilot:
        screen = await compose_over(pilot, "user_names")
        assert len(screen.query_one(LoaderToggles).root.children) == 0  # a view has no relationships
        await pilot.press("o", *"name:desc", "enter", "r")
        await settle(pilot)
        results = screen.query_one(ResultsTree).root.children
        assert [(node.data.label, node.data.values) for node in results] == [  # type: ignore[union-attr]
            ("user_names row 1", {"id": 3, "name": "cy"}),
            ("user_names row 2", {"id": 2, "name": "bob"}),
            ("user_names row 3", {"id": 1, "name": "ann"}),
        ]
        assert [run.rows for run in screen.query_one(StatementLogTable).items] == [3]
        assert "1 statement, 3 rows received, 0 entities (3 root rows)" in screen_text(app_)
        await pilot.press("f")
        await pilot.pause()
        assert "No fan-out" in " ".join(screen_text(app_).split())
        await pilot.press("w")  # a script loads classes in a session: nothing to save
        await settle(pilot)
        assert "Script not saved" in " ".join(screen_text(app_).split())
        assert app_.screen is screen


@pytest.mark.parametrize("unmapped_db", ["sqlite", "postgresql", "mariadb"], indirect=True)
async def test_composing_over_an_association_table_reads_its_pairs(unmapped_db: TestDatabase) -> None:
    """A many-to-many's table has no class (the ORM maps it as ``secondary``); its pairs are rows to read."""
    app_ = make_app(unmapped_db.url)
    async with app_.run_test(size=(180, 50), notifications=True) as pilot:
        screen = await compose_over(pilot, "user_tags")
        await pilot.press("r")
        await settle(pilot)
        results = screen.query_one(ResultsTree).root.children
        assert sorted(tuple(node.data.values.values()) for node in results) == [(1, 1), (1, 2), (3, 2)]  # type: ignore[union-attr]
        assert [run.rows for run in screen.query_one(StatementLogTable).items] == [3]
        assert "1 statement, 3 rows received, 0 entities (3 root rows)" in screen_text(app_)
