"""Keys typed just after a screen key go to the screen it opened, not the one it left.

A terminal delivers keys typed at speed (``c``, a table's name, Enter) in one
burst, and the app forwards each to the screen that is up when it reads it:
all of them to the screen ``c`` leaves, since ``c`` opens the next one only
once it has come back up to the app as a binding. The keys after it then ran
that screen's bindings and the new screen's (``e``, ``p``…) and an Enter
picked whatever was first. Each screen notes the keys that pass through it
(``KeysFollowTheScreen``); a key that comes up to the app from a screen no
longer up is delivered again, as the terminal delivered it (``hand_on``), and
so goes to the screen that is up, before the bindings.
"""

from __future__ import annotations

from typing import Any
from weakref import WeakKeyDictionary

from textual import events
from textual.app import App
from textual.screen import Screen

_passed: WeakKeyDictionary[events.Key, Screen[Any]] = WeakKeyDictionary()
"""The screen each key in flight passed through on its way up to the app."""


class KeysFollowTheScreen(Screen[Any]):
    """Notes each key that passes through this screen, for ``hand_on``."""

    def on_key(self, event: events.Key) -> None:
        _passed.setdefault(event, self)


def hand_on(app: App[Any], event: events.Key) -> bool:
    """Deliver ``event`` again, as the terminal did, when it came up from a screen no longer up (True): the app then
    sends it to the screen now up instead of running bindings for it here."""
    passed = _passed.pop(event, None)
    if passed is None or passed is app.screen:
        return False
    again = events.Key(event.key, event.character)
    again.set_sender(app)
    app.post_message(again)
    return True
