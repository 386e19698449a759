"""The ``sqla-tui`` console script: open the app at once, or hand the command line to Typer.

``sqla-tui``, ``sqla-tui URL`` and ``sqla-tui NAME`` (a saved connection) are the launches people type most, and the
Typer app would parse them into exactly a ``Target``; but importing Typer and
coercing every parameter through pydantic costs ~0.1 s before the first frame
(benchmarks/startup.py). So those two launches are recognised here, outside
``sqla_tui.cli`` (whose package imports Typer), and anything else (a command,
a flag, ``--help``, a second argument) goes to the Typer app, whose hidden
``open`` command ends in the same ``open_app``.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Iterator, Sequence
from typing import Any

from sqla_tui.core.connect.target import Target
from sqla_tui.core.errors import EXIT_USAGE, UserError

COMPLETION_VARIABLE = "_SQLA_TUI_COMPLETE"
"""Set by the shell when it asks for completions (``sqla-tui --install-completion``): Click answers it."""


def plain_launch(args: Sequence[str]) -> Target | None:
    """The target of ``sqla-tui`` (``$DATABASE_URL`` or the demo), ``sqla-tui URL`` or ``sqla-tui NAME``; None for anything else.

    A lone argument counts only when it has no leading dash and either has a
    ``://`` or is a saved connection's name (which may not be a command's), so
    it can be neither a command name nor a flag. Only a saved name reads the
    config file, and only its password source loads what it needs (a keyring).
    """
    if os.environ.get(COMPLETION_VARIABLE):
        return None
    if not args:
        return Target(os.environ.get("DATABASE_URL"))
    if len(args) != 1 or args[0].startswith("-"):
        return None
    if "://" in args[0]:
        return Target(args[0])
    return _saved(args[0])


def _saved(name: str) -> Target | None:
    """The saved connection ``name`` with its password, or None (Typer then explains, or runs the command)."""
    from sqla_tui.settings.connections import looks_like_name, lookup, target_of

    try:
        entry = lookup(name) if looks_like_name(name) else None
    except UserError:  # a broken config file: the Typer path says so in one line
        return None
    return None if entry is None else target_of(entry, ask=_ask_on_terminal)


def _ask_on_terminal(question: str) -> str:
    """The password, typed without echo before the app takes the terminal (or piped in, without one)."""
    import getpass

    from sqla_tui.settings.connections import has_terminal, piped_password

    if not has_terminal():
        return piped_password()
    try:
        return getpass.getpass(f"{question}: ")
    except (EOFError, KeyboardInterrupt):
        print(file=sys.stderr)  # end the prompt's line, so the error is a line of its own
        raise UserError("no password was typed") from None


def open_app(target: Target, *, models: str | None = None, lesson: str | None = None) -> None:
    """Check the target, then run the app; a bad URL or pool flag is one line on stderr and exit status 2.

    ``models`` (``package.module:Base``) composes over the application's own classes instead of ours;
    ``lesson`` (a name, or "" for the list) opens the lessons once connected.
    """
    try:
        target.validate()
    except UserError as error:
        print(f"error: {error}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE) from None
    from sqla_tui.tui.collector import paused_collector
    from sqla_tui.tui.early_names import EarlyNames

    early_names = EarlyNames(target).start()  # while Textual imports: the tables in the first frame
    with paused_collector():  # importing Textual and the app tracks ~27,000 long-lived objects: no collection walks them
        from sqla_tui.tui.app import SqlaTuiApp

    app = SqlaTuiApp(target, models=models, lesson=lesson, early_names=early_names)
    app.run()
    if app.return_code:
        raise SystemExit(app.return_code)


def open_attach(
    events: Iterator[dict[str, Any]], *, title: str, target: Target | None = None, stop: threading.Event | None = None
) -> None:
    """Run the attach viewer over a live or recorded feed (``sqla-tui attach`` / ``replay``).

    It opens a database only when ``target`` is given (``--url``), for EXPLAIN
    of a statement from the feed: the application's credentials never leave it.
    """
    from sqla_tui.tui.attach_app import AttachApp

    AttachApp(events, title, target=target, stop=stop).run()


def main() -> None:
    """Entry point of ``sqla-tui`` and ``python -m sqla_tui``; any failure ends in one line (see ``last_resort``)."""
    try:
        target = plain_launch(sys.argv[1:])
    except UserError as error:
        print(f"error: {error}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE) from None
    if target is None:
        from sqla_tui.cli import app  # whose group ends every failure in one line itself

        app(prog_name="sqla-tui")
        return
    try:
        open_app(target)
    except Exception as error:  # noqa: BLE001 - the last resort: one line instead of a traceback
        from sqla_tui.last_resort import exit_unexpected

        exit_unexpected(error, [target.url])
