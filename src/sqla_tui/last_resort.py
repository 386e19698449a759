"""The console script's last resort: an exception nothing else explained ends as one masked line and exit 2.

Every expected failure is a ``UserError`` with its own sentence; what reaches
here is a bug (or the OS), and a user still deserves one line and a way to
see more. ``SQLA_TUI_DEBUG=1`` prints the traceback above the line. Free of
Typer and SQLAlchemy, so the fast launch path can use it too.
"""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Iterable, Sequence
from typing import NoReturn

from sqla_tui.core.connect.unexpected import failure_line
from sqla_tui.core.errors import EXIT_USAGE

DEBUG_VARIABLE = "SQLA_TUI_DEBUG"


def debugging() -> bool:
    """True when ``SQLA_TUI_DEBUG=1``: tracebacks and Python's own warning format are shown."""
    return os.environ.get(DEBUG_VARIABLE) == "1"


def user_urls(argv: Sequence[str]) -> list[str]:
    """The URLs the user may have given, as typed: arguments that look like one, and ``$DATABASE_URL``."""
    return [arg for arg in argv if "://" in arg] + [os.environ.get("DATABASE_URL") or ""]


def unexpected_line(error: BaseException, urls: Iterable[str | None] = ()) -> str:
    """``error: unexpected <Type>: <first line>; ...``: what happened and what to do about it, masked."""
    return (
        f"error: unexpected {failure_line(error, urls)}; this is a bug in sqla-tui: "
        f"run it again with {DEBUG_VARIABLE}=1 to see the traceback, and report it"
    )


def exit_unexpected(error: BaseException, urls: Iterable[str | None] = ()) -> NoReturn:
    """Print the unexpected line (the traceback first under SQLA_TUI_DEBUG=1) and exit 2."""
    if debugging():
        traceback.print_exception(error, file=sys.stderr)
    print(unexpected_line(error, urls), file=sys.stderr)
    raise SystemExit(EXIT_USAGE)
