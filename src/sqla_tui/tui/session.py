"""The live connection every screen shares once the app has connected."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine

    from sqla_tui.core.connect import ServerInfo


@dataclass(frozen=True)
class Session:
    """One engine and what the header shows about it; screens receive it instead of reaching into the app."""

    engine: AsyncEngine
    """The app's only engine; screens hand it to core functions, never use it themselves."""
    info: ServerInfo
    """Masked URL, dialect, server version and pool class, as probed at connect time."""
