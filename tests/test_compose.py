"""Composing and running a QuerySpec: exact statements and rows per strategy."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from sqla_tui.core.connect.engine import connect
from sqla_tui.core.errors import UserError
from sqla_tui.core.query.run import RunResult, run_spec
from sqla_tui.core.query.spec import ColumnOption, LoadOption, Order, QuerySpec, parse_where
from sqla_tui.core.query.spec_file import load_spec, save_spec
from sqla_tui.core.query.statement import build_select, python_source
from tests.databases import TestDatabase, run_async
from tests.seeded import COMMENTS, POSTS, USERS, Comment, Post, Tag, User, seeded_db

PER_USER_POSTS = [3] * USERS
PER_POST_COMMENTS = [2] * POSTS


def run(database: TestDatabase, entity: type, spec: QuerySpec, touch: tuple[str, ...] = ()) -> RunResult:
    async def scenario() -> RunResult:
        engine, _ = await connect(database.url)
        try:
            return await run_spec(engine, entity, spec, touch=list(touch))
        finally:
            await engine.dispose()

    return run_async(scenario())


def loads(**paths: str) -> list[LoadOption]:
    return [LoadOption(path.replace("__", "."), strategy) for path, strategy in paths.items()]


@pytest.mark.parametrize(
    ("entity", "spec_loads", "touch", "rows_per_statement"),
    [
        (User, loads(posts="selectin", posts__comments="selectin"), (), [USERS, POSTS, COMMENTS]),
        (User, loads(posts="joined", posts__comments="joined"), (), [COMMENTS]),
        (User, loads(posts="joined_inner", posts__comments="joined_inner"), (), [COMMENTS]),
        (User, loads(posts="subquery", posts__comments="subquery"), (), [USERS, POSTS, COMMENTS]),
        (User, loads(posts="immediate"), (), [USERS, *PER_USER_POSTS]),
        (User, loads(posts="select"), ("posts.comments",), [USERS, *PER_USER_POSTS, *PER_POST_COMMENTS]),
        (User, loads(posts="joined", posts__comments="selectin"), (), [POSTS, COMMENTS]),
        (User, loads(posts="noload"), ("posts",), [USERS]),
        (Post, loads(tags="selectin"), (), [POSTS, POSTS * 2]),
        (Post, loads(tags="joined"), (), [POSTS * 2]),
        (Post, loads(user="joined"), (), [POSTS]),
        (Comment, loads(author="selectin"), (), [COMMENTS, USERS]),
        (Comment, loads(post__user="joined"), (), [COMMENTS]),
    ],
    ids=lambda value: getattr(value, "__name__", None) or str(value).replace(" ", "")[:60],
)
def test_rows_per_statement_are_exact(
    seeded_db: TestDatabase, entity: type, spec_loads: list[LoadOption], touch: tuple[str, ...], rows_per_statement: list[int]
) -> None:
    result = run(seeded_db, entity, QuerySpec(entity.__tablename__, loads=spec_loads), touch)
    assert [statement.rows for statement in result.statements] == rows_per_statement
    assert result.summary.statements == len(rows_per_statement)
    assert result.summary.rows == sum(rows_per_statement)


def test_lazy_touch_is_flagged_as_n_plus_one(seeded_db: TestDatabase) -> None:
    result = run(seeded_db, User, QuerySpec("users"), ("posts.comments",))
    assert result.summary.statements == 1 + USERS + POSTS
    assert result.origins[0] == "main query"
    assert result.origins[1] == "lazy load User.posts (touched)"
    assert result.origins[-1] == "lazy load Post.comments (touched)"
    assert [(found.attribute, found.count) for found in result.n_plus_one] == [("User.posts", USERS), ("Post.comments", POSTS)]
    assert result.n_plus_one[0].message.endswith(f"ran {USERS} times, from User.posts")
    assert result.summary.by_class == {"User": USERS, "Post": POSTS, "Comment": COMMENTS}


def test_eager_origins_name_the_loader(seeded_db: TestDatabase) -> None:
    result = run(seeded_db, User, QuerySpec("users", loads=loads(posts="selectin", posts__comments="subquery")))
    assert result.origins == ["main query", "selectinload User.posts", "subqueryload Post.comments"]
    assert result.n_plus_one == []


@pytest.mark.parametrize("strategy", ["raise", "raise_on_sql"])
def test_raise_reports_the_refused_access(seeded_db: TestDatabase, strategy: str) -> None:
    result = run(seeded_db, User, QuerySpec("users", loads=loads(posts=strategy)), ("posts",))
    assert result.summary.statements == 1
    [refused] = result.raised
    assert refused.attribute == "User.posts" and refused.count == USERS
    assert "'User.posts' is not available due to lazy='raise" in refused.message


def test_load_only_narrows_the_main_query(seeded_db: TestDatabase) -> None:
    spec = QuerySpec("users", column_options=[ColumnOption("load_only", ["name"])])
    result = run(seeded_db, User, spec)
    assert result.statements[0].columns == 2  # the primary key always comes along
    assert set(result.results[0].values) == {"id", "name"}


def test_filters_order_limit(seeded_db: TestDatabase) -> None:
    spec = QuerySpec(
        "posts",
        filters=[parse_where("user_id in 2,3"), parse_where("title like 'post 1%'"), parse_where("id between 1 and 100")],
        limit=1,
    )
    spec.order_by = [Order("id", descending=True)]
    result = run(seeded_db, Post, spec)
    assert [node.values["title"] for node in result.results] == ["post 1 of user 3"]


@pytest.mark.parametrize(
    "hostile",
    ["'; DROP TABLE users; --", "Robert'); DROP TABLE users;--", "名前 ü \u202e", "x" * 5000, 'a "quoted" \\ value'],
)
def test_hostile_filter_values_are_bound_and_harmless(seeded_db: TestDatabase, hostile: str) -> None:
    from sqla_tui.core.query.spec import Filter

    result = run(seeded_db, User, QuerySpec("users", filters=[Filter("name", "=", hostile)]))
    assert result.summary.root_rows == 0
    assert hostile not in result.statements[0].sql
    assert run(seeded_db, User, QuerySpec("users")).summary.root_rows == USERS


def test_null_filters(seeded_db: TestDatabase) -> None:
    assert run(seeded_db, User, QuerySpec("users", filters=[parse_where("name is null")])).summary.root_rows == 0
    assert run(seeded_db, User, QuerySpec("users", filters=[parse_where("name is not null")])).summary.root_rows == USERS


def test_generated_python_builds_the_same_statement() -> None:
    spec = QuerySpec(
        "users",
        filters=[parse_where("id > 5"), parse_where("name ilike 'USER%'")],
        loads=loads(posts="selectin", posts__comments="joined", posts__tags="raise_on_sql"),
        column_options=[ColumnOption("defer", ["name"])],
    )
    source = python_source(spec, User)
    namespace = {"User": User, "Post": Post, "Comment": Comment, "Tag": Tag}
    exec(source, namespace)
    built = build_select(spec, User)
    assert str(namespace["stmt"]) == str(built)
    assert (
        "    .options(defer(User.name), selectinload(User.posts).options("
        "joinedload(Post.comments), raiseload(Post.tags, sql_only=True)))\n"
    ) in source


def test_generated_python_runs_the_same_statements(seeded_db: TestDatabase) -> None:
    spec = QuerySpec("users", filters=[parse_where("id <= 4")], loads=loads(posts="selectin", posts__comments="joined"))
    namespace: dict[str, object] = {"User": User, "Post": Post, "Comment": Comment}
    exec(python_source(spec, User), namespace)
    ours = run(seeded_db, User, spec)

    async def theirs() -> list[int]:
        from sqlalchemy.ext.asyncio import AsyncSession

        from sqla_tui.core.observe.capture import StatementLog

        engine, _ = await connect(seeded_db.url)
        log = StatementLog()
        log.attach(engine)
        async with AsyncSession(engine) as session:
            (await session.execute(namespace["stmt"])).unique().scalars().all()
        await engine.dispose()
        return [entry.rows for entry in log.entries]

    assert [statement.rows for statement in ours.statements] == run_async(theirs()) == [4, 12 * 2]


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (QuerySpec("users", loads=loads(postz="selectin")), "unknown relationship 'postz' on User in path 'postz'; choose one of: posts"),
        (QuerySpec("users", loads=loads(posts__nope="joined")), "unknown relationship 'nope' on Post in path 'posts.nope'; choose one of: comments, tags, user"),
        (QuerySpec("users", loads=loads(posts="eager")), "unknown strategy 'eager' for 'posts'; choose one of: select, joined,"),
        (QuerySpec("users", filters=[parse_where("nam = x")]), "unknown column 'nam' on User; choose one of: id, name"),
        (QuerySpec("users", filters=[parse_where("id = abc")]), "'abc' is not a valid int for column 'id'"),
        (QuerySpec("users", limit=-1), "--limit must be between 0 and 1,000,000, got -1"),
        (QuerySpec("users", limit=10**9), "--limit must be between 0 and 1,000,000, got 1000000000"),
        (QuerySpec("users", offset=10**23), "--offset must be between 0 and 1,000,000,000,000, got 1000000000000000"),
    ],
)
def test_bad_specs_are_one_line_naming_the_choices(spec: QuerySpec, message: str) -> None:
    with pytest.raises(UserError) as caught:
        build_select(spec, User)
    assert message in caught.value.message


@pytest.mark.parametrize("text", ["", "id", "id ~ 5", "id >"])
def test_unreadable_where_is_one_line(text: str) -> None:
    with pytest.raises(UserError, match="filter"):
        parse_where(text)


def test_spec_round_trips_through_a_file(tmp_path: Path) -> None:
    spec = QuerySpec("users", filters=[parse_where("id in 1,2")], loads=loads(posts="selectin"), limit=5, offset=2)
    save_spec(spec, tmp_path / "spec.json")
    assert load_spec(tmp_path / "spec.json") == spec


def test_statement_log_cap_drops_oldest(seeded_db: TestDatabase) -> None:
    from sqla_tui.core.observe.capture import StatementLog

    log = StatementLog(cap=5)

    async def scenario() -> None:
        engine, _ = await connect(seeded_db.url)
        await run_spec(engine, User, QuerySpec("users"), touch=["posts"], log=log)
        await engine.dispose()

    run_async(scenario())
    assert len(log.entries) == 5
    assert log.dropped == 1 + USERS - 5
    assert log.entries[-1].index == USERS


class _CompositeBase(DeclarativeBase):
    pass


class Membership(_CompositeBase):
    """A class with a two-column primary key."""

    __tablename__ = "memberships"
    note: Mapped[str] = mapped_column(String(20))
    user_id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(primary_key=True)


@pytest.mark.parametrize(
    ("entity", "spec", "order_sql", "order_python"),
    [
        (User, QuerySpec("users"), "ORDER BY users.id\n LIMIT", ".order_by(User.id)"),
        (User, QuerySpec("users", limit=None, offset=5), "ORDER BY users.id\n LIMIT", ".order_by(User.id)"),
        (User, QuerySpec("users", order_by=[Order("name")]), "ORDER BY users.name\n LIMIT", ".order_by(User.name)"),
        (User, QuerySpec("users", limit=None), None, None),
        (User, QuerySpec("users", default_order=False), None, None),
        (Membership, QuerySpec("memberships", limit=3), "ORDER BY memberships.user_id, memberships.group_id", ".order_by(Membership.user_id)\n    .order_by(Membership.group_id)"),
    ],
    ids=["limit", "offset", "own-order", "no-limit", "turned-off", "composite-key"],
)
def test_a_limited_query_is_ordered_by_the_primary_key_unless_told_otherwise(
    entity: type, spec: QuerySpec, order_sql: str | None, order_python: str | None
) -> None:
    sql, source = str(build_select(spec, entity)), python_source(spec, entity)
    if order_sql is None:
        assert "ORDER BY" not in sql and ".order_by(" not in source
    else:
        assert order_sql in sql and order_python in source
    namespace = {entity.__name__: entity}
    exec(source, namespace)
    assert str(namespace["stmt"]) == sql


def test_the_default_order_makes_limited_rows_repeatable(seeded_db: TestDatabase) -> None:
    result = run(seeded_db, User, QuerySpec("users", limit=3, offset=2, loads=loads(posts="subquery")))
    assert "ORDER BY users.id" in result.statements[0].sql
    assert [node.values["id"] for node in result.results] == [3, 4, 5]
    assert {node.label for root in result.results for node in root.relationships["posts"]} == {
        f"Post({post})" for post in range(7, 16)
    }


def test_turning_the_default_order_off_survives_a_saved_spec(tmp_path: Path) -> None:
    spec = QuerySpec("users", default_order=False)
    save_spec(spec, tmp_path / "spec.json")
    assert load_spec(tmp_path / "spec.json").default_order is False
    (tmp_path / "old.json").write_text('{"root": "users"}')
    assert load_spec(tmp_path / "old.json").default_order is True  # specs saved before the option existed
