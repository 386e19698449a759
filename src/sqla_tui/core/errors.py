"""The one exception type a person is meant to read.

Anything raised as ``UserError`` carries a single line that says what is
wrong and what to do; the CLI prints it and exits 2, the TUI shows it as a
notification. Everything else is a bug and is allowed to look like one.
"""

EXIT_USAGE = 2
"""The exit status of a command that stopped on a ``UserError``."""


class UserError(Exception):
    """A problem with the user's input or environment, explained in one line."""

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(message.split()))

    @property
    def message(self) -> str:
        return str(self)
