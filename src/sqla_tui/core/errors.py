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


CHOICES_SHOWN = 12
"""Names a one-line error lists before "and N more": a 300-column table's would fill a screen and hide the error."""


def choices(names: list[str], typed: str) -> str:
    """``names`` as a one-line error lists them: all of a few, sorted; of many, the closest to ``typed`` first."""
    import difflib

    ordered = sorted(names)
    if len(ordered) <= CHOICES_SHOWN:
        return ", ".join(ordered)
    close = difflib.get_close_matches(typed, ordered, n=3)
    shown = close + [name for name in ordered if name not in close][: CHOICES_SHOWN - len(close)]
    return f"{', '.join(shown)} … and {len(ordered) - len(shown)} more"
