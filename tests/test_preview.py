"""The compose screen's pure helpers: strategy cycling, dialect SQL preview, relationship listing, log folding."""

from __future__ import annotations

from sqlalchemy.dialects import mysql, postgresql, sqlite

from sqla_tui.core.observe.capture import CapturedStatement
from sqla_tui.core.observe.loaders import MAIN, Origin
from sqla_tui.core.query.preview import (
    STRATEGY_CYCLE,
    consecutive_runs,
    leaf_paths,
    main_query_sql,
    next_strategy,
    relationships_of,
    statement_detail,
    summary_text,
)
from sqla_tui.core.query.run import RunSummary
from sqla_tui.core.query.spec import STRATEGIES, LoadOption, QuerySpec, parse_where
from tests.seeded import Comment, Post, Tag, User


def test_cycling_visits_every_strategy_once_then_returns_to_the_default() -> None:
    seen, current = [], None
    for _ in STRATEGY_CYCLE:
        current = next_strategy(current)
        seen.append(current)
    assert seen[-1] is None
    assert sorted(seen[:-1]) == sorted(STRATEGIES)
    assert next_strategy(None) == "select" and next_strategy("joined_inner") is None


def test_main_query_sql_is_compiled_for_each_dialect_and_shows_joins() -> None:
    spec = QuerySpec("users", filters=[parse_where("id > 3")], limit=5, loads=[LoadOption("posts", "joined")])
    pg = main_query_sql(spec, User, postgresql.dialect())
    assert "LEFT OUTER JOIN posts AS posts_1 ON anon_1.id = posts_1.user_id" in pg  # LIMIT wraps the root rows
    assert "WHERE users.id > %(" in pg and "LIMIT %(param_1)s" in pg
    assert "users.id > ?" in main_query_sql(spec, User, sqlite.dialect())
    assert "users.id > %s" in main_query_sql(spec, User, mysql.dialect())
    selectin = QuerySpec("users", loads=[LoadOption("posts", "selectin")])
    assert "posts" not in main_query_sql(selectin, User, sqlite.dialect())


def test_relationships_are_listed_by_name_with_their_targets() -> None:
    found = relationships_of(Post)
    assert [(r.info.name, r.info.direction, r.target) for r in found] == [
        ("comments", "one_to_many", Comment),
        ("tags", "many_to_many", Tag),
        ("user", "many_to_one", User),
    ]


def _statement(index: int, sql: str, origin: Origin, rows: int) -> CapturedStatement:
    return CapturedStatement(index, sql, (index,), origin, rows, 1.5, measured=(2, rows * 10))


def test_consecutive_runs_fold_repeats_and_flag_lazy_ones() -> None:
    lazy = Origin("lazy", "posts", "User.posts", "select")
    statements = [_statement(0, "SELECT users.id FROM users", MAIN, 10)]
    statements += [_statement(i, "SELECT posts.id FROM posts WHERE ? = posts.user_id", lazy, 3) for i in range(1, 11)]
    origins = ["main query"] + ["lazy load User.posts (touched)"] * 10
    runs = consecutive_runs(statements, origins)
    assert [(run.label, run.count, run.rows, run.is_n_plus_one) for run in runs] == [
        ("#1", 1, 10, False),
        ("#2-11 (x10)", 10, 30, True),
    ]
    assert runs[1].ms == 15.0 and runs[1].bytes == 300


def test_leaf_paths_keep_only_the_deepest_choices() -> None:
    assert leaf_paths(["posts", "posts.comments", "comments", "posts.tags"]) == ["posts.comments", "comments", "posts.tags"]


def test_summary_and_detail_read_like_the_query_command() -> None:
    assert summary_text(RunSummary(3, 100, 100, 10, {})) == "3 statements, 100 rows received, 100 entities (10 root rows)"
    assert summary_text(RunSummary(1, 1, 1, 1, {})) == "1 statement, 1 row received, 1 entity (1 root row)"
    detail = statement_detail(_statement(0, "select users.id from users where users.id = ?", MAIN, 1), "main query")
    assert detail.splitlines()[:3] == ["-- main query", "-- rows 1 · 1.50 ms · ~10 bytes", "-- params: (0,)"]
    assert detail.splitlines()[3:] == ["select users.id", "from users", "where users.id = ?"]  # re-indented, never re-cased
