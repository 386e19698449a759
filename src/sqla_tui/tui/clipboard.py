"""Copying that tells the truth: what reached a clipboard, what may not have, and a file when nothing did.

Textual copies with OSC 52, an escape sequence the terminal may honour or
silently drop; inside tmux it is dropped unless tmux's ``set-clipboard`` is
``on``. So a copy also goes to the system clipboard through pyperclip when it
is installed and finds a mechanism (xclip, wl-copy, pbcopy…), and when
neither can be trusted the text is saved to a file whose path is shown.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.app import App

TMUX_TIMEOUT_S = 2.0


@dataclass(frozen=True)
class CopyOutcome:
    """Where the text went, as the sentence the user reads."""

    message: str
    reached: bool
    """False when no clipboard can be trusted to hold it (the text was saved to a file instead)."""


def tmux_blocks_osc52() -> str | None:
    """Why tmux will drop OSC 52 (its ``set-clipboard`` value), or None when not in tmux or it passes it on."""
    if not os.environ.get("TMUX"):
        return None
    tmux = shutil.which("tmux")
    if tmux is None:
        return "tmux's set-clipboard cannot be read (no tmux command)"
    try:
        found = subprocess.run(
            [tmux, "show-options", "-gv", "set-clipboard"], capture_output=True, text=True, timeout=TMUX_TIMEOUT_S, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return "tmux's set-clipboard cannot be read"
    value = found.stdout.strip()
    return None if value == "on" else f"tmux's set-clipboard is {value or 'unknown'}"


def system_copy(text: str) -> bool:
    """Copy with pyperclip when it is installed and finds a mechanism; False otherwise."""
    try:
        import pyperclip  # type: ignore[import-not-found,import-untyped,unused-ignore]  # an optional extra, typed or not
    except ImportError:
        return False
    try:
        pyperclip.copy(text)
    except pyperclip.PyperclipException:
        return False
    return True


def copy_text(app: App[None], text: str, what: str, file_name: str) -> CopyOutcome:
    """Copy ``text`` every way there is and say honestly where it went; save it to ``file_name`` when nowhere sure."""
    app.copy_to_clipboard(text)  # OSC 52, for the terminals (and tmux set-clipboard on) that honour it
    if system_copy(text):
        return CopyOutcome(f"{what} copied to the system clipboard", True)
    blocked = tmux_blocks_osc52()
    if blocked is None:
        return CopyOutcome(f"{what} sent to the terminal's clipboard (OSC 52; a terminal without it keeps nothing)", True)
    from sqla_tui.tui.screens.export_dialog import default_directory

    directory = default_directory()
    saved = free_name(directory, file_name)
    app.deliver_text(io.StringIO(text), save_directory=directory, save_filename=saved, name=what)
    return CopyOutcome(
        f"{what} not copied: {blocked}, so tmux drops the copy; add 'set -g set-clipboard on' to ~/.tmux.conf "
        f"or install pyperclip. Saved to {saved} instead.",
        False,
    )


def free_name(directory: Path, file_name: str) -> str:
    """``file_name``, or ``query_2.py``, ``query_3.py``... when ``directory`` has one by that name: the copy that
    could not reach a clipboard had overwritten the user's own ``./query.py``."""
    stem, suffix = os.path.splitext(file_name)
    candidate, number = file_name, 1
    while (directory / candidate).exists():
        number += 1
        candidate = f"{stem}_{number}{suffix}"
    return candidate
