"""Find the mapped class for a root name: automapped on demand, or the user's own models."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine


async def resolve_entity(engine: AsyncEngine, root: str, models: str | None = None) -> type:
    """The mapped class for ``root`` (a table name, or a class name with --models).

    Automap reflects only the part of the schema reachable from ``root``;
    ``--models package.module:Base`` uses the application's own mapping and
    its ``relationship()`` settings instead.
    """
    from sqla_tui.core.catalog.mapping import load_user_models, map_schema

    orm_map = load_user_models(models) if models else await map_schema(engine, root)
    return orm_map.entity(root)
