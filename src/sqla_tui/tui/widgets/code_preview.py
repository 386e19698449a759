"""A read-only, syntax-highlighted, scrollable view of Python or SQL text."""

from __future__ import annotations

from typing import Any

from rich.syntax import Syntax
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.reactive import reactive
from textual.widgets import Static


class CodePreview(VerticalScroll, can_focus=True):
    """Highlights ``code`` with Pygments through rich's Syntax.

    Textual's TextArea would need tree-sitter grammars for highlighting; a
    Static holding a Syntax needs only Pygments. ANSI colours and the default
    background make it follow the app's theme, light or dark, re-highlighted
    when the theme changes.
    """

    code: reactive[str] = reactive("")
    """The text shown; set by the screen."""

    def __init__(self, language: str, *, title: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.language = language
        self.border_title = title

    def compose(self) -> ComposeResult:
        yield Static(classes="code")

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, lambda _: self.watch_code(self.code))

    def watch_code(self, code: str) -> None:
        """Highlight once: a Syntax renderable would run Pygments again on every layout pass."""
        palette = "ansi_dark" if self.app.current_theme.dark else "ansi_light"
        syntax = Syntax(code, self.language, theme=palette, background_color="default", word_wrap=True)
        self.query_one(Static).update(syntax.highlight(code))
