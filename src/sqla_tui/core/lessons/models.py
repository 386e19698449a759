"""The classes every lesson runs on: users, posts and comments, as a 2.x async application maps them.

They map only the columns the lessons read, so any database with the same
three tables (the demo's shape) can be taught on, not only the demo. The
base mixes in ``AsyncAttrs`` for ``awaitable_attrs``; extra relationships
(``posts_strict`` with ``lazy="raise"``, ``post_pages`` write-only) show
what a mapping can forbid or page. Nothing here ever writes: every
relationship but ``posts`` is view-only.
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, String, Text, inspect
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncAttrs
from sqlalchemy.orm import DeclarativeBase, Mapped, WriteOnlyMapped, mapped_column, relationship


class Base(AsyncAttrs, DeclarativeBase):
    """The lessons' own registry, apart from the demo's and the user's."""


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))

    posts: Mapped[list[Post]] = relationship(back_populates="user", order_by="Post.id")
    posts_strict: Mapped[list[Post]] = relationship(lazy="raise", viewonly=True, order_by="Post.id")
    post_pages: WriteOnlyMapped[Post] = relationship(viewonly=True, order_by="Post.id")


class Post(Base):
    __tablename__ = "posts"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    title: Mapped[str] = mapped_column(String(200))

    user: Mapped[User] = relationship(back_populates="posts")
    comments: Mapped[list[Comment]] = relationship(back_populates="post", order_by="Comment.id")


class Comment(Base):
    __tablename__ = "comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"))
    body: Mapped[str] = mapped_column(Text)

    post: Mapped[Post] = relationship(back_populates="comments")


def missing_shape(connection: Connection) -> str | None:
    """What the database lacks of the lessons' tables and columns, in one line; None when it has them all."""
    inspector = inspect(connection)
    present = set(inspector.get_table_names())
    missing = []
    for table in Base.metadata.sorted_tables:
        if table.name not in present:
            missing.append(f"table {table.name}")
            continue
        columns = {column["name"] for column in inspector.get_columns(table.name)}
        missing += [f"{table.name}.{column.name}" for column in table.columns if column.name not in columns]
    if not missing:
        return None
    return (
        f"this database lacks {', '.join(missing)}: the lessons need the demo's users, posts and comments; "
        "run them on the demo ('sqla-tui learn --check') or load it with 'sqla-tui demo --url URL'"
    )
