"""The demo schema: one table per relationship shape worth teaching.

It doubles as the example of "your own models" for
``--models sqla_tui.demo_db.models:Base``, so it is written the way a
SQLAlchemy 2.0 user would write theirs: ``Mapped[]``, ``mapped_column()``
and ``relationship()`` on both sides.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    Column,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# Deterministic constraint and index names, so EXPLAIN output, tests and the
# README can name them on every backend.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_name)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Every demo table, parents before children: the order rows are inserted in.
DEMO_TABLES = (
    "users",
    "profiles",
    "posts",
    "comments",
    "tags",
    "post_tags",
    "products",
    "orders",
    "order_items",
    "messages",
    "audit_log",
)

DEMO_VIEW = "user_post_counts"

# Plain SQL that SQLite, PostgreSQL and MariaDB all accept; a view is not
# part of MetaData, so the loader creates it after create_all.
DEMO_VIEW_SELECT = (
    "SELECT u.id AS user_id, u.name AS name, COUNT(p.id) AS post_count "
    "FROM users u LEFT JOIN posts p ON p.user_id = u.id "
    "GROUP BY u.id, u.name"
)


class Base(DeclarativeBase):
    """Declarative base of the demo; its metadata holds every demo table."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class User(Base):
    """The hub: every other shape hangs off users."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)

    profile: Mapped[Profile | None] = relationship(back_populates="user", uselist=False)
    posts: Mapped[list[Post]] = relationship(back_populates="user")
    comments: Mapped[list[Comment]] = relationship(back_populates="user")
    orders: Mapped[list[Order]] = relationship(back_populates="user")
    sent_messages: Mapped[list[Message]] = relationship(
        back_populates="sender", foreign_keys="Message.sender_id"
    )
    received_messages: Mapped[list[Message]] = relationship(
        back_populates="recipient", foreign_keys="Message.recipient_id"
    )


class Profile(Base):
    """One-to-one: a UNIQUE NOT NULL foreign key; every 10th user has none."""

    __tablename__ = "profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    bio: Mapped[str] = mapped_column(Text)

    user: Mapped[User] = relationship(back_populates="profile")


# Pure association table (nothing but the two keys): many-to-many via secondary.
post_tags = Table(
    "post_tags",
    Base.metadata,
    Column("post_id", ForeignKey("posts.id"), primary_key=True),
    Column("tag_id", ForeignKey("tags.id"), primary_key=True),
)


class Post(Base):
    """One-to-many from users, with an indexed foreign key."""

    __tablename__ = "posts"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    published_at: Mapped[datetime | None] = mapped_column(DateTime)

    user: Mapped[User] = relationship(back_populates="posts")
    comments: Mapped[list[Comment]] = relationship(back_populates="post")
    tags: Mapped[list[Tag]] = relationship(secondary=post_tags, back_populates="posts")


class Comment(Base):
    """The biggest table; self-referential replies through a nullable FK.

    ``post_id`` is deliberately left without an index so the EXPLAIN panel
    has a sequential scan to show (InnoDB on MariaDB adds one on its own).
    """

    __tablename__ = "comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime)

    post: Mapped[Post] = relationship(back_populates="comments")
    user: Mapped[User] = relationship(back_populates="comments")
    parent: Mapped[Comment | None] = relationship(back_populates="replies", remote_side=[id])
    replies: Mapped[list[Comment]] = relationship(back_populates="parent")


class Tag(Base):
    """The other side of the many-to-many with posts."""

    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50), unique=True)

    posts: Mapped[list[Post]] = relationship(secondary=post_tags, back_populates="tags")


class Product(Base):
    """A catalog row reached from orders through the order_items association object."""

    __tablename__ = "products"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    price: Mapped[Decimal] = mapped_column(Numeric(10, 2))

    order_items: Mapped[list[OrderItem]] = relationship(back_populates="product")


class Order(Base):
    """One-to-many from users and parent of the association object."""

    __tablename__ = "orders"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(DateTime)

    user: Mapped[User] = relationship(back_populates="orders")
    items: Mapped[list[OrderItem]] = relationship(back_populates="order")


class OrderItem(Base):
    """Association object: a many-to-many that carries its own columns."""

    __tablename__ = "order_items"

    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), primary_key=True)
    quantity: Mapped[int] = mapped_column(Integer)
    unit_price: Mapped[Decimal] = mapped_column(Numeric(10, 2))

    order: Mapped[Order] = relationship(back_populates="items")
    product: Mapped[Product] = relationship(back_populates="order_items")


class Message(Base):
    """Two foreign keys to the same table, the case naive relationship naming loses."""

    __tablename__ = "messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    sender_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    sent_at: Mapped[datetime] = mapped_column(DateTime)

    sender: Mapped[User] = relationship(back_populates="sent_messages", foreign_keys=[sender_id])
    recipient: Mapped[User] = relationship(
        back_populates="received_messages", foreign_keys=[recipient_id]
    )


# A table without a primary key: declarative cannot map it, so it stays Core.
audit_log = Table(
    "audit_log",
    Base.metadata,
    Column("happened_at", DateTime, nullable=False),
    Column("user_id", Integer, nullable=True),
    Column("action", String(50), nullable=False),
)
