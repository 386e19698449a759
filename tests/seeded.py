"""A small database with exact, known sizes: 10 users x 3 posts x 2 comments.

Every loader-strategy count in the tests is derived from these numbers, so
they are written once here. The models are an ordinary declarative Base, the
same way a user's own ``--models`` would be.
"""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, String, Table
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from sqla_tui.core.connect.engine import connect
from tests.databases import database_fixture

USERS, POSTS_PER_USER, COMMENTS_PER_POST, TAGS = 10, 3, 2, 4
POSTS = USERS * POSTS_PER_USER
COMMENTS = POSTS * COMMENTS_PER_POST
TAGS_PER_POST = 2


class Base(DeclarativeBase):
    pass


post_tags = Table(
    "post_tags",
    Base.metadata,
    Column("post_id", ForeignKey("posts.id"), primary_key=True),
    Column("tag_id", ForeignKey("tags.id"), primary_key=True),
)


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    posts: Mapped[list[Post]] = relationship(back_populates="user", order_by="Post.id")


class Post(Base):
    __tablename__ = "posts"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    title: Mapped[str] = mapped_column(String(200))
    user: Mapped[User] = relationship(back_populates="posts")
    comments: Mapped[list[Comment]] = relationship(back_populates="post", order_by="Comment.id")
    tags: Mapped[list[Tag]] = relationship(secondary=post_tags, back_populates="posts")


class Comment(Base):
    __tablename__ = "comments"
    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(String(500))
    post: Mapped[Post] = relationship(back_populates="comments")
    author: Mapped[User] = relationship()


class Tag(Base):
    __tablename__ = "tags"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    posts: Mapped[list[Post]] = relationship(secondary=post_tags, back_populates="tags")


def rows() -> dict[str, list[dict[str, object]]]:
    """The seed, table by table; comment authors rotate so many-to-one repeats."""
    users = [{"id": u, "name": f"user {u}"} for u in range(1, USERS + 1)]
    posts = [
        {"id": (u - 1) * POSTS_PER_USER + p, "user_id": u, "title": f"post {p} of user {u}"}
        for u in range(1, USERS + 1)
        for p in range(1, POSTS_PER_USER + 1)
    ]
    comments = [
        {"id": (post["id"] - 1) * COMMENTS_PER_POST + c, "post_id": post["id"],
         "author_id": (post["id"] + c) % USERS + 1, "body": f"comment {c}"}
        for post in posts
        for c in range(1, COMMENTS_PER_POST + 1)
    ]  # fmt: skip
    tags = [{"id": t, "name": f"tag{t}"} for t in range(1, TAGS + 1)]
    links = [
        {"post_id": post["id"], "tag_id": (post["id"] + k) % TAGS + 1}
        for post in posts
        for k in range(TAGS_PER_POST)
    ]
    return {"users": users, "posts": posts, "comments": comments, "tags": tags, "post_tags": links}


async def seed(url: str) -> None:
    engine, _ = await connect(url, read_only=False)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(Base.metadata.create_all)
            for table in Base.metadata.sorted_tables:
                await conn.execute(table.insert(), rows()[table.name])
    finally:
        await engine.dispose()


seeded_db = database_fixture("seeded_db", seed)
"""The seeded database, once per backend per test module."""
