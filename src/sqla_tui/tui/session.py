"""The live connection every screen shares once the app has connected."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqla_tui.core.connect.target import PoolOptions

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine

    from sqla_tui.core.catalog.schema import Catalog
    from sqla_tui.core.connect.engine import ServerInfo


@dataclass
class Session:
    """One engine, what the header shows about it, the catalog every screen shares, and what to close.

    Screens receive the session instead of reaching into the app.
    """

    engine: AsyncEngine
    """The app's only shared engine; screens hand it to core functions, never use it themselves."""
    info: ServerInfo
    """Masked URL, dialect, server version and pool class, as probed at connect time."""
    url: str
    """The URL connected to (the demo's file once built); for screens that need an engine of their own. Never shown."""
    pool: PoolOptions
    """The pool flags the user gave, for those engines too."""
    _catalogs: dict[str | None, asyncio.Task[Catalog]] = field(default_factory=dict, repr=False)
    _closers: list[Callable[[], Awaitable[None]]] = field(default_factory=list, repr=False)

    async def catalog(self, schema: str | None = None) -> Catalog:
        """A schema's catalog (None: the default schema), reflected once per session whoever asks first.

        A big schema takes seconds to reflect, so the schema explorer and the
        composer share one load; a screen closed mid-load does not cancel it
        for the others, and a failed load is retried by the next caller.
        """
        from sqla_tui.core.catalog.schema import (
            load_catalog,  # SQLAlchemy: imported once connected, not for the first paint
        )

        task = self._catalogs.get(schema)
        if task is None or (task.done() and (task.cancelled() or task.exception() is not None)):
            task = self._catalogs[schema] = asyncio.ensure_future(load_catalog(self.engine, schema))
        return await asyncio.shield(task)

    def add_closer(self, closer: Callable[[], Awaitable[None]]) -> None:
        """Have ``close()`` also await this, e.g. a screen's own engine and thread."""
        self._closers.append(closer)

    async def close(self) -> None:
        """Stop catalog loads still under way, close what screens registered, then the pooled connections."""
        pending = [task for task in self._catalogs.values() if not task.done()]
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        for closer in reversed(self._closers):
            await closer()
        await self.engine.dispose()
