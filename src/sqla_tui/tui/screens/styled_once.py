"""StyledOnce: a pushed screen's widgets are styled when they mount, not twice more in its first frame.

Textual styles every widget as it mounts, then restyles the whole screen
twice before the first frame: once for the first ``ScreenResume`` (which
asks for fresh styles) and once when the first layout's ``Resize`` adds the
breakpoint classes (``-wide``, ``-tall``…). On the pool screen the two took
~25 ms of a ~100 ms open, doubled when another process shares the CPU
(benchmarks/ui_lag.py). Here the breakpoint classes are set before anything
mounts, so the ``Resize`` changes no class, and the first resume keeps the
styles the mount just applied. A screen built before the app runs (the home
screen, before the stylesheet is read) and every later resume (after a theme
change while the screen was covered) restyle as Textual does.
"""

from __future__ import annotations

from typing import Any

from textual import events
from textual.message import Message
from textual.screen import Screen


class StyledOnce(Screen[Any]):
    """Breakpoint classes from the start; the first resume does not restyle what mounting just styled."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        try:
            app = self.app
        except RuntimeError:  # built outside a running app's context: no app to read a size from
            app = None
        self._styled_at_mount = app is not None and app.is_running
        """Mounted into a running app with its breakpoint classes: the first resume need not restyle."""
        if self._styled_at_mount:
            self.add_class(*self._breakpoint_classes())

    def _breakpoint_classes(self) -> list[str]:
        """The classes Textual's ``Screen._on_resize`` gives this screen at the app's size now."""
        app = self.app
        width, height = app.size
        horizontal = app.HORIZONTAL_BREAKPOINTS if self.HORIZONTAL_BREAKPOINTS is None else self.HORIZONTAL_BREAKPOINTS
        vertical = app.VERTICAL_BREAKPOINTS if self.VERTICAL_BREAKPOINTS is None else self.VERTICAL_BREAKPOINTS
        return [name for name in (_reached(width, horizontal or []), _reached(height, vertical or [])) if name]

    def post_message(self, message: Message) -> bool:
        if isinstance(message, events.ScreenResume) and self._styled_at_mount:
            self._styled_at_mount = False
            message.refresh_styles = False
        return super().post_message(message)


def _reached(size: int, breakpoints: list[tuple[int, str]]) -> str | None:
    """The class of the highest breakpoint ``size`` reaches, as Textual picks it."""
    for threshold, name in sorted(breakpoints, reverse=True):
        if size >= threshold:
            return name
    return None
