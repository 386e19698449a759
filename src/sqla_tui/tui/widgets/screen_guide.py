"""What each key opens, so the first screen says where to go next."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from textual.content import Content
from textual.widgets import Static

from sqla_tui.tui.navigation import ScreenEntry


class ScreenGuide(Static):
    """One line per registered screen (key, name, what it is for), then the keys every screen shares."""

    BORDER_TITLE = "Where to go"

    def __init__(self, entries: Sequence[ScreenEntry], **kwargs: Any) -> None:
        lines = [
            Content.assemble((f" {entry.key} ", "reverse bold"), (f" {entry.title}", "bold"), f"\n   {entry.help}\n")
            for entry in entries
        ]
        lines.append(
            Content.assemble(
                ("enter", "bold"), " on a table opens it in the schema explorer\n",
                ("ctrl+p", "bold"), " command palette · ", ("esc", "bold"), " back · ", ("q", "bold"), " quit",
            )
        )
        super().__init__(Content("\n").join(lines), **kwargs)
