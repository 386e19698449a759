"""Ctrl+R in Compose: search the connection's query history and compose the chosen spec again."""

from __future__ import annotations

import asyncio

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from sqla_tui.core.connect.target import Target
from sqla_tui.core.errors import UserError
from sqla_tui.core.grammar import counted
from sqla_tui.core.query.spec import QuerySpec
from sqla_tui.settings.history import HistoryEntry, entries


class HistoryModal(ModalScreen[QuerySpec | None]):
    """Type to narrow (any part of a line: table, column, strategy), Enter composes it, Escape leaves."""

    BINDINGS = [
        Binding("escape", "dismiss_none", "Back", id="history.back"),
        Binding("down", "into_list", show=False, id="history.into_list"),
    ]

    def __init__(self, target: Target) -> None:
        super().__init__()
        self.target = target
        self.found: list[HistoryEntry] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="history-box"):
            yield Input(placeholder="search the history…", compact=True, id="history-search")
            yield OptionList(id="history-list")

    def on_mount(self) -> None:
        self.query_one("#history-list", OptionList).loading = True
        self.load()

    @work(exclusive=True, exit_on_error=False, group="history")
    async def load(self) -> None:
        listing = self.query_one("#history-list", OptionList)
        try:
            self.found = await asyncio.to_thread(entries, self.target)
        except UserError as error:
            self.notify(str(error), title="History not read", severity="error")
        finally:
            listing.loading = False
        self._show(self.query_one("#history-search", Input).value)

    @on(Input.Changed, "#history-search")
    def _narrow(self, event: Input.Changed) -> None:
        self._show(event.value)

    def _show(self, needle: str) -> None:
        listing = self.query_one("#history-list", OptionList)
        words = needle.casefold().split()
        shown = [entry for entry in self.found if all(word in entry.line.casefold() for word in words)]
        listing.clear_options()
        listing.add_options(
            Option(Content(f"@{entry.number}  {entry.at.replace('T', ' ')[:16]}  {entry.line}"), id=str(entry.number))
            for entry in shown
        )
        listing.highlighted = 0 if shown else None
        total = counted(len(self.found), "query")
        listing.border_title = f"History · {len(shown)} of {total}" if words else f"History · {total}"

    @on(Input.Submitted, "#history-search")
    def _pick_highlighted(self) -> None:
        listing = self.query_one("#history-list", OptionList)
        if listing.highlighted is not None:
            self._pick(listing.get_option_at_index(listing.highlighted).id)

    @on(OptionList.OptionSelected, "#history-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self._pick(event.option.id)

    def _pick(self, number: str | None) -> None:
        chosen = next((entry for entry in self.found if str(entry.number) == number), None)
        if chosen is not None:
            self.dismiss(chosen.spec)

    def action_into_list(self) -> None:
        self.query_one("#history-list", OptionList).focus()

    def action_dismiss_none(self) -> None:
        self.dismiss(None)
