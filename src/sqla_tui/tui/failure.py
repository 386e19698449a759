"""What the app does with an exception nothing else caught: one masked line on screen, and it carries on.

Textual ends the app with a traceback when a message handler raises (a key's
action, a screen's handler), and the message loop that raised stops for
good, which is why simply not exiting would leave a frozen screen. The app
and every screen therefore handle each message inside ``HandlerGuard``: a
failure becomes a notification and the next message is handled as usual.
``SQLA_TUI_DEBUG=1`` restores Textual's own ending, traceback included.
"""

from __future__ import annotations

from textual.message import Message
from textual.message_pump import MessagePump

from sqla_tui.core.connect.unexpected import failure_line
from sqla_tui.last_resort import DEBUG_VARIABLE, debugging


class HandlerGuard(MessagePump):
    """Mixed into the app and GuardedScreen: a handler's unexpected exception is a notification, not the end.

    Overrides Textual's private ``_dispatch_message`` (the one call that runs
    a message's handlers, 8.x); tests/test_tui_failure.py pins the behaviour.
    """

    async def _dispatch_message(self, message: Message) -> None:
        try:
            await super()._dispatch_message(message)
        except Exception as error:
            if debugging():
                raise
            line = f"{failure_line(error)} (a bug in sqla-tui: {DEBUG_VARIABLE}=1 shows its traceback)"
            self.app.notify(line, title="Unexpected error", severity="error", timeout=10, markup=False)
