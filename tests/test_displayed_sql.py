"""Every statement the CLI prints or the app copies runs back on the database and returns the same rows.

Layout may change whitespace and nothing else: tables and columns named like
keywords (``language``, ``user``, ``order``, ``key``, ``value``, ``type``,
``status``, ``name``), a quoted mixed-case column, string literals holding
keywords and line breaks, and comments all survive being shown. Statements
beyond sqlparse's 10,000-token limit are shown, not a traceback.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from sqlalchemy import Column, ForeignKey, Integer, MetaData, String, Table
from textual.widgets import Input
from typer.testing import CliRunner

from sqla_tui.cli import app
from sqla_tui.core.connect.engine import connect
from sqla_tui.core.sqltext import format_sql, one_line, same_but_whitespace
from sqla_tui.tui.screens.compose_screen import ComposeScreen
from sqla_tui.tui.widgets.statement_log import StatementLogTable
from tests.databases import TestDatabase, database_fixture, run_async
from tests.tui_helpers import make_app, settle

runner = CliRunner()

metadata = MetaData()
Table(
    "language", metadata,
    Column("id", Integer, primary_key=True), Column("name", String(60)), Column("key", String(20)),
    Column("value", String(60)), Column("type", String(20)), Column("status", String(20)),
)  # fmt: skip
Table("user", metadata, Column("id", Integer, primary_key=True), Column("name", String(30)), Column("Mixed Case", String(30)))
Table(
    "order", metadata,
    Column("id", Integer, primary_key=True), Column("user_id", ForeignKey("user.id")), Column("status", String(20)),
    Column("key", String(20)), Column("value", Integer),
)  # fmt: skip
Table("rate%s", metadata, Column("id", Integer, primary_key=True), Column("p%", Integer))
Table("rate%s_items", metadata, Column("id", Integer, primary_key=True), Column("rate_id", ForeignKey("rate%s.id")))
WIDE_COLUMNS = 600
"""Columns of each of two joined tables: a joinedload of one from the other selects 1,200 columns."""
Table("wide_a", metadata, Column("id", Integer, primary_key=True), *(Column(f"a{i}", Integer) for i in range(WIDE_COLUMNS)))
Table(
    "wide_b", metadata, Column("id", Integer, primary_key=True), Column("a_id", ForeignKey("wide_a.id")),
    *(Column(f"b{i}", Integer) for i in range(WIDE_COLUMNS)),
)  # fmt: skip

LANGUAGES = [
    {"id": n, "name": f"select\nfrom language -- not a comment {n}", "key": f"k{n}", "value": "it's; DROP",
     "type": "order", "status": ("ok", "new", "old")[n % 3]}
    for n in range(1, 10)
]  # fmt: skip


async def _build(url: str) -> None:
    engine, _ = await connect(url, read_only=False)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(metadata.create_all)
            tables = metadata.tables
            await conn.execute(tables["language"].insert(), LANGUAGES)
            await conn.execute(tables["user"].insert(), [{"id": n, "name": f"u{n}", "Mixed Case": "Yes"} for n in (1, 2, 3)])
            await conn.execute(
                tables["order"].insert(),
                [{"id": n, "user_id": n % 3 + 1, "status": "open", "key": f"o{n}", "value": n} for n in range(1, 8)],
            )
            await conn.execute(tables["rate%s"].insert(), [{"id": 1, "p%": 5}, {"id": 2, "p%": 6}])
            await conn.execute(tables["rate%s_items"].insert(), [{"id": n, "rate_id": n % 2 + 1} for n in range(1, 6)])
            await conn.execute(tables["wide_a"].insert(), [{"id": 1}])
            await conn.execute(tables["wide_b"].insert(), [{"id": 1, "a_id": 1}, {"id": 2, "a_id": 1}])
    finally:
        await engine.dispose()


keywords_db = database_fixture("keywords_db", _build)


def rows_of(database: TestDatabase, sql: str, params: Any) -> list[tuple[Any, ...]]:
    """What the database returns for ``sql`` sent through the driver as is, with ``params``."""

    async def scenario() -> list[tuple[Any, ...]]:
        engine, _ = await connect(database.url)
        try:
            async with engine.connect() as conn:
                result = await conn.exec_driver_sql(sql, tuple(params) if isinstance(params, list) else params)
                return [tuple(row) for row in result]
        finally:
            await engine.dispose()

    return run_async(scenario())


def invoke(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.stderr
    return result.stdout


def printed_statements(text: str) -> dict[int, str]:
    """The ``query`` command's text output: statement position (0-based) -> the SQL printed under it."""
    printed: dict[int, str] = {}
    position = None
    for line in text.splitlines():
        heading = re.match(r"#(\d+)", line)
        if heading:
            position = int(heading.group(1)) - 1
            printed[position] = ""
        elif position is not None and line.startswith("    "):
            printed[position] += ("\n" if printed[position] else "") + line[4:]
        else:
            position = None
    return printed


@pytest.mark.parametrize(
    "args",
    [
        ["language", "--where", "status in ok,new", "--order", "key:desc"],
        ["user", "--load", "orders=selectin", "--where", "\"Mixed Case\" = Yes"],
        ["order", "--load", "user=joined", "--order", "value", "--limit", "5"],
        ["wide_a", "--load", "wide_bs=joined"],
    ],
    ids=["language", "user-orders", "order-user", "1200-column-join"],
)
def test_every_printed_statement_runs_back_with_the_same_rows(keywords_db: TestDatabase, args: list[str]) -> None:
    sent = json.loads(invoke("query", keywords_db.url, *args, "--json"))["statements"]
    printed = printed_statements(invoke("query", keywords_db.url, *args))
    assert printed, "the query command printed no statement"
    for position, sql in printed.items():
        statement = sent[position]
        assert same_but_whitespace(sql, statement["sql"]), sql
        again, then = rows_of(keywords_db, sql, statement["params"]), rows_of(keywords_db, statement["sql"], statement["params"])
        assert sorted(again, key=repr) == sorted(then, key=repr)  # rows tied in the ORDER BY may come in any order


def test_the_explained_statement_is_printed_as_it_runs(keywords_db: TestDatabase) -> None:
    placeholder = {"sqlite": "?", "postgresql": "$1", "mariadb": "%s"}[keywords_db.backend]
    sql = (
        "SELECT language.id, language.name, language.type -- the type, not a keyword\n"
        f"FROM language WHERE language.name = 'select\nfrom language -- not a comment 1' OR language.id = {placeholder}"
    )
    output = invoke("explain", keywords_db.url, "--sql", sql, "--param", "4")
    shown = output.split(" for: ", 1)[1].split("\nparams: ", 1)[0]
    assert same_but_whitespace(shown, sql)
    assert rows_of(keywords_db, shown, (4,)) == rows_of(keywords_db, sql, (4,)) == [
        (1, LANGUAGES[0]["name"], "order"),
        (4, LANGUAGES[3]["name"], "order"),
    ]


async def test_copied_sql_runs_back_with_the_same_rows(keywords_db: TestDatabase) -> None:
    app = make_app(keywords_db.url)
    async with app.run_test(size=(180, 50)) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ComposeScreen)
        await pilot.press(*"language", "enter")
        await settle(pilot)
        screen.query_one("#compose-where", Input).focus()
        await pilot.press(*"status in ok,new", "enter", "escape")
        await pilot.pause()
        assert screen.composer is not None and len(screen.composer.spec.filters) == 1
        await pilot.press("Y")  # before a run: the previewed main query
        previewed = app.clipboard
        await pilot.press("r")
        await settle(pilot)
        [main] = [statement for run in screen.query_one(StatementLogTable).items for statement in run.statements]
        await pilot.press("Y")  # after it: the statement that ran
        assert app.clipboard == main.sql
    assert same_but_whitespace(previewed, main.sql), previewed
    expected = [row for row in rows_of(keywords_db, main.sql, main.params)]
    assert len(expected) == 6 and rows_of(keywords_db, previewed, main.params) == expected


LONG_IN = "SELECT language.id FROM language WHERE language.id IN (" + ", ".join(map(str, range(5000))) + ")"
WIDE_JOIN = (
    "SELECT " + ", ".join(f"wide_b.b{i} AS c{i}" for i in range(1200)) + "\nFROM wide_a JOIN wide_b ON wide_a.id = wide_b.a_id"
)


@pytest.mark.parametrize("sql", [LONG_IN, WIDE_JOIN], ids=["in-5000-values", "1200-columns"])
def test_statements_past_sqlparse_limits_are_shown_whole(sql: str) -> None:
    assert format_sql(sql) == sql
    assert same_but_whitespace(one_line(sql), sql)
    assert one_line(sql, 80).endswith("…") and len(one_line(sql, 80)) == 80


def test_a_percent_in_a_name_is_shown_as_the_database_reads_it(keywords_db: TestDatabase) -> None:
    """MariaDB's driver gets every ``%`` doubled and halves it: the screen and the output show it once."""
    quote = "`" if keywords_db.backend == "mariadb" else '"'
    table, column = f"{quote}rate%s{quote}", f"{quote}p%{quote}"
    sent = json.loads(invoke("query", keywords_db.url, "rate%s", "--json"))["statements"]
    [main] = [statement["sql"] for statement in sent]
    printed = printed_statements(invoke("query", keywords_db.url, "rate%s"))[0]
    explained = invoke("explain", keywords_db.url, "rate%s").split(" for: ", 1)[1].split("\n", 1)[0]
    for shown in (main, printed, explained):
        assert f"FROM {table}" in shown and f"{table}.{column}" in shown, shown
        assert "%%" not in shown, shown
    fanout = json.loads(invoke("fanout", keywords_db.url, "rate%s", "--path", "rate_s_items", "--json"))
    texts = [group["sql"] for plan in fanout["results"] for group in plan["sql"]]
    assert texts and all("%%" not in text and "rate%s" in text for text in texts)
