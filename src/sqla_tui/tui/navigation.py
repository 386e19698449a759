"""The screens a connected session can open, declared once for key bindings and the command palette.

A screen slots in by adding one entry here; the app derives its bindings,
palette commands and the home screen's guide from this table, so a key is
only ever bound to a screen that exists.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual.binding import Binding
from textual.screen import Screen

from sqla_tui.tui.screens.compose_screen import ComposeScreen
from sqla_tui.tui.screens.pool_screen import PoolScreen
from sqla_tui.tui.screens.schema_screen import SchemaScreen
from sqla_tui.tui.session import Session


@dataclass(frozen=True)
class ScreenEntry:
    """One openable screen: its key, its name in the footer and palette, and how to build it."""

    key: str
    title: str
    help: str
    build: Callable[[Session], Screen[None]]


SCHEMA = "s"
POOL = "p"
COMPOSE = "c"

SCREENS: tuple[ScreenEntry, ...] = (
    ScreenEntry(SCHEMA, "Schema", "Explore tables, columns, keys, indexes and relationships", SchemaScreen),
    ScreenEntry(POOL, "Pool", "Watch the connection pool under a load you start: gauges, waits, leaks", PoolScreen),
    ScreenEntry(COMPOSE, "Compose", "Compose a select() with loader options, preview it, run it, read every statement", ComposeScreen),
)


def screen_bindings() -> list[Binding]:
    """One ``open_screen`` binding per registered screen."""
    return [Binding(entry.key, f"open_screen({entry.key!r})", entry.title) for entry in SCREENS]


def entry_for(key: str) -> ScreenEntry:
    return next(entry for entry in SCREENS if entry.key == key)
