"""The app's preferences in the config file: ``[keymap]`` (binding id = keys) and ``[ui] theme``.

Every key binding has an id (``compose.run``, ``app.quit``; README lists
them); ``[keymap]`` maps ids to other keys, as Textual's ``set_keymap``
takes them. The theme chosen in the app (command palette, "Change theme")
is written back so the next launch opens with it.
"""

from __future__ import annotations

from typing import Any

from sqla_tui.core.errors import UserError
from sqla_tui.settings import config_file

_FIX = "fix it with 'sqla-tui config edit'"


def keymap(settings: dict[str, Any]) -> dict[str, str]:
    """``[keymap]`` of the settings read (``config_file.read``) as binding id -> comma-separated keys.

    A value that is not text is a one-line error.
    """
    found = config_file.table(settings, "keymap")
    for binding_id, keys in found.items():
        if not isinstance(keys, str) or not keys.strip():
            raise UserError(f"[keymap] {binding_id} must be keys as text, e.g. \"f5\" or \"f5,ctrl+enter\"; {_FIX}")
    return {binding_id: keys.replace(" ", "") for binding_id, keys in found.items()}


def theme(settings: dict[str, Any]) -> str | None:
    """The theme last chosen, if any, in the settings read."""
    chosen = config_file.table(settings, "ui").get("theme")
    if chosen is not None and not isinstance(chosen, str):
        raise UserError(f"[ui] theme must be a theme's name as text; {_FIX}")
    return chosen


def save_theme(name: str) -> None:
    """Remember ``name`` as the theme, keeping the rest of the file as the user wrote it."""
    import tomlkit

    with config_file.editing() as document:
        if "ui" not in document:
            document["ui"] = tomlkit.table()
        document["ui"]["theme"] = name
