"""Deterministic rows for the demo schema, as plain dicts per table.

Generation is pure Python and kept apart from insertion so tests can count
and compare rows without a database, and so one scale yields exactly the
same data on SQLite, PostgreSQL and MariaDB. Primary keys are assigned here
(1..n) because foreign keys must be known before anything is inserted.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from .models import DEMO_TABLES

Row = dict[str, Any]

DEFAULT_SEED = 20240101

# Timestamps are whole seconds: MariaDB's DATETIME drops fractions, and the
# data must read back identically everywhere.
_EPOCH = datetime(2023, 1, 1)
_DAY = 24 * 3600

# The first comment of a post can never be a reply, so a 25% chance on the
# others makes roughly 20% of all comments replies.
_REPLY_CHANCE = 0.25
_DRAFT_CHANCE = 0.1
_ANONYMOUS_AUDIT_CHANCE = 0.1

_FIRST_NAMES = (
    "Ada", "Alan", "Barbara", "Brian", "Claude", "Dennis", "Donald", "Edsger",
    "Frances", "Grace", "Guido", "Hedy", "Ivan", "John", "Ken", "Linus",
    "Margaret", "Niklaus", "Radia", "Rasmus", "Shafi", "Sophie", "Tim", "Yukihiro",
)
_LAST_NAMES = (
    "Allen", "Backus", "Bayer", "Codd", "Dijkstra", "Goldwasser", "Hamilton", "Hopper",
    "Kay", "Knuth", "Lamport", "Liskov", "Lovelace", "McCarthy", "Perlman", "Ritchie",
    "Stonebraker", "Sutherland", "Thompson", "Torvalds", "Turing", "Wilson", "Wirth",
)
_WORDS = (
    "query", "index", "join", "table", "row", "column", "schema", "lazy", "eager",
    "session", "engine", "pool", "cursor", "plan", "scan", "seek", "cache", "latency",
    "commit", "rollback", "lock", "replica", "shard", "vacuum", "tuple", "page",
    "buffer", "hash", "merge", "loop", "filter", "sort", "limit", "offset", "batch",
    "async", "driver", "mapper", "relationship", "identity", "flush", "select",
)
_TAG_WORDS = (
    "python", "sql", "postgres", "mariadb", "sqlite", "orm", "performance", "async",
    "indexes", "joins", "migrations", "testing", "tutorial", "opinion", "debugging",
    "pooling", "explain", "n-plus-one", "caching", "security", "devops", "textual",
    "terminal", "design", "data-modeling", "replication", "backups", "release",
    "beginner", "advanced",
)
_PRODUCT_ADJECTIVES = (
    "Mechanical", "Ergonomic", "Wireless", "Vintage", "Compact", "Deluxe", "Solar",
    "Quiet", "Portable", "Rugged",
)
_PRODUCT_NOUNS = ("Keyboard", "Mouse", "Monitor", "Lamp", "Desk", "Chair", "Mug", "Notebook")
_ORDER_STATUSES = ("pending", "paid", "shipped", "delivered", "cancelled")
_AUDIT_ACTIONS = ("login", "logout", "update_profile", "create_post", "delete_post", "place_order")


@dataclass(frozen=True)
class DemoSizes:
    """The absolute counts a scale asks for; everything else is per parent row."""

    users: int
    tags: int
    products: int
    audit_rows: int

    @classmethod
    def for_scale(cls, scale: float) -> DemoSizes:
        """Scale the defaults, keeping enough rows for every shape to exist."""
        if not scale > 0:
            raise ValueError(f"demo scale must be a positive number, got {scale!r}")
        return cls(
            users=max(2, round(200 * scale)),
            tags=max(4, round(30 * scale)),
            products=max(5, round(50 * scale)),
            audit_rows=max(1, round(500 * scale)),
        )


def generate_rows(scale: float = 1.0, seed: int = DEFAULT_SEED) -> dict[str, list[Row]]:
    """Every demo table's rows, keyed by table name in insertion (dependency) order.

    The same (scale, seed) always returns equal data: a single random.Random
    drives every choice, in a fixed order.
    """
    sizes = DemoSizes.for_scale(scale)
    rng = random.Random(seed)
    users = _users(rng, sizes.users)
    posts = _posts(rng, users)
    tags = _tags(sizes.tags)
    products = _products(rng, sizes.products)
    orders = _orders(rng, users)
    rows = {
        "users": users,
        "profiles": _profiles(rng, users),
        "posts": posts,
        "comments": _comments(rng, posts, users),
        "tags": tags,
        "post_tags": _post_tags(rng, posts, tags),
        "products": products,
        "orders": orders,
        "order_items": _order_items(rng, orders, products),
        "messages": _messages(rng, users),
        "audit_log": _audit_log(rng, users, sizes.audit_rows),
    }
    return {name: rows[name] for name in DEMO_TABLES}


def _sentence(rng: random.Random, low: int, high: int) -> str:
    return " ".join(rng.choices(_WORDS, k=rng.randint(low, high))).capitalize() + "."


def _later(rng: random.Random, moment: datetime, max_days: float) -> datetime:
    return moment + timedelta(seconds=rng.randint(60, int(max_days * _DAY)))


def _users(rng: random.Random, count: int) -> list[Row]:
    users = []
    for user_id in range(1, count + 1):
        first, last = rng.choice(_FIRST_NAMES), rng.choice(_LAST_NAMES)
        users.append(
            {
                "id": user_id,
                "name": f"{first} {last}",
                "email": f"{first}.{last}{user_id}@example.com".lower(),
                "created_at": _later(rng, _EPOCH, 365),
            }
        )
    return users


def _profiles(rng: random.Random, users: list[Row]) -> list[Row]:
    """Every 10th user has no profile, so an outer join has something to show."""
    with_profile = [user for user in users if user["id"] % 10 != 0]
    return [
        {"id": profile_id, "user_id": user["id"], "bio": _sentence(rng, 5, 30)}
        for profile_id, user in enumerate(with_profile, start=1)
    ]


def _posts(rng: random.Random, users: list[Row]) -> list[Row]:
    """0..20 posts per user; the last user never posts, at every scale."""
    posts = []
    for user in users:
        count = 0 if user is users[-1] else rng.randint(0, 20)
        for _ in range(count):
            draft = rng.random() < _DRAFT_CHANCE
            posts.append(
                {
                    "id": len(posts) + 1,
                    "user_id": user["id"],
                    "title": _sentence(rng, 2, 8)[:-1],
                    "body": _sentence(rng, 20, 60),
                    "published_at": None if draft else _later(rng, user["created_at"], 365),
                }
            )
    return posts


def _comments(rng: random.Random, posts: list[Row], users: list[Row]) -> list[Row]:
    """0..10 comments per published post; some reply to an earlier one of the same post."""
    comments: list[Row] = []
    for post in posts:
        if post["published_at"] is None:
            continue
        moment, earlier_ids = post["published_at"], []
        for _ in range(rng.randint(0, 10)):
            moment = _later(rng, moment, 2)
            is_reply = earlier_ids and rng.random() < _REPLY_CHANCE
            comment_id = len(comments) + 1
            comments.append(
                {
                    "id": comment_id,
                    "post_id": post["id"],
                    "user_id": rng.choice(users)["id"],
                    "parent_id": rng.choice(earlier_ids) if is_reply else None,
                    "body": _sentence(rng, 3, 25),
                    "created_at": moment,
                }
            )
            earlier_ids.append(comment_id)
    return comments


def _tags(count: int) -> list[Row]:
    """Fixed names, suffixed with a round number once a large scale runs out of words."""
    return [
        {
            "id": index + 1,
            "name": _TAG_WORDS[index % len(_TAG_WORDS)]
            + (f"-{index // len(_TAG_WORDS) + 1}" if index >= len(_TAG_WORDS) else ""),
        }
        for index in range(count)
    ]


def _post_tags(rng: random.Random, posts: list[Row], tags: list[Row]) -> list[Row]:
    return [
        {"post_id": post["id"], "tag_id": tag["id"]}
        for post in posts
        for tag in rng.sample(tags, k=rng.randint(0, 4))
    ]


def _products(rng: random.Random, count: int) -> list[Row]:
    return [
        {
            "id": product_id,
            "name": f"{rng.choice(_PRODUCT_ADJECTIVES)} {rng.choice(_PRODUCT_NOUNS)} {product_id}",
            "price": Decimal(rng.randint(199, 49999)).scaleb(-2),
        }
        for product_id in range(1, count + 1)
    ]


def _orders(rng: random.Random, users: list[Row]) -> list[Row]:
    """0..4 orders per user, about two on average."""
    orders = []
    for user in users:
        for _ in range(rng.randint(0, 4)):
            orders.append(
                {
                    "id": len(orders) + 1,
                    "user_id": user["id"],
                    "status": rng.choice(_ORDER_STATUSES),
                    "created_at": _later(rng, user["created_at"], 365),
                }
            )
    return orders


def _order_items(rng: random.Random, orders: list[Row], products: list[Row]) -> list[Row]:
    """1..5 distinct products per order, priced as the catalog lists them."""
    return [
        {
            "order_id": order["id"],
            "product_id": product["id"],
            "quantity": rng.randint(1, 3),
            "unit_price": product["price"],
        }
        for order in orders
        for product in rng.sample(products, k=rng.randint(1, 5))
    ]


def _messages(rng: random.Random, users: list[Row]) -> list[Row]:
    """Five messages per user on average, between two different random users."""
    messages = []
    for message_id in range(1, 5 * len(users) + 1):
        sender, recipient = rng.sample(users, k=2)
        messages.append(
            {
                "id": message_id,
                "sender_id": sender["id"],
                "recipient_id": recipient["id"],
                "body": _sentence(rng, 3, 20),
                "sent_at": _later(rng, max(sender["created_at"], recipient["created_at"]), 180),
            }
        )
    return messages


def _audit_log(rng: random.Random, users: list[Row], count: int) -> list[Row]:
    """Time-ordered events; some have no user (system actions), as the column allows."""
    events = [
        {
            "happened_at": _later(rng, _EPOCH, 730),
            "user_id": None
            if rng.random() < _ANONYMOUS_AUDIT_CHANCE
            else rng.choice(users)["id"],
            "action": rng.choice(_AUDIT_ACTIONS),
        }
        for _ in range(count)
    ]
    return sorted(events, key=lambda event: event["happened_at"])
