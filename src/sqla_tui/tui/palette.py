"""Every action the current screen offers, as command palette entries.

A key a person has not learned yet should still be findable by its name:
``ctrl+p`` then "fan" finds "Fan-out" on the compose screen, with its key
beside it. The entries come from the screen's active bindings (the ones the
footer draws from, hidden ones included), so a new binding shows up here
without anyone remembering to register it.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

from textual.app import SystemCommand
from textual.screen import Screen


def screen_actions(screen: Screen[object]) -> Iterator[SystemCommand]:
    """One command per described binding the screen (or its focused widget) has, first key wins."""
    seen: set[str] = set()
    for key, active in screen.active_bindings.items():
        binding = active.binding
        if active.node is screen.app or not binding.description or not active.enabled:
            continue  # the app's own keys (quit, the screens) are listed by the app
        if binding.description in seen:
            continue
        seen.add(binding.description)
        shown_key = screen.app.get_key_display(binding) or key
        yield SystemCommand(
            binding.description,
            f"{shown_key} on this screen",
            partial(screen.app.run_action, binding.action, active.node),
        )
