"""A database whose text breaks naive CSV and Markdown: commas, quotes, line breaks, pipes, unicode, NULL.

``notes`` holds one row per hazard; ``readings`` holds 275 plain rows, more
than the composer's default limit of 100, for "100 of 275".
"""

from __future__ import annotations

from sqlalchemy import Column, Integer, MetaData, String, Table

from sqla_tui.core.connect.engine import connect
from tests.databases import database_fixture

NOTES = [
    (1, "plain"),
    (2, "a,b"),
    (3, 'say "hi"'),
    (4, "two\nlines"),
    (5, "pipe | back\\slash"),
    (6, "ünï ☃ 漢字"),
    (7, None),
]
READINGS = 275

metadata = MetaData()
notes = Table("notes", metadata, Column("id", Integer, primary_key=True, autoincrement=False), Column("body", String(100)))
readings = Table("readings", metadata, Column("id", Integer, primary_key=True, autoincrement=False), Column("value", Integer))


async def fill(url: str) -> None:
    engine, _ = await connect(url, read_only=False)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(metadata.create_all)
            await conn.execute(notes.insert(), [{"id": id_, "body": body} for id_, body in NOTES])
            await conn.execute(readings.insert(), [{"id": n, "value": n * 10} for n in range(1, READINGS + 1)])
    finally:
        await engine.dispose()


awkward_db = database_fixture("awkward_db", fill)
"""The awkward database, once per backend per test module."""
