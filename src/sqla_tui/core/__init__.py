"""Everything that talks to a database; never imports Textual.

Core returns plain dataclasses that the CLI prints and the TUI renders, so
every panel can also be driven headless and tested without a terminal.
"""

__all__: list[str] = []
