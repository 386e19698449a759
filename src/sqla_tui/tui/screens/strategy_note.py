"""A small modal with one loader strategy's note: what ``?`` opens over the loader tree."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static


class StrategyNote(ModalScreen[None]):
    """Shows a strategy's explanation (core/lessons/strategies.py) until Escape, ? or q."""

    BINDINGS = [Binding("escape,question_mark,q", "dismiss", "Close", id="strategy_note.close")]

    def __init__(self, title: str, text: str) -> None:
        super().__init__()
        self.title_text, self.text = title, text

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="strategy-note") as box:
            box.border_title = self.title_text
            box.border_subtitle = "Esc closes · 'sqla-tui learn strategies' shows it run"
            yield Static(Content(self.text), id="strategy-note-text")
