"""Exports as exact text: CSV quoting, JSON values and Markdown escaping, from real rows on every backend."""

from __future__ import annotations

import csv
import io
import json

from typer.testing import CliRunner

from sqla_tui.cli import app
from sqla_tui.core.export.sources import plan_table, statement_log
from sqla_tui.core.export.table import Table
from sqla_tui.core.export.writers import file_name, render
from tests.awkward_values import NOTES, READINGS, awkward_db
from tests.databases import TestDatabase, database_fixture, run_statements

runner = CliRunner()

CSV = """id,body
1,plain
2,"a,b"
3,"say ""hi\"\"\"
4,"two
lines"
5,pipe | back\\slash
6,ünï ☃ 漢字
7,
"""

MARKDOWN = """| id | body |
| --- | --- |
| 1 | plain |
| 2 | a,b |
| 3 | say "hi" |
| 4 | two<br>lines |
| 5 | pipe \\| back\\\\slash |
| 6 | ünï ☃ 漢字 |
| 7 |  |
"""


def query(database: TestDatabase, *args: str) -> str:
    result = runner.invoke(app, ["query", database.url, *args])
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_query_csv_quotes_commas_quotes_and_line_breaks(awkward_db: TestDatabase) -> None:
    text = query(awkward_db, "notes", "--format", "csv")
    assert text == CSV
    assert [row for row in csv.reader(io.StringIO(text))][1:] == [[str(i), body or ""] for i, body in NOTES]


def test_query_markdown_escapes_pipes_backslashes_and_line_breaks(awkward_db: TestDatabase) -> None:
    assert query(awkward_db, "notes", "--format", "markdown") == MARKDOWN


def test_query_format_json_is_json(awkward_db: TestDatabase) -> None:
    def untimed(text: str) -> dict[str, object]:
        data = json.loads(text)
        for statement in data["statements"]:
            del statement["ms"]
        return data

    assert untimed(query(awkward_db, "notes", "--format", "json")) == untimed(query(awkward_db, "notes", "--json"))


def test_query_json_holds_the_root_rows_as_the_json_export_writes_them(awkward_db: TestDatabase) -> None:
    rows = json.loads(query(awkward_db, "notes", "--json"))["rows"]
    assert rows == [{"id": i, "body": body} for i, body in NOTES]
    limited = json.loads(query(awkward_db, "readings", "--json", "--limit", "3"))
    assert limited["rows"] == [{"id": n, "value": n * 10} for n in (1, 2, 3)] and limited["matched_roots"] == READINGS


def test_query_csv_has_one_line_per_root_row_up_to_the_limit(awkward_db: TestDatabase) -> None:
    rows = list(csv.reader(io.StringIO(query(awkward_db, "readings", "--format", "csv"))))
    assert rows[0] == ["id", "value"] and len(rows) == 1 + 100  # the default limit
    rows = list(csv.reader(io.StringIO(query(awkward_db, "readings", "--format", "csv", "--limit", "1000"))))
    assert len(rows) == 1 + READINGS and rows[-1] == [str(READINGS), str(READINGS * 10)]
    assert query(awkward_db, "readings", "--format", "csv", "--limit", "0") == "id,value\n"  # the header, even for no rows


def test_query_says_how_many_root_rows_the_limit_left_out(awkward_db: TestDatabase) -> None:
    assert query(awkward_db, "readings").strip().endswith(f"(100 of {READINGS} root rows)")
    assert query(awkward_db, "readings", "--where", "id <= 50").strip().endswith("(50 root rows)")
    assert query(awkward_db, "readings", "--offset", "270").strip().endswith(f"(5 of {READINGS} root rows)")
    data = json.loads(query(awkward_db, "readings", "--json"))
    assert (data["summary"]["root_rows"], data["matched_roots"], len(data["statements"])) == (100, READINGS, 1)


def test_query_json_and_another_format_is_one_error_line(awkward_db: TestDatabase) -> None:
    result = runner.invoke(app, ["query", awkward_db.url, "notes", "--json", "--format", "csv"])
    assert result.exit_code == 2
    assert result.stderr == "error: --json and --format csv ask for two outputs: give one of them\n"


def test_explain_csv_is_the_plan_tree_by_depth(awkward_db: TestDatabase) -> None:
    rows = list(csv.DictReader(io.StringIO(query_cmd(awkward_db, "explain", "notes", "--format", "csv"))))
    assert rows and rows[0]["depth"] == "0" and any("notes" in (row["relation"] or "") for row in rows)


def query_cmd(database: TestDatabase, command: str, *args: str) -> str:
    result = runner.invoke(app, [command, database.url, *args])
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_json_keeps_types_and_unicode() -> None:
    import datetime
    import decimal

    table = Table("t", ["n", "when", "price", "blob", "nan", "none"],
                  [[1, datetime.date(2024, 2, 29), decimal.Decimal("1.50"), b"\x00\xff", float("nan"), None]])  # fmt: skip
    assert json.loads(render(table, "json")) == [
        {"n": 1, "when": "2024-02-29", "price": "1.50", "blob": "AP8=", "nan": "nan", "none": None}
    ]
    assert render(table, "csv") == "n,when,price,blob,nan,none\n1,2024-02-29,1.50,AP8=,nan,\n"


def test_a_set_exports_sorted_whatever_its_hash_order() -> None:
    table = Table("t", ["flags"], [[{"write", "read", "admin", "zz", "b"}], [frozenset()]])
    assert json.loads(render(table, "json")) == [{"flags": ["admin", "b", "read", "write", "zz"]}, {"flags": []}]
    assert render(table, "csv") == 'flags\n"[""admin"", ""b"", ""read"", ""write"", ""zz""]"\n[]\n'


def test_file_names_are_safe_and_carry_the_extension() -> None:
    assert file_name(Table("results-users", [], []), "markdown") == "results-users.md"
    assert file_name(Table("results-../../etc", [], []), "csv") == "results-..-..-etc.csv"


def test_statement_log_and_plan_tables_have_fixed_headers() -> None:
    from sqla_tui.core.plans.node import PlanNode

    assert statement_log([], [], "users").columns == ["n", "origin", "rows", "bytes", "ms", "sql", "params"]
    plan = plan_table(PlanNode("Hash Join", children=[PlanNode("Seq Scan", relation="a"), PlanNode("Index Scan", relation="b")]))
    assert [(row[0], row[1], row[2]) for row in plan.rows] == [(0, "Hash Join", None), (1, "Seq Scan", "a"), (1, "Index Scan", "b")]


async def _tiny_numbers(url: str) -> None:
    await run_statements(
        url,
        lambda engine: [
            f"CREATE TABLE amounts (id INTEGER PRIMARY KEY, v {'numeric' if engine.dialect.name == 'postgresql' else 'DECIMAL'}(30,10))",
            "INSERT INTO amounts VALUES (1, -0.0000000001), (2, 0), (3, 1), (4, 12345678901234567890.5)",
        ],
    )


tiny_numbers = database_fixture("tiny_numbers", _tiny_numbers, backends=("postgresql", "mariadb"))


def test_decimals_export_in_fixed_point_as_the_database_shows_them(tiny_numbers: TestDatabase) -> None:
    """numeric(30,10)'s -0.0000000001 and 0 were written -1E-10 and 0E-10 (str of a Decimal), beside 1.0000000000
    in the same column: a spreadsheet reads them as other numbers, or text."""
    csv_text = query_cmd(tiny_numbers, "query", "amounts", "--format", "csv")
    assert csv_text.splitlines()[1:] == [
        "1,-0.0000000001", "2,0.0000000000", "3,1.0000000000", "4,12345678901234567890.5000000000",
    ]  # fmt: skip
    rows = json.loads(query_cmd(tiny_numbers, "query", "amounts", "--json"))["rows"]
    assert [row["v"] for row in rows][:2] == ["-0.0000000001", "0.0000000000"]
