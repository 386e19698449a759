"""Catalog reflection into plain dataclasses.

For now: the names of tables and views, which is what paints first.
"""

from dataclasses import dataclass

from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import AsyncEngine


@dataclass(frozen=True)
class RelationName:
    """A table or view in the default schema."""

    name: str
    kind: str  # "table" | "view"


async def list_relations(engine: AsyncEngine) -> list[RelationName]:
    """Table and view names of the default schema, sorted; no columns yet."""

    def names(sync_conn) -> list[RelationName]:  # type: ignore[no-untyped-def]
        inspector = inspect(sync_conn)
        tables = [RelationName(name, "table") for name in inspector.get_table_names()]
        views = [RelationName(name, "view") for name in inspector.get_view_names()]
        return sorted(tables + views, key=lambda relation: relation.name)

    async with engine.connect() as conn:
        return await conn.run_sync(names)
