"""The terminal app: screens and widgets over ``sqla_tui.core``; holds no SQL.

Nothing heavy is imported here, so ``sqla-tui --help`` and the headless
commands never pay Textual's import time; import ``sqla_tui.tui.app`` to run it.
"""

__all__: list[str] = []
