"""The demo database, loaded once per backend per test module, for the schema and mapping tests.

Loading costs far more than the read-only tests that share it, so it is
module-scoped; tests that write build their own throwaway database instead.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import text

from sqla_tui.core.connect.engine import connect
from tests.databases import BACKENDS, TestDatabase, create_database, run_async

DEMO_SCALE = 0.05


async def _load(url: str) -> dict[str, int]:
    from sqla_tui.demo_db.load import load_demo

    engine, _ = await connect(url, read_only=False)
    try:
        counts = await load_demo(engine, scale=DEMO_SCALE)
    finally:
        await engine.dispose()
    if engine.dialect.name == "postgresql":
        await execute(url, "ANALYZE")  # so pg_class.reltuples holds real estimates
    return counts


@pytest.fixture(scope="module", params=BACKENDS)
def demo(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestDatabase]:
    """The demo schema and seed (scale 0.05) on each backend; ``demo.counts`` holds rows per table."""
    database = create_database(request.param, tmp_path_factory.mktemp("demo"))
    try:
        database.counts = run_async(_load(database.url))  # type: ignore[attr-defined]
        yield database
    finally:
        database.drop()


async def execute(url: str, *statements: str) -> None:
    """Run DDL on a writable engine (test setup only; the tool itself stays read-only)."""
    engine, _ = await connect(url, read_only=False)
    try:
        async with engine.begin() as conn:
            for statement in statements:
                await conn.execute(text(statement))
    finally:
        await engine.dispose()


def _rel(name: str, direction: str, target: str, via: str, uselist: bool) -> tuple[str, str, str, tuple[str, ...], bool]:
    return (name, direction, target, tuple(via.split()), uselist)


M2O, O2M, M2M = "many_to_one", "one_to_many", "many_to_many"

DEMO_RELATIONSHIPS = {
    "comments": [
        _rel("parent", M2O, "comments", "comments.parent_id", False),
        _rel("post", M2O, "posts", "comments.post_id", False),
        _rel("user", M2O, "users", "comments.user_id", False),
        _rel("comments_parent", O2M, "comments", "comments.parent_id", True),
    ],
    "messages": [
        _rel("recipient", M2O, "users", "messages.recipient_id", False),
        _rel("sender", M2O, "users", "messages.sender_id", False),
    ],
    "order_items": [
        _rel("order", M2O, "orders", "order_items.order_id", False),
        _rel("product", M2O, "products", "order_items.product_id", False),
    ],
    "orders": [
        _rel("user", M2O, "users", "orders.user_id", False),
        _rel("order_items", O2M, "order_items", "order_items.order_id", True),
    ],
    "posts": [
        _rel("user", M2O, "users", "posts.user_id", False),
        _rel("comments", O2M, "comments", "comments.post_id", True),
        _rel("tags", M2M, "tags", "post_tags", True),
    ],
    "products": [_rel("order_items", O2M, "order_items", "order_items.product_id", True)],
    "profiles": [_rel("user", M2O, "users", "profiles.user_id", False)],
    "tags": [_rel("posts", M2M, "posts", "post_tags", True)],
    "users": [
        _rel("comments", O2M, "comments", "comments.user_id", True),
        _rel("messages_recipient", O2M, "messages", "messages.recipient_id", True),
        _rel("messages_sender", O2M, "messages", "messages.sender_id", True),
        _rel("orders", O2M, "orders", "orders.user_id", True),
        _rel("posts", O2M, "posts", "posts.user_id", True),
        _rel("profile", O2M, "profiles", "profiles.user_id", False),
    ],
}
"""Every relationship our naming gives the demo schema: (name, direction, target, via, uselist)."""

DEMO_UNMAPPABLE = {
    "audit_log": "no primary key",
    "post_tags": "association table: many-to-many between posts and tags",
    "user_post_counts": "view",
}
