"""What the TUI draws of a database's text, without its control characters (``words.controls`` says why).

A line filter, the one place every widget's lines pass through on their way
to the terminal: Textual hands a string's escape sequences to the terminal
as they are, whichever widget shows it (a comment in the detail pane, a value
in a results table, a statement in the log). Its own cursor moves and colours
are not in the lines' text, so nothing of Textual's is touched, and a control
character takes no cell, so the lines keep the length Textual measured.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.segment import Segment
from textual.app import App
from textual.color import Color
from textual.filter import LineFilter

from sqla_tui.words.controls import without_controls


class ControlsDropped(LineFilter):
    """Removes control characters from the text of a line's segments."""

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        return [segment if segment.control else _dropped(segment) for segment in segments]


def _dropped(segment: Segment) -> Segment:
    """The segment without its control characters; itself when it has none (the commonest case by far)."""
    text = without_controls(segment.text)
    return segment if text is segment.text else Segment(text, segment.style)


_DROPPED = ControlsDropped()
"""One instance: Textual caches each line filtered, by filter."""


class DrawsNoControls(App[None]):
    """An app whose every line is drawn through ``ControlsDropped``, after Textual's own filters."""

    def get_line_filters(self) -> Sequence[LineFilter]:
        return [*super().get_line_filters(), _DROPPED]
