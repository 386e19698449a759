"""Fan-out comparison: exact numbers per strategy, checked against plain SQL counts."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text

from sqla_tui.core.catalog.entities import resolve_entity
from sqla_tui.core.connect.engine import connect
from sqla_tui.core.errors import UserError
from sqla_tui.core.query.fanout import FanoutReport, PlanResult, compare
from sqla_tui.core.query.fanout_table import HEADINGS, table_cells
from sqla_tui.core.query.spec import QuerySpec
from sqla_tui.core.query.verdict import recommend, verdict
from tests.databases import TestDatabase, database_fixture, run_async
from tests.demo_database import demo
from tests.schema_fixtures import execute
from tests.seeded import COMMENTS, POSTS, USERS, Comment, Post, User, seeded_db


def fanout(
    database: TestDatabase,
    entity: type | str,
    paths: list[str],
    plans: tuple[str, ...],
    runs: int = 1,
    **spec: Any,
) -> FanoutReport:
    """Compare ``plans`` over every row of the root (or as ``spec`` fields say)."""

    async def scenario() -> FanoutReport:
        engine, _ = await connect(database.url)
        try:
            mapped = await resolve_entity(engine, entity) if isinstance(entity, str) else entity
            query = QuerySpec(mapped.__table__.name, **{"limit": None, **spec})
            return await compare(engine, mapped, query, paths, plans, runs)
        finally:
            await engine.dispose()

    return run_async(scenario())


def count(database: TestDatabase, sql: str) -> int:
    async def scenario() -> int:
        engine, _ = await connect(database.url)
        try:
            async with engine.connect() as conn:
                return int(await conn.scalar(text(sql)))
        finally:
            await engine.dispose()

    return run_async(scenario())


def test_collection_path_numbers_match_plain_sql(seeded_db: TestDatabase) -> None:
    report = fanout(seeded_db, User, ["posts.comments"], ("joined", "selectin", "subquery", "immediate", "select", "mixed"))
    joined_rows = count(
        seeded_db,
        "SELECT COUNT(*) FROM users u LEFT JOIN posts p ON p.user_id = u.id LEFT JOIN comments c ON c.post_id = p.id",
    )
    assert joined_rows == COMMENTS
    expected = {  # strategy: (statements, rows, entities)
        "joined": (1, joined_rows, USERS + POSTS + COMMENTS),
        "selectin": (3, USERS + POSTS + COMMENTS, USERS + POSTS + COMMENTS),
        "subquery": (3, USERS + POSTS + COMMENTS, USERS + POSTS + COMMENTS),
        "immediate": (1 + USERS + POSTS, USERS + POSTS + COMMENTS, USERS + POSTS + COMMENTS),
        "select": (1 + USERS + POSTS, USERS + POSTS + COMMENTS, USERS + POSTS + COMMENTS),
        "mixed": (3, USERS + POSTS + COMMENTS, USERS + POSTS + COMMENTS),
    }
    measured = {r.strategy: (r.statements, r.rows, r.entities) for r in report.results}
    assert measured == expected
    joined = report.results[0]
    assert joined.root_rows == USERS and joined.duplicated_rows == COMMENTS - USERS
    assert [result.rows_per_root for result in report.results] == [COMMENTS / USERS] + [1.0] * 5
    assert [group.count for group in report.results[4].sql] == [1, USERS, POSTS]
    assert "joinedload received 60 rows for 10 rows of users (~6.0 each: 50 repeats of a users row)" in report.verdict
    assert "Recommended: selectinload (3 statements" in report.verdict
    assert "lazy (touched) needed 41 statements" in report.verdict


def test_many_to_one_path_recommends_joinedload(seeded_db: TestDatabase) -> None:
    report = fanout(seeded_db, Comment, ["author"], ("joined", "selectin", "select"))
    distinct_authors = count(seeded_db, "SELECT COUNT(DISTINCT author_id) FROM comments")
    measured = {r.strategy: (r.statements, r.rows, r.duplicated_rows) for r in report.results}
    assert measured == {
        "joined": (1, COMMENTS, 0),
        "selectin": (2, COMMENTS + distinct_authors, 0),
        "select": (1 + distinct_authors, COMMENTS + distinct_authors, 0),
    }
    assert "a to-one path adds columns, not rows" in report.verdict
    assert "Recommended: joinedload (1 statement," in report.verdict


def test_mixed_plan_wins_when_paths_mix_shapes(seeded_db: TestDatabase) -> None:
    report = fanout(seeded_db, User, ["posts.user"], ("joined", "selectin", "mixed"))
    measured = {r.strategy: r.statements for r in report.results}
    assert measured == {"joined": 1, "selectin": 3, "mixed": 2}
    assert "Recommended: to-one joined, collections selectin (2 statements" in report.verdict


def test_many_to_many_path(seeded_db: TestDatabase) -> None:
    report = fanout(seeded_db, Post, ["tags"], ("joined", "selectin"))
    links = count(seeded_db, "SELECT COUNT(*) FROM post_tags")
    measured = {r.strategy: (r.statements, r.rows) for r in report.results}
    assert measured == {"joined": (1, links), "selectin": (2, POSTS + links)}


@pytest.mark.parametrize(
    ("plans", "runs", "message"),
    [
        (("eager",), 1, "unknown strategy 'eager'; choose from: joined, selectin"),
        (("joined",), -1, "--runs must be between 0 and 100, got -1"),
    ],
)
def test_bad_arguments_are_one_line(seeded_db: TestDatabase, plans: tuple[str, ...], runs: int, message: str) -> None:
    with pytest.raises(UserError, match=message):
        fanout(seeded_db, User, ["posts"], plans, runs)


def test_no_timed_runs_report_no_times(seeded_db: TestDatabase) -> None:
    """``--runs 0`` counts without timing: 0.0 ms for every plan read as a measurement, and a "Fastest" verdict."""
    report = fanout(seeded_db, User, ["posts"], ("joined", "selectin"), runs=0)
    assert [(r.statements, r.ms_median, r.ms_min, r.ms_max) for r in report.results] == [(1, None, None, None), (2, None, None, None)]
    assert "Fastest" not in report.verdict
    shown = [dict(zip(HEADINGS, table_cells(result), strict=True)) for result in report.results]
    assert [(cells["ms med"], cells["ms min–max"]) for cells in shown] == [("–", "–")] * 2


def test_two_foreign_keys_to_one_table_on_the_demo(demo: TestDatabase) -> None:
    report = fanout(demo, "users", ["messages_sender", "messages_recipient"], ("joined", "selectin"))
    users = count(demo, "SELECT COUNT(*) FROM users")
    messages = count(demo, "SELECT COUNT(*) FROM messages")
    selectin = report.results[1]
    assert (selectin.statements, selectin.rows) == (3, users + 2 * messages)
    assert report.results[0].statements == 1
    assert selectin.entities == users + messages


def test_a_limit_loads_the_same_rows_under_every_plan(demo: TestDatabase) -> None:
    """The issue's demo case: unordered, subqueryload on SQLite and MariaDB loaded the posts of other users."""
    report = fanout(demo, "users", ["posts.comments"], ("joined", "selectin", "subquery"), limit=5)
    assert all("ORDER BY users.id" in result.sql[0].sql for result in report.results)
    entities = {result.strategy: result.entities for result in report.results}
    assert entities["subquery"] == entities["joined"] == entities["selectin"]
    assert report.results[1].root_rows == 5


@pytest.mark.parametrize("demo", ["sqlite", "mariadb"], indirect=True)  # PostgreSQL happened to pick the same users
def test_a_plan_that_loaded_other_rows_is_named_and_never_recommended(demo: TestDatabase) -> None:
    report = fanout(demo, "users", ["posts.comments"], ("joined", "selectin", "subquery"), limit=5, default_order=False)
    joined, selectin, subquery = report.results
    assert (joined.same_entities, selectin.same_entities, subquery.same_entities) == (True, True, False)
    assert subquery.entities != selectin.entities == joined.entities
    assert (
        f"subqueryload loaded {subquery.entities:,} entities where the other plans loaded {selectin.entities:,}, "
        "so it is not recommended: a LIMIT without an ORDER BY on unique columns lets each statement pick its own "
        "users rows."
    ) in report.verdict
    assert "Recommended: selectinload" in report.verdict
    assert table_cells(subquery)[3] == f"{subquery.entities:,} ≠" and table_cells(selectin)[3] == f"{selectin.entities:,}"
    [warning] = report.warnings
    assert warning.startswith("subqueryload with a LIMIT/OFFSET needs an ORDER BY on unique columns")
    assert '"The Importance of Ordering"' in warning


def _measured(strategy: str, entities: int, same: bool) -> PlanResult:
    return PlanResult(strategy, 2, entities, entities, 5, 1.0, 0, 0, 10, 100, 1.0, 1.0, 1.0, None, same_entities=same)


def test_when_no_two_plans_loaded_the_same_entities_none_is_recommended() -> None:
    said = verdict([_measured("selectin", 40, False), _measured("subquery", 7, False)], "users", True, ambiguous_limit=True)
    assert said == (
        "The plans loaded different entities (selectinload 40, subqueryload 7), so none is recommended: "
        "a LIMIT without an ORDER BY on unique columns lets each statement pick its own users rows."
    )
    assert recommend([_measured("selectin", 40, False)]) is None


def test_an_ordered_query_has_no_subquery_warning(seeded_db: TestDatabase) -> None:
    report = fanout(seeded_db, User, ["posts"], ("selectin", "subquery"), limit=3)
    assert report.warnings == [] and {result.same_entities for result in report.results} == {True}


async def _one_child_each(url: str) -> None:
    """Authors with exactly one book each, and owners and pets with no rows at all."""
    await execute(
        url,
        "CREATE TABLE authors (id INTEGER PRIMARY KEY, name VARCHAR(20))",
        "CREATE TABLE books (id INTEGER PRIMARY KEY, author_id INTEGER NOT NULL REFERENCES authors (id))",
        "CREATE TABLE owners (id INTEGER PRIMARY KEY)",
        "CREATE TABLE pets (id INTEGER PRIMARY KEY, owner_id INTEGER REFERENCES owners (id))",
        "INSERT INTO authors VALUES (1, 'a'), (2, 'b'), (3, 'c')",
        "INSERT INTO books VALUES (1, 1), (2, 2), (3, 3)",
    )


one_child_db = database_fixture("one_child_db", _one_child_each)


@pytest.mark.parametrize(("root", "path"), [("authors", "books"), ("owners", "pets")], ids=["one-child-each", "empty"])
def test_a_collection_that_repeats_no_rows_here_is_still_called_a_collection(
    one_child_db: TestDatabase, root: str, path: str
) -> None:
    report = fanout(one_child_db, root, [path], ("joined", "selectin"))
    assert report.results[0].duplicated_rows == 0
    assert "to-one" not in report.verdict
    assert (
        f"joinedload repeated no {root} rows here only because no {root} row has more than one related row: "
        f"the path is a collection, so with more, each {root} row would repeat once per related row."
    ) in report.verdict
