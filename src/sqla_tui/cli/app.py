"""The Typer application: the rule that a bare URL opens the TUI, and how every command ends."""

import sys
from collections.abc import Sequence
from typing import Any

import typer
from typer.core import TyperGroup

from sqla_tui import __version__
from sqla_tui.cli.plain_words import PlainWords
from sqla_tui.core.errors import EXIT_USAGE, UserError


class _OpenByDefault(TyperGroup):
    """Route ``sqla-tui`` and ``sqla-tui URL`` to the ``open`` command.

    Click parses a group's own arguments before its subcommand, so an optional
    URL on the group would swallow command names; instead anything that is not
    a known command (or a group flag) is handed to ``open``.
    """

    _GROUP_FLAGS = ("--help", "-h", "--version", "--install-completion", "--show-completion")

    def parse_args(self, ctx, args):
        if ctx.resilient_parsing and not args:  # shell completion of the first word: the command names
            return super().parse_args(ctx, args)
        if not args or (args[0] not in self.commands and args[0] not in self._GROUP_FLAGS):
            args = ["open", *args]
        return super().parse_args(ctx, args)

    def main(  # type: ignore[override]  # Click's main is overloaded; this keeps its signature
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        """Run the command line; every way it can fail ends in one line on stderr and exit status 2.

        Click would print a usage error as three lines and let any other
        exception through as a traceback; here a usage error names the option
        and the help to read, a UserError raised outside ``output.run`` is
        printed like any other, and anything else is the last resort's line.
        Python warnings become one line each while the command runs, and on a
        terminal no control character a command prints is obeyed (``output.terminal_shown``).
        """
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        from sqla_tui.cli.output import terminal_shown, usage_line, warnings_as_lines
        from sqla_tui.last_resort import exit_unexpected, user_urls

        argv = list(sys.argv[1:] if args is None else args)
        prog_name = prog_name or "sqla-tui"
        command = f"{prog_name} {argv[0]}" if argv and argv[0] in self.commands else prog_name
        with terminal_shown(), warnings_as_lines():
            try:
                code = self._run(argv, prog_name, complete_var, **extra)
            except typer.TyperException as error:  # Click's usage errors and bad option values
                code = _help_asked(error) if _names_no_subcommand(error) else _ended(usage_line(error, command))
            except UserError as error:  # raised outside output.run, e.g. while saving a spec
                code = _ended(str(error))
            except typer.Abort:
                code = _ended("aborted")
            except Exception as error:  # noqa: BLE001 - the last resort: one line instead of a traceback
                exit_unexpected(error, user_urls(argv))
        sys.exit(code if isinstance(code, int) else 0)

    def _run(self, argv: list[str], prog_name: str, complete_var: str | None, **extra: Any) -> Any:
        """Click's run of the command line, or a plain command's run of its own words (``cli.plain_words``).

        Parsing the group's own flags would build their pydantic adapters too,
        and a command name first means none was given: the group has nothing
        to do but pass its context settings (``-h``) on.
        """
        command = self.commands.get(argv[0]) if argv else None
        if isinstance(command, PlainWords) and command.reads_plainly(argv[1:]):
            settings = {**self.context_settings, **extra}
            return command.main(argv[1:], f"{prog_name} {argv[0]}", standalone_mode=False, **settings)
        return super().main(argv, prog_name, complete_var, standalone_mode=False, **extra)


def _ended(line: str) -> int:
    typer.echo(f"error: {line}", err=True)
    return EXIT_USAGE


app = typer.Typer(
    cls=_OpenByDefault,
    add_completion=True,  # --install-completion / --show-completion; saved names complete where a URL goes
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # Click's plain help: Rich's panels cost ~0.15 s of imports per --help
    context_settings={"help_option_names": ["--help", "-h"]},
    help=(
        "See what SQLAlchemy really does: emitted SQL, loader fan-out, EXPLAIN plans "
        "and live connection-pool gauges. 'sqla-tui [URL]' opens the app "
        "(the built-in demo database when no URL is given)."
    ),
)


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"sqla-tui {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_print_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """See what SQLAlchemy really does to your database."""


def _names_no_subcommand(error: typer.TyperException) -> bool:
    """Whether ``error`` is Click's for a group given no command (``sqla-tui config``): it asks for the help, which
    is no usage mistake. By name: Typer raises the NoArgsIsHelpError of the Click it vendors, not click's own."""
    return type(error).__name__ == "NoArgsIsHelpError" and getattr(error, "ctx", None) is not None


def _help_asked(error: typer.TyperException) -> int:
    """The group's help on stdout, as ``--help`` prints it, and success."""
    typer.echo(error.ctx.get_help())  # type: ignore[attr-defined]  # a usage error's context: _names_no_subcommand
    return 0
