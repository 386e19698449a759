"""ORM mapping: our relationship names on every backend, partial mapping, and the user's own models."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
from sqlalchemy import Table, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.ext.automap import automap_base
from sqlalchemy.orm import selectinload

from sqla_tui.core.catalog.mapping import OrmMap, load_user_models, map_schema
from sqla_tui.core.catalog.naming import (
    attribute_names,
    fk_name,
    plan_catalog,
    plan_catalog_yielding,
    plan_relationships,
    plural,
    python_name,
    singular,
)
from sqla_tui.core.catalog.schema import (
    Catalog,
    ColumnInfo,
    ForeignKeyInfo,
    TableInfo,
    UniqueInfo,
)
from sqla_tui.core.connect.engine import connect
from sqla_tui.core.errors import UserError
from tests.databases import TestDatabase
from tests.schema_fixtures import DEMO_RELATIONSHIPS, DEMO_UNMAPPABLE, demo


def shape(orm: OrmMap | object, table: str) -> list[tuple]:  # type: ignore[type-arg]
    return [(r.name, r.direction, r.target, r.via, r.uselist) for r in orm.relationships(table)]  # type: ignore[attr-defined]


# -- naming rules, no database -------------------------------------------------


def table(name: str, columns: str, pk: str = "id", fks: str = "", unique: str = "") -> TableInfo:
    """A TableInfo from short specs: fks like 'owner_id>users other_id>users'."""
    foreign_keys = tuple(
        ForeignKeyInfo(None, (column,), "main", target, ("id",))
        for column, target in (spec.split(">") for spec in fks.split())
    )
    return TableInfo(
        schema="main",
        name=name,
        kind="table",
        columns=tuple(ColumnInfo(c, "INTEGER", True, None, c in pk.split()) for c in columns.split()),
        primary_key=tuple(pk.split()),
        foreign_keys=foreign_keys,
        unique_constraints=tuple(UniqueInfo(None, (c,)) for c in unique.split()),
        indexes=(),
        row_estimate=None,
    )


@pytest.mark.parametrize(
    ("word", "many", "one"),
    [("post", "posts", "post"), ("category", "categories", "category"), ("address", "addresses", "address"),
     ("box", "boxes", "box"), ("day", "days", "day"), ("status", "statuses", "status"), ("child", "children", "child"),
     ("person", "people", "person"), ("analysis", "analyses", "analysis"), ("movie", "movies", "movie"),
     ("house", "houses", "house"), ("bus", "buses", "bus"), ("data", "data", "data"), ("OrderItem", "OrderItems", "OrderItem"),
     ("USER", "USERS", "USER"), ("UserChild", "UserChildren", "UserChild"), ("leaf", "leaves", "leaf"), ("t_1", "t_1s", "t_1")],
)  # fmt: skip
def test_plural_and_singular(word: str, many: str, one: str) -> None:
    assert plural(word) == many
    assert singular(many) == one


def test_fk_name_strips_id_else_names_the_target() -> None:
    assert fk_name(ForeignKeyInfo(None, ("sender_id",), "s", "users", ("id",))) == "sender"
    assert fk_name(ForeignKeyInfo(None, ("authorId",), "s", "users", ("id",))) == "author"
    assert fk_name(ForeignKeyInfo(None, ("a", "b"), "s", "categories", ("x", "y"))) == "category"
    assert fk_name(ForeignKeyInfo(None, ("id",), "s", "users", ("id",))) == "user"


def test_name_collisions_get_deterministic_suffixes() -> None:
    """A relationship never replaces a column or another relationship: it is suffixed instead."""
    plan = plan_relationships(
        [
            table("users", "id posts"),  # a column already called 'posts'
            table("posts", "id user user_id", fks="user_id>users"),  # 'user' column vs the 'user' relationship
            table("class", "id"),
            table("pupils", "id class_id", fks="class_id>class"),
        ]
    )
    assert [r.name for r in plan.relationships("users")] == ["posts_rel"]
    assert [(r.name, r.back_populates) for r in plan.relationships("posts")] == [("user_rel", "posts_rel")]
    assert [r.name for r in plan.relationships("pupils")] == ["class_"]  # never a Python keyword


@pytest.mark.parametrize(
    ("column", "attribute"),
    [("name", "name"), ("_sa_instance_state", "sa_instance_state"), ("_sa_class_manager", "sa_class_manager"),
     ("__class__", "class__"), ("__mapper__", "mapper__"), ("__table__", "table__"), ("__init__", "init__"),
     ("__dict__", "dict__"), ("__module__", "module__"), ("__weakref__", "weakref__"), ("metadata", "metadata_"),
     ("registry", "registry_"), ("class", "class_"), ("None", "None_"), ("user id", "user_id"), ("1st", "_1st"),
     ("it's", "it_s"), ("ünï cödé", "ünï_cödé"), ("\ufb01le", "file"), ("", "unnamed"), ("_private", "_private")],
)  # fmt: skip
def test_a_column_python_or_the_mapper_cannot_use_gets_a_safe_attribute(column: str, attribute: str) -> None:
    """``\ufb01le`` (the ligature) reads as ``file`` in Python source, so the attribute is spelled that way."""
    assert python_name(column) == attribute
    assert attribute_names(["id", column])[column] == attribute


def test_a_renamed_column_never_takes_another_columns_name() -> None:
    assert attribute_names(["user id", "user_id", "class", "class_", "user_id_2"]) == {
        "user id": "user_id_3", "user_id": "user_id", "class": "class__2", "class_": "class_", "user_id_2": "user_id_2",
    }  # fmt: skip


def test_relationships_avoid_attribute_names_and_are_python_names_too() -> None:
    plan = plan_relationships(
        [
            table("teams", "id"),
            table("user", "id class class_id", fks="class_id>teams"),  # the column 'class' is mapped as class_
            table("line-items", "id order-id", fks="order-id>user"),
        ]
    )
    assert plan.attributes("user") == {"id": "id", "class": "class_", "class_id": "class_id"}
    assert plan.attributes("line-items") == {"id": "id", "order-id": "order_id"}
    assert [r.name for r in plan.relationships("user")] == ["class__rel", "line_items"]
    assert [r.name for r in plan.relationships("line-items")] == ["order"]
    assert [r.name for r in plan.relationships("teams")] == ["users"]


def test_two_constraints_over_one_link_make_one_relationship() -> None:
    """MariaDB keeps an inline REFERENCES and a FOREIGN KEY clause on the same column as two constraints."""
    twice = table("books", "id author_id", fks="author_id>authors author_id>authors")
    plan = plan_relationships([table("authors", "id"), twice])
    assert shape(plan, "books") == [("author", "many_to_one", "authors", ("books.author_id",), False)]
    assert shape(plan, "authors") == [("books", "one_to_many", "books", ("books.author_id",), True)]


async def test_a_catalog_planned_on_the_loop_is_the_plan_the_composer_gets() -> None:
    """Planned in slices (the schema screen) or straight through (the composer), once per catalog, same names."""
    tables = tuple(table(f"t{n:03d}", "id prev_id", fks=f"prev_id>t{max(n - 1, 0):03d}") for n in range(250))
    catalog = Catalog("sqlite", "main", "main", ("main",), tables)
    plan = await plan_catalog_yielding(catalog)
    assert plan_catalog(catalog) is plan
    assert plan == plan_relationships(tables)
    assert [r.name for r in plan.relationships("t100")] == ["prev", "t101s"]


def test_self_referencing_many_to_many_names_both_directions() -> None:
    plan = plan_relationships(
        [table("users", "id"), table("follows", "follower_id followed_id", pk="follower_id followed_id",
                                     fks="follower_id>users followed_id>users")]
    )  # fmt: skip
    assert shape(plan, "users") == [
        ("follows_follower", "many_to_many", "users", ("follows",), True),
        ("follows_followed", "many_to_many", "users", ("follows",), True),
    ]
    assert [r.back_populates for r in plan.relationships("users")] == ["follows_followed", "follows_follower"]
    assert plan.unmappable == {"follows": "association table: many-to-many between users and users"}


def test_one_to_one_when_the_fk_is_unique_or_the_primary_key() -> None:
    plan = plan_relationships(
        [table("users", "id"), table("profiles", "id user_id", fks="user_id>users", unique="user_id"),
         table("settings", "user_id", pk="user_id", fks="user_id>users")]
    )  # fmt: skip
    assert shape(plan, "users") == [
        ("profile", "one_to_many", "profiles", ("profiles.user_id",), False),
        ("setting", "one_to_many", "settings", ("settings.user_id",), False),
    ]


# -- the demo database on every backend -----------------------------------------


async def test_every_demo_relationship_shape(demo: TestDatabase) -> None:
    engine, _ = await connect(demo.url)
    try:
        orm = await map_schema(engine)
    finally:
        await engine.dispose()
    assert sorted(orm.entities) == sorted(DEMO_RELATIONSHIPS)
    for name, expected in DEMO_RELATIONSHIPS.items():
        assert shape(orm, name) == expected, name
    assert orm.unmappable == DEMO_UNMAPPABLE
    assert orm.entity("users").__name__ == "User" and orm.entity("OrderItem") is orm.entity("order_items")


async def test_two_fks_to_one_table_keep_both_relationships_unlike_automap(demo: TestDatabase) -> None:
    """Default automap gives messages' two FKs one 'users' and users one 'messages_collection'."""
    engine, _ = await connect(demo.url)
    try:
        orm = await map_schema(engine, "messages", hops=1)
        base = automap_base()
        async with engine.connect() as conn:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # automap warns about the very overlap it creates
                await conn.run_sync(lambda sync_conn: base.prepare(autoload_with=sync_conn))
    finally:
        await engine.dispose()
    ours = [
        r.name for t in ("users", "messages") for r in orm.relationships(t) if {t, r.target} == {"users", "messages"}
    ]
    theirs = [
        r.key
        for cls in (base.classes.users, base.classes.messages)
        for r in cls.__mapper__.relationships
        if {cls.__table__.name, r.target.name} == {"users", "messages"}
    ]
    assert ours == ["messages_recipient", "messages_sender", "recipient", "sender"]
    assert len(theirs) == 2


async def test_self_reference_loads_parent_and_replies(demo: TestDatabase) -> None:
    engine, _ = await connect(demo.url)
    try:
        orm = await map_schema(engine, "comments", hops=1)
        Comment = orm.entity("comments")
        async with AsyncSession(engine) as session:
            reply = (
                await session.scalars(
                    select(Comment).where(Comment.parent_id.is_not(None)).order_by(Comment.id).limit(1)
                    .options(selectinload(Comment.parent).selectinload(Comment.comments_parent))
                )
            ).one()  # fmt: skip
            assert reply.parent.id == reply.parent_id
            assert reply.id in [child.id for child in reply.parent.comments_parent]
    finally:
        await engine.dispose()


async def test_many_to_many_and_association_object_load_exact_rows(demo: TestDatabase) -> None:
    engine, _ = await connect(demo.url)
    try:
        orm = await map_schema(engine, "posts", hops=2)
        Post, Tag, post_tags = orm.entity("posts"), orm.entity("tags"), orm.tables["post_tags"]
        async with AsyncSession(engine) as session:
            posts = (await session.scalars(select(Post).options(selectinload(Post.tags)))).all()
            tags = (await session.scalars(select(Tag).options(selectinload(Tag.posts)))).all()
            links = {tuple(row) for row in await session.execute(select(post_tags.c.post_id, post_tags.c.tag_id))}
        assert {(post.id, tag.id) for post in posts for tag in post.tags} == links
        assert {(post.id, tag.id) for tag in tags for post in tag.posts} == links
        Order = (await map_schema(engine, "orders", hops=1)).entity("orders")
        async with AsyncSession(engine) as session:
            orders = (await session.scalars(select(Order).options(selectinload(Order.order_items)))).all()
            assert sum(len(order.order_items) for order in orders) == demo.counts["order_items"]  # type: ignore[attr-defined]
    finally:
        await engine.dispose()


async def test_root_maps_only_what_is_in_reach(demo: TestDatabase) -> None:
    engine, _ = await connect(demo.url)
    try:
        one_hop = await map_schema(engine, "profiles", hops=1)
        two_hops = await map_schema(engine, "profiles", hops=2)
        audit = await map_schema(engine, "audit_log")  # no primary key: its Table, nothing else
        with pytest.raises(UserError, match=r"no table 'profile' in schema '\w+'; did you mean profiles\?"):
            await map_schema(engine, "profile")
    finally:
        await engine.dispose()
    assert sorted(one_hop.entities) == ["profiles", "users"]
    assert [r.name for r in one_hop.relationships("users")] == ["profile"]  # the rest lie beyond one hop
    assert sorted(two_hops.entities) == ["comments", "messages", "orders", "posts", "profiles", "users"]
    assert sorted(two_hops.tables) == ["comments", "messages", "orders", "posts", "profiles", "users"]
    with pytest.raises(UserError, match=r"no mapped table 'tags'"):
        one_hop.entity("tags")
    with pytest.raises(UserError, match=r"table 'user_post_counts' has no ORM class \(view\)"):
        one_hop.entity("user_post_counts")
    audit_log = audit.root_of("audit_log")
    assert isinstance(audit_log, Table) and audit_log.name == "audit_log" and not audit_log.primary_key.columns
    assert (audit.entities, list(audit.tables)) == ({}, ["audit_log"])
    with pytest.raises(
        UserError, match=r"table 'audit_log' has no ORM class \(no primary key\); query it with Core select\(\)"
    ):
        audit.entity("audit_log")  # for callers that need a class


# -- the user's own models -------------------------------------------------------


def test_user_models_keep_their_names_and_settings() -> None:
    orm = load_user_models("sqla_tui.demo_db.models:Base")
    assert shape(orm, "messages") == [
        ("sender", "many_to_one", "users", ("messages.sender_id",), False),
        ("recipient", "many_to_one", "users", ("messages.recipient_id",), False),
    ]
    assert shape(orm, "comments")[-1] == ("replies", "one_to_many", "comments", ("comments.parent_id",), True)
    assert shape(orm, "users")[0] == ("profile", "one_to_many", "profiles", ("profiles.user_id",), False)
    assert orm.unmappable == {
        "audit_log": "no primary key",
        "post_tags": "association table: secondary of a many-to-many",
    }


MODELS_PY = """
from sqlalchemy import ForeignKey
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

class Base(DeclarativeBase):
    pass

class Author(Base):
    __tablename__ = "authors"
    id: Mapped[int] = mapped_column(primary_key=True)
    books: Mapped[list["Book"]] = relationship(lazy="raise", back_populates="writer")

class Book(Base):
    __tablename__ = "books"
    id: Mapped[int] = mapped_column(primary_key=True)
    writer_id: Mapped[int] = mapped_column(ForeignKey("authors.id"))
    writer: Mapped[Author] = relationship(back_populates="books")
"""


def test_user_models_from_a_file_path(tmp_path: Path) -> None:
    (tmp_path / "models.py").write_text(MODELS_PY)
    orm = load_user_models(f"{tmp_path}/models.py:Base")
    assert shape(orm, "authors") == [("books", "one_to_many", "books", ("books.writer_id",), True)]
    assert orm.entity("Author").__mapper__.relationships["books"].lazy == "raise"
    assert [r.back_populates for r in orm.relationships("books")] == ["books"]


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("no_such_package.models:Base", "--models 'no_such_package.models:Base': no module named 'no_such_package'; "
         "check the name and PYTHONPATH"),
        ("sqla_tui.demo_db.models:Nope", "--models 'sqla_tui.demo_db.models:Nope': module 'sqla_tui.demo_db.models' "
         "has no attribute 'Nope'"),
        ("sqla_tui.demo_db.models:DEMO_VIEW", "--models 'sqla_tui.demo_db.models:DEMO_VIEW': 'DEMO_VIEW' is not a "
         "SQLAlchemy declarative Base (expected a DeclarativeBase subclass or declarative_base())"),
        ("sqla_tui.demo_db.models:", "--models 'sqla_tui.demo_db.models:' must look like package.module:Base or "
         "path/to/models.py:Base"),
        ("sqla_tui.demo_db.seed", "--models 'sqla_tui.demo_db.seed': no declarative Base in that module; name it, "
         "e.g. sqla_tui.demo_db.seed:Base"),
    ],
)  # fmt: skip
def test_user_models_import_failures_are_one_line(spec: str, message: str) -> None:
    with pytest.raises(UserError) as caught:
        load_user_models(spec)
    assert str(caught.value) == message


def test_a_module_with_one_base_needs_no_base_name() -> None:
    named, found = load_user_models("sqla_tui.demo_db.models:Base"), load_user_models("sqla_tui.demo_db.models")
    assert sorted(found.entities) == sorted(named.entities) and "users" in found.entities


def test_a_module_with_two_bases_asks_which(tmp_path: Path) -> None:
    two = tmp_path / "two_bases.py"
    two.write_text(
        "from sqlalchemy.orm import DeclarativeBase\n"
        "class Base(DeclarativeBase):\n    pass\n"
        "class Other(DeclarativeBase):\n    pass\n"
    )
    with pytest.raises(UserError) as caught:
        load_user_models(str(two))
    assert str(caught.value) == f"--models '{two}': several declarative Bases (Base, Other); name one, e.g. {two}:Base"


def test_user_models_raising_on_import_name_the_exception(tmp_path: Path) -> None:
    broken = tmp_path / "broken.py"
    broken.write_text("import sqlalchemy\nraise RuntimeError('database settings missing')\n")
    with pytest.raises(UserError) as caught:
        load_user_models(f"{broken}:Base")
    assert str(caught.value) == (
        f"--models '{broken}:Base': importing it raised RuntimeError: database settings missing"
    )
    missing = tmp_path / "missing.py"
    with pytest.raises(UserError, match=f"file {missing} does not exist"):
        load_user_models(f"{missing}:Base")
