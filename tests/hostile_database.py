"""A schema of hostile identifiers: tables ``user`` and ``order``, columns with
keywords, spaces, quotes, mixed case and unicode, one foreign key between them."""

from __future__ import annotations

from sqlalchemy import text

from sqla_tui.core.connect.engine import connect
from tests.databases import database_fixture

USER_COLUMNS = ["id", "select", "Mixed Case", "ünï cödé", "it's"]


async def _build(url: str) -> None:
    engine, _ = await connect(url, read_only=False)
    quote = engine.dialect.identifier_preparer.quote
    user, order = quote("user"), quote("order")
    columns = ", ".join(f"{quote(name)} VARCHAR(30)" for name in USER_COLUMNS[1:])
    try:
        async with engine.begin() as conn:
            await conn.execute(text(f"CREATE TABLE {user} ({quote('id')} INTEGER PRIMARY KEY, {columns})"))
            await conn.execute(text(
                f"CREATE TABLE {order} ({quote('id')} INTEGER PRIMARY KEY, "
                f"{quote('user id')} INTEGER REFERENCES {user} ({quote('id')}), {quote('from')} VARCHAR(30))"
            ))  # fmt: skip
            await conn.execute(text(f"INSERT INTO {user} VALUES (1, 'a', 'B', 'ç', 'x'), (2, 'd', 'E', 'ñ', 'y')"))
            await conn.execute(text(f"INSERT INTO {order} VALUES (1, 1, 'p'), (2, 1, 'q'), (3, 2, 'r')"))
    finally:
        await engine.dispose()


hostile_db = database_fixture("hostile_db", _build)
