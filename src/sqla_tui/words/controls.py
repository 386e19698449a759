"""Text from a database, made harmless for a terminal: its control characters shown, or dropped, never obeyed.

Names, comments, values, SQL and a server's error messages are the
database's text, and whoever can write a comment or a row can put a terminal
escape sequence in it: OSC 52 writes the user's clipboard, OSC 0 the window
title, CSI sequences move the cursor and erase what was printed. A terminal
obeys them wherever they are printed. The CLI shows them (``\\x1b]52;...``,
as ``ls`` and ``git`` show a control character in a file name) on a
terminal, and leaves a pipe or a file the exact text; the TUI drops them
from what it draws (they take no cell, so the layout stays as measured).
"""

from __future__ import annotations

import re

_CONTROL = r"[\x00-\x08\x0b-\x1f\x7f-\x9f]"
"""C0 but tab and newline, DEL, and C1 (whose 0x9b is CSI to a terminal reading 8-bit controls)."""
_SHOWN = re.compile(rf"(\x1b\[[0-9;]*m)|{_CONTROL}")
"""A control character, or a colour (SGR) sequence, which ``shown_controls`` keeps: Rich's own styling on a
terminal is nothing else, and a colour is all a database's text could do with one."""
_ANY = re.compile(_CONTROL)
_DROPPED = str.maketrans(dict.fromkeys([*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0)]))


def shown_controls(text: str) -> str:
    """``text`` with each control character written out as ``\\xNN``, colours (SGR sequences) kept."""
    return _SHOWN.sub(_escaped, text) if _SHOWN.search(text) else text


def _escaped(match: re.Match[str]) -> str:
    colour = match.group(1)
    return colour if colour is not None else f"\\x{ord(match.group()):02x}"


def without_controls(text: str) -> str:
    """``text`` with its control characters (tab and newline aside) removed: they take no cell on screen. ``text``
    itself when it has none, found without making a copy (the TUI asks this of every piece of every line it draws)."""
    return text.translate(_DROPPED) if _ANY.search(text) else text
