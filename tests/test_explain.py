"""EXPLAIN against real databases: node types, the unindexed-lookup warning and its fix, no traces left."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from sqla_tui.cli import app
from sqla_tui.core.catalog.entities import resolve_entity
from sqla_tui.core.connect.engine import connect
from sqla_tui.core.errors import UserError
from sqla_tui.core.plans.explain import ExplainResult, explain, explain_spec
from sqla_tui.core.plans.guard import NOT_A_SELECT
from sqla_tui.core.plans.mysql import from_mysql_json, from_mysql_tree, parse_json
from sqla_tui.core.plans.node import describe
from sqla_tui.core.plans.postgresql import from_postgresql
from sqla_tui.core.plans.sqlite import from_sqlite
from sqla_tui.core.plans.warnings import TableFacts, WarningContext, plan_warnings
from sqla_tui.core.query.run import run_spec
from sqla_tui.core.query.spec import Filter, LoadOption, QuerySpec
from tests.databases import TestDatabase, database_fixture, run_async
from tests.demo_database import demo

ITEMS = 2_000
CODES = 100  # items.code = id % CODES: every code matches ITEMS / CODES rows
QUOTED_NAMES = ("O'Brien", '"; DROP TABLE people; --')
PEOPLE = 50


def _placeholder(backend: str, position: int) -> str:
    return {"sqlite": "?", "postgresql": f"${position}", "mariadb": "%s"}[backend]


async def _build(url: str) -> None:
    engine, _ = await connect(url, read_only=False)
    try:
        async with engine.begin() as conn:
            await conn.execute(text("CREATE TABLE items (id INTEGER PRIMARY KEY, code INTEGER, twin INTEGER, label VARCHAR(50))"))
            await conn.execute(text("CREATE TABLE people (id INTEGER PRIMARY KEY, name VARCHAR(100))"))
            await conn.execute(
                text("INSERT INTO items (id, code, twin, label) VALUES (:id, :code, :code, :label)"),
                [{"id": i, "code": i % CODES, "label": f"item {i}"} for i in range(1, ITEMS + 1)],
            )
            names = [*QUOTED_NAMES, *(f"person {i}" for i in range(PEOPLE - len(QUOTED_NAMES)))]
            await conn.execute(
                text("INSERT INTO people (id, name) VALUES (:id, :name)"),
                [{"id": i, "name": name} for i, name in enumerate(names, start=1)],
            )
        async with engine.begin() as conn:
            statement = {"postgresql": "ANALYZE", "mariadb": "ANALYZE TABLE items, people", "sqlite": "ANALYZE"}
            await conn.exec_driver_sql(statement[engine.dialect.name if engine.dialect.name != "mysql" else "mariadb"])
    finally:
        await engine.dispose()


items_db = database_fixture("items_db", _build)
"""2,000 items with an unindexed ``code`` and 50 people (two with hostile names), per backend."""


def run_explain(database: TestDatabase, sql: str, params: Any = None, *, writable: bool = False, **options: Any) -> ExplainResult:
    async def scenario() -> ExplainResult:
        engine, _ = await connect(database.url, read_only=not writable)
        try:
            return await explain(engine, sql, params, **options)
        finally:
            await engine.dispose()

    return run_async(scenario())


def execute(database: TestDatabase, sql: str) -> Any:
    """Run admin SQL on a writable connection and return the first value, if any."""

    async def scenario() -> Any:
        engine, _ = await connect(database.url, read_only=False)
        try:
            async with engine.begin() as conn:
                result = await conn.exec_driver_sql(sql)
                return result.scalar() if result.returns_rows else None
        finally:
            await engine.dispose()

    return run_async(scenario())


def scans(result: ExplainResult, relation: str) -> list[Any]:
    return [node for node in result.plan.walk() if node.relation == relation]


def matched(result: ExplainResult) -> int:
    """Rows the analysed statement produced from its tables (SQLite: rows the statement returned)."""
    measured = [n.act_rows * (n.loops or 1) for n in result.plan.walk() if n.relation and n.act_rows is not None]
    return round(max(measured) if measured else result.plan.act_rows)


_FULL_SCAN = {"sqlite": "SCAN", "postgresql": "Seq Scan", "mariadb": "ALL"}
_INDEX_LOOKUP = {"sqlite": {"SEARCH"}, "postgresql": {"Index Scan", "Bitmap Heap Scan", "Bitmap Index Scan", "Index Only Scan"},
                 "mariadb": {"ref", "range"}}  # fmt: skip
_FIX = "CREATE INDEX ix_items_code ON items (code)"


def test_an_index_changes_the_plan_and_clears_the_unindexed_lookup_warning(items_db: TestDatabase) -> None:
    sql = f"SELECT * FROM items WHERE code = {_placeholder(items_db.backend, 1)}"
    before = run_explain(items_db, sql, (7,))
    [scan] = scans(before, "items")
    assert (scan.op, scan.full_scan, scan.index, scan.lookups) == (_FULL_SCAN[items_db.backend], True, None, ["code"])
    lookup = [w for w in before.warnings if w.kind == "unindexed_lookup"]
    assert [(w.message.split(";")[0], w.suggestion) for w in lookup] == [
        ("items.code is looked up by = or IN but no index starts with it", _FIX)
    ]
    execute(items_db, _FIX)
    try:
        after = run_explain(items_db, sql, (7,))
    finally:
        execute(items_db, "DROP INDEX ix_items_code" + (" ON items" if items_db.backend == "mariadb" else ""))
    assert {node.op for node in scans(after, "items")} <= _INDEX_LOOKUP[items_db.backend]
    assert "ix_items_code" in {node.index for node in scans(after, "items")}
    assert [w.kind for w in after.warnings] == []


def test_primary_key_lookup_is_an_index_access(items_db: TestDatabase) -> None:
    result = run_explain(items_db, f"SELECT label FROM items WHERE id = {_placeholder(items_db.backend, 1)}", (42,))
    [scan] = scans(result, "items")
    expected = {"sqlite": ("SEARCH", "INTEGER PRIMARY KEY"), "postgresql": ("Index Scan", "items_pkey"), "mariadb": ("const", "PRIMARY")}
    assert (scan.op, scan.index, scan.full_scan) == (*expected[items_db.backend], False)
    assert result.warnings == []


@pytest.mark.parametrize("name", QUOTED_NAMES)
def test_parameters_with_quotes_reach_explain_intact(items_db: TestDatabase, name: str) -> None:
    sql = f"SELECT id, name FROM people WHERE name = {_placeholder(items_db.backend, 1)}"
    result = run_explain(items_db, sql, (name,), analyze=True)
    assert result.analyzed and result.params == (name,) and result.statement == sql
    assert matched(result) == 1
    assert execute(items_db, "SELECT COUNT(*) FROM people") == PEOPLE


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE items SET label = 'changed' WHERE code < {p1}",
        "DELETE FROM items WHERE code < {p1}",
        "WITH few AS (SELECT 1) DELETE FROM items WHERE code < {p1}",  # SQLite's driver gives no rowcount for it
    ],
)
def test_analyze_of_a_write_runs_it_and_leaves_the_table_unchanged(items_db: TestDatabase, statement: str) -> None:
    if statement.startswith("WITH") and items_db.backend == "mariadb":
        pytest.skip("MariaDB 10.11 has no WITH ... DELETE")
    checksum = "SELECT COUNT(*) || ':' || SUM(id) || ':' || SUM(LENGTH(label)) FROM items"
    if items_db.backend == "mariadb":
        checksum = "SELECT CONCAT(COUNT(*), ':', SUM(id), ':', SUM(LENGTH(label))) FROM items"
    before = execute(items_db, checksum)
    sql = statement.format(p1=_placeholder(items_db.backend, 1))
    result = run_explain(items_db, sql, (10,), writable=True, analyze=True, allow_write=True)
    assert result.analyzed and matched(result) == 10 * ITEMS // CODES
    assert execute(items_db, checksum) == before


@pytest.mark.parametrize("function", ["pragma_table_info('items')", "json_each('[1, 2]')"])
def test_a_sqlite_table_valued_function_is_planned(items_db: TestDatabase, function: str) -> None:
    """has_table() calls them tables, and reading their keys ended in "unexpected NoSuchTableError ... a bug"."""
    if items_db.backend != "sqlite":
        pytest.skip("SQLite's table-valued functions")
    result = run_explain(items_db, f"SELECT * FROM {function}", None, analyze=True)
    assert result.analyzed and result.plan.act_rows == (4 if function.startswith("pragma") else 2)


def test_analyze_refuses_a_write_that_rollback_cannot_undo_on_mariadb(items_db: TestDatabase) -> None:
    if items_db.backend != "mariadb":
        pytest.skip("only MariaDB has non-transactional storage engines")
    execute(items_db, "CREATE TABLE ledger (id INTEGER PRIMARY KEY) ENGINE=MyISAM")
    try:
        execute(items_db, "INSERT INTO ledger VALUES (1), (2)")
        with pytest.raises(UserError, match=r"^EXPLAIN ANALYZE of this write involves ledger \(MyISAM\), a storage engine without transactions: "):
            run_explain(items_db, "DELETE FROM ledger", writable=True, analyze=True, allow_write=True)
        assert execute(items_db, "SELECT COUNT(*) FROM ledger") == 2
    finally:
        execute(items_db, "DROP TABLE ledger")


def test_analyze_of_a_write_is_refused_without_allow_write(items_db: TestDatabase) -> None:
    with pytest.raises(UserError) as caught:
        run_explain(items_db, "DELETE FROM items", analyze=True)
    assert str(caught.value) == NOT_A_SELECT


def test_analyze_of_a_write_on_a_read_only_engine_says_so(items_db: TestDatabase) -> None:
    with pytest.raises(UserError, match=r"^EXPLAIN ANALYZE of a write needs a writable connection, and this one is read-only \("):
        run_explain(items_db, "DELETE FROM items WHERE id = 1", analyze=True, allow_write=True)
    assert execute(items_db, "SELECT COUNT(*) FROM items") == ITEMS


def test_plain_explain_of_a_write_on_a_read_only_engine(items_db: TestDatabase) -> None:
    sql = "UPDATE items SET label = 'x' WHERE code = 3"
    if items_db.backend == "mariadb":
        with pytest.raises(UserError, match=r"^this database will not even plan a write in a read-only transaction; EXPLAIN of it needs a writable connection"):
            run_explain(items_db, sql)
    writable = items_db.backend == "mariadb"
    result = run_explain(items_db, sql, writable=writable, allow_write=writable)
    assert not result.analyzed
    assert [node.relation for node in result.plan.walk() if node.full_scan] == ["items"]
    assert [w.suggestion for w in result.warnings if w.kind == "unindexed_lookup"] == [_FIX]


_REJECTED = {
    ("sqlite", "SELECT 1 FROM"): "incomplete input",
    ("postgresql", "SELECT 1 FROM"): "syntax error at end of input",
    ("mariadb", "SELECT 1 FROM"): "You have an error in your SQL syntax; check the manual",
    ("sqlite", "SELECT * FROM nope"): "no such table: nope",
    ("postgresql", "SELECT * FROM nope"): 'relation "nope" does not exist',
    ("mariadb", "SELECT * FROM nope"): "Table '{database}.nope' doesn't exist",
}


@pytest.mark.parametrize(
    ("sql", "said"),
    [
        ("SELECT 1", "No tables used"),
        ("SELECT id FROM items WHERE 1 = 0", "Impossible WHERE"),
        ("SELECT MAX(id) FROM items", "Select tables optimized away"),
    ],
)
def test_a_mariadb_plan_that_reads_no_table_says_why(items_db: TestDatabase, sql: str, said: str) -> None:
    """MariaDB's JSON has a message where a table would be: it was shown as "table on ?"."""
    if items_db.backend != "mariadb":
        pytest.skip("MariaDB's plan names a message in place of a table; the others name no table node at all")
    result = run_explain(items_db, sql)
    assert [node.op for node in result.plan.walk()][1:] == [said] and not any(node.relation for node in result.plan.walk())


def test_explain_on_a_mariadb_url_without_a_database() -> None:
    """No default schema: plain names in the plan belong nowhere, so no table facts (SQLAlchemy asserted on has_table)."""
    from tests.databases import MY_HOST, MY_PORT, require_server

    require_server("mariadb")
    result = run_explain(TestDatabase("mariadb", f"mysql://root@{MY_HOST}:{MY_PORT}", "none"), "SELECT 1")
    assert [node.op for node in result.plan.walk()][1:] == ["No tables used"]


@pytest.mark.parametrize("sql", ["SELECT 1 FROM", "SELECT * FROM nope"])
def test_invalid_sql_is_one_line_with_the_database_message(items_db: TestDatabase, sql: str) -> None:
    with pytest.raises(UserError) as caught:
        run_explain(items_db, sql)
    message = str(caught.value)
    assert "\n" not in message
    expected = _REJECTED[(items_db.backend, sql)].format(database=items_db.name)
    assert message.startswith(f"the database rejected the statement: {expected}")


def test_a_large_filtered_full_scan_is_a_warning(items_db: TestDatabase) -> None:
    like = _placeholder(items_db.backend, 1)
    result = run_explain(items_db, f"SELECT id FROM items WHERE label LIKE {like}", ("item 1%",))
    warnings = [w for w in result.warnings if w.kind == "full_scan"]
    assert len(warnings) == (0 if items_db.backend == "sqlite" else 1)  # SQLite's plan names no filter
    for warning in warnings:
        assert f"reads all ~{ITEMS:,} rows" in warning.message


def test_correlated_filters_are_an_underestimate_on_postgresql(items_db: TestDatabase) -> None:
    if items_db.backend != "postgresql":
        pytest.skip("only PostgreSQL's estimate for two equal columns is deterministic (1 row for 20)")
    result = run_explain(items_db, "SELECT id FROM items WHERE code = 7 AND twin = 7", analyze=True)
    [warning] = [w for w in result.warnings if w.kind == "misestimate"]
    assert warning.message == "Seq Scan on items: rows under-estimated 20x (expected 1, got 20 per loop)"
    assert warning.suggestion.startswith("refresh the statistics (ANALYZE items)")
    assert result.plan.hottest and result.plan.buffers is not None


def test_explain_spec_uses_the_driver_statement(items_db: TestDatabase) -> None:
    async def scenario() -> ExplainResult:
        engine, _ = await connect(items_db.url)
        try:
            entity = await resolve_entity(engine, "items")
            # unordered: ordered by the key, PostgreSQL walks items_pkey with a Filter, which no rule flags yet
            spec = QuerySpec("items", filters=[Filter("code", "=", "7")], limit=5, default_order=False)
            return await explain_spec(engine, entity, spec)
        finally:
            await engine.dispose()

    result = run_async(scenario())
    assert _placeholder(items_db.backend, 1) in result.statement and "7" not in result.statement
    assert next(iter(result.params)) == 7
    assert [w.suggestion for w in result.warnings if w.kind == "unindexed_lookup"] == [_FIX]


@pytest.mark.parametrize(
    ("origin", "loads", "touch"),
    [("eager", [LoadOption("comments", "selectin")], []), ("lazy", [], ["comments"])],
    ids=["selectin", "lazy"],
)
def test_the_demo_loads_of_post_comments(demo: TestDatabase, origin: str, loads: list[LoadOption], touch: list[str]) -> None:
    """``WHERE comments.post_id IN (...)`` (selectin) and ``WHERE ? = comments.post_id`` (lazy) alike."""

    async def scenario() -> ExplainResult:
        engine, _ = await connect(demo.url)
        try:
            entity = await resolve_entity(engine, "posts")
            run = await run_spec(engine, entity, QuerySpec("posts", loads=loads, limit=20), touch=touch)
            statement = next(s for s in run.statements if s.origin.kind == origin)
            return await explain(engine, statement.sql, statement.params)
        finally:
            await engine.dispose()

    result = run_async(scenario())
    [scan] = scans(result, "comments")
    lookups = [w.suggestion for w in result.warnings if w.kind == "unindexed_lookup"]
    if demo.backend == "mariadb":
        # InnoDB indexes every foreign key column itself, so the demo has one here and the plan uses it.
        assert (scan.index, scan.full_scan, lookups) == ("fk_comments_post_id_posts", False, [])
    else:
        assert (scan.op, lookups) == (_FULL_SCAN[demo.backend], ["CREATE INDEX ix_comments_post_id ON comments (post_id)"])


# -- each database's own output, normalised without a server ---------------------------------

_QUOTE = str  # identifiers in these tests need no quoting


def _context(facts: dict[str, TableFacts] | None = None, statement: str = "SELECT 1", analyzed: bool = True) -> WarningContext:
    return WarningContext(facts or {}, statement, analyzed, _QUOTE, "ANALYZE {table}")


def _pg(node_type: str, plans: list[dict[str, Any]] | None = None, **fields: Any) -> dict[str, Any]:
    return {"Node Type": node_type, **fields, **({"Plans": plans} if plans else {})}


def test_postgresql_spills_and_nested_loops_are_warnings() -> None:
    raw = [{"Plan": _pg("Sort", [
        _pg("Nested Loop", [
            _pg("Seq Scan", **{"Plan Rows": 5000, "Actual Rows": 5000, "Actual Loops": 1}),
            _pg("Index Scan", **{"Relation Name": "items", "Index Name": "ix_items_order_id", "Plan Rows": 2,
                                 "Actual Rows": 3, "Actual Loops": 5000, "Actual Total Time": 0.01}),
        ], **{"Join Type": "Inner", "Plan Rows": 10000, "Actual Rows": 15000, "Actual Loops": 1}),
    ], **{"Sort Method": "external merge", "Sort Space Used": 2048, "Plan Rows": 10000, "Actual Rows": 15000, "Actual Loops": 1})}]  # fmt: skip
    plan = from_postgresql(raw)
    assert [(n.op, n.relation, n.index, n.loops) for n in plan.walk()] == [
        ("Sort", None, None, 1), ("Nested Loop", None, None, 1), ("Seq Scan", None, None, 1),
        ("Index Scan", "items", "ix_items_order_id", 5000),
    ]  # fmt: skip
    assert plan.children[0].children[1].ms == pytest.approx(50.0)
    warnings = plan_warnings(plan, _context())
    assert [(w.kind, w.message) for w in warnings] == [
        ("spill", "Sort: sort went to disk (external merge, 2048 kB)"),
        ("nested_loop", "Nested Loop: the inner side (Index Scan on items) runs 5,000 times"),
    ]


@pytest.mark.parametrize(
    ("estimated", "actual", "message"),
    [
        (10, 500, "Seq Scan on t: rows under-estimated 50x (expected 10, got 500 per loop)"),
        (5000, 20, "Seq Scan on t: rows over-estimated 250x (expected 5,000, got 20 per loop)"),
        (100, 900, None),
    ],
)
def test_misestimates_say_which_way(estimated: int, actual: int, message: str | None) -> None:
    plan = from_postgresql([{"Plan": _pg("Seq Scan", **{"Relation Name": "t", "Plan Rows": estimated, "Actual Rows": actual, "Actual Loops": 1})}])
    found = [w.message for w in plan_warnings(plan, _context()) if w.kind == "misestimate"]
    assert found == ([message] if message else [])
    limited = [w.kind for w in plan_warnings(plan, _context(statement="SELECT * FROM t LIMIT 20"))]
    assert limited == (["misestimate"] if message and estimated < actual else [])  # LIMIT stops a scan early


def test_sqlite_automatic_index_is_an_unindexed_lookup() -> None:
    statement = "SELECT * FROM posts AS p JOIN comments AS c ON c.post_id = p.id WHERE p.user_id = ?"
    plan = from_sqlite([(3, 0, 0, "SEARCH p USING INDEX ix_posts_user_id (user_id=?)"),
                        (7, 0, 0, "SEARCH c USING AUTOMATIC COVERING INDEX (post_id=?)"),
                        (9, 0, 0, "USE TEMP B-TREE FOR ORDER BY")], statement)  # fmt: skip
    assert [(n.op, n.relation, n.alias, n.index, n.lookups) for n in plan.children] == [
        ("SEARCH", "posts", "p", "ix_posts_user_id", []),
        ("SEARCH", "comments", "c", "(automatic)", ["post_id"]),
        ("USE TEMP B-TREE FOR ORDER BY", None, None, None, []),
    ]
    facts = {"comments": TableFacts(40, {"id": "the primary key"}), "posts": TableFacts(10, {"id": "the primary key", "user_id": "ix_posts_user_id"})}
    [warning] = plan_warnings(plan, _context(facts, statement))
    assert warning.message.endswith("SQLite builds a throwaway index for it on every run")
    assert warning.suggestion == "CREATE INDEX ix_comments_post_id ON comments (post_id)"


def test_postgresql_subplans_and_ctes_are_named_as_their_filters_name_them(items_db: TestDatabase) -> None:
    """A filter ``(NOT (hashed SubPlan 3))`` named a node the tree did not: InitPlans, SubPlans and CTEs lost their
    names, and a CTE Scan did not say which CTE it read."""
    if items_db.backend != "postgresql":
        pytest.skip("PostgreSQL's InitPlans, SubPlans and CTEs")
    sql = (
        "WITH few AS MATERIALIZED (SELECT id, code FROM items WHERE code < 3) "
        "SELECT (SELECT count(*) FROM people) AS n, few.id FROM few WHERE few.id NOT IN (SELECT id FROM people)"
    )
    nodes = list(run_explain(items_db, sql).plan.walk())
    roles = [node.role for node in nodes if node.role]
    assert [role.split(" ")[0] for role in roles] == ["CTE", "InitPlan", "SubPlan"], roles
    assert f"{roles[0]}: Seq Scan on items" in [describe(node) for node in nodes]
    scan = next(node for node in nodes if node.op == "CTE Scan")
    assert scan.detail == "reads CTE few" and f"hashed {roles[2]}" in (scan.filter or "")


def test_a_full_text_search_is_no_full_scan(tmp_path: Path) -> None:
    """SQLite's FTS5 says which of its indexes it used, ``VIRTUAL TABLE INDEX 0:M2`` for a MATCH: the tree called
    it a full scan, as it calls the same table read without one."""
    database = tmp_path / "docs.db"
    with sqlite3.connect(database) as db:
        db.executescript("CREATE VIRTUAL TABLE docs USING fts5(title, body); INSERT INTO docs VALUES ('hello', 'world');")
    url = f"sqlite:///{database}"
    searched = _cli_plan(url, "SELECT * FROM docs WHERE docs MATCH 'hello'")
    assert (searched["op"], searched["relation"], searched["index"], searched["full_scan"]) == ("SCAN", "docs", "virtual table index 0: M2", False)
    scanned = _cli_plan(url, "SELECT * FROM docs")
    assert (scanned["index"], scanned["full_scan"]) == ("virtual table index 0", True)


def _cli_plan(url: str, sql: str) -> dict[str, Any]:
    """The first node under the root of ``explain --sql --json``."""
    result = CliRunner().invoke(app, ["explain", url, "--sql", sql, "--json"])
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)["plan"]["children"][0]  # type: ignore[no-any-return]


def test_mariadb_json_with_quotes_and_block_join() -> None:
    document = """{
  "query_block": {
    "select_id": 1,
    "nested_loop": [
      {
        "table": {
          "table_name": "u",
          "access_type": "ALL",
          "rows": 20,
          "filtered": 100,
          "attached_condition": "u.`name` = 'O\\'Brien' or u.`name` = '"; DROP --'"
        }
      },
      {
        "block-nl-join": {
          "table": {
            "table_name": "c",
            "access_type": "ALL",
            "rows": 700,
            "filtered": 10
          },
          "join_type": "BNL",
          "attached_condition": "c.body = u.`name`"
        }
      }
    ]
  }
}"""
    plan = from_mysql_json(parse_json(document), "SELECT * FROM users u JOIN comments c ON c.body = u.name")
    [users, comments] = plan.children[0].children
    assert users.filter == "u.`name` = 'O'Brien' or u.`name` = '\"; DROP --'"
    assert (users.relation, users.lookups, users.est_rows) == ("users", ["name"], 20)
    assert (comments.relation, comments.join_type, comments.est_rows, comments.lookups) == ("comments", "BNL", 70, [])
    [warning] = plan_warnings(plan, _context({"comments": TableFacts(700, {}), "users": TableFacts(20, {})}))
    assert (warning.kind, warning.suggestion) == ("unindexed_lookup", "CREATE INDEX ix_users_name ON users (name)")


def test_mysql_explain_analyze_tree_text() -> None:
    tree = (
        "-> Nested loop inner join  (cost=2.5 rows=3) (actual time=0.1..0.4 rows=3 loops=1)\n"
        "    -> Filter: (p.user_id = 3)  (cost=1.2 rows=3) (actual time=0.05..0.1 rows=3 loops=1)\n"
        "        -> Table scan on p  (cost=1.2 rows=30) (actual time=0.04..0.09 rows=30 loops=1)\n"
        "    -> Index lookup on c using fk_c (post_id=p.id)  (cost=0.3 rows=1) (actual time=0.02..0.03 rows=1 loops=3)\n"
    )
    plan = from_mysql_tree(tree, "SELECT * FROM posts p JOIN comments c ON c.post_id = p.id WHERE p.user_id = 3")
    assert [(n.op.split(" (")[0].split(":")[0], n.relation, n.index, n.loops) for n in plan.walk()] == [
        ("Nested loop inner join", None, None, 1), ("Filter", None, None, 1), ("Table scan on p", "posts", None, 1),
        ("Index lookup on c using fk_c", "comments", "fk_c", 3),
    ]  # fmt: skip
    scan = plan.children[0].children[0]
    assert (scan.full_scan, scan.lookups, scan.ms) == (True, ["user_id"], 0.09)
