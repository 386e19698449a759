"""The screens a connected workbench can open, declared once for key bindings and the command palette.

A screen slots in by adding one entry here; the app derives its bindings,
palette commands and the home screen's guide from this table, so a key is
only ever bound to a screen that exists.

Each screen's module is imported by its build callable, when the user first
opens it: the compose screen alone pulls in the ORM, pygments and plotext,
which the first paint does not need (see benchmarks/startup.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.binding import Binding

if TYPE_CHECKING:
    from textual.screen import Screen

    from sqla_tui.workbench import Workbench


@dataclass(frozen=True)
class ScreenEntry:
    """One openable screen: its key, its name in the footer and palette, and how to build it."""

    key: str
    title: str
    help: str
    build: Callable[[Workbench], Screen[None]]


def _schema_screen(workbench: Workbench) -> Screen[None]:
    from sqla_tui.tui.screens.schema_screen import SchemaScreen

    return SchemaScreen(workbench)


def _pool_screen(workbench: Workbench) -> Screen[None]:
    from sqla_tui.tui.screens.pool_screen import PoolScreen

    return PoolScreen(workbench)


def _compose_screen(workbench: Workbench) -> Screen[None]:
    from sqla_tui.tui.screens.compose_screen import ComposeScreen

    return ComposeScreen(workbench)


def _learn_screen(workbench: Workbench) -> Screen[None]:
    from sqla_tui.tui.screens.learn_screen import LearnScreen

    return LearnScreen(workbench)


SCHEMA = "s"
POOL = "p"
COMPOSE = "c"
LEARN = "l"

SCREENS: tuple[ScreenEntry, ...] = (
    ScreenEntry(SCHEMA, "Schema", "Explore tables, columns, keys, indexes and relationships", _schema_screen),
    ScreenEntry(POOL, "Pool", "Watch the connection pool under a load you start: gauges, waits, leaks", _pool_screen),
    ScreenEntry(COMPOSE, "Compose", "Compose a select() with loader options, preview it, run it, read every statement", _compose_screen),
    ScreenEntry(LEARN, "Learn", "Lessons that run on this database: the N+1, eager strategies, asyncio pitfalls", _learn_screen),
)


def screen_bindings() -> list[Binding]:
    """One ``open_screen`` binding per registered screen, its id ``app.<title>`` (``app.compose``) for ``[keymap]``."""
    return [
        Binding(entry.key, f"open_screen({entry.key!r})", entry.title, id=f"app.{entry.title.lower()}")
        for entry in SCREENS
    ]


def entry_for(key: str) -> ScreenEntry:
    return next(entry for entry in SCREENS if entry.key == key)
