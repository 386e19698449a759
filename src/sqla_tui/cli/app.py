"""The Typer application and the rule that a bare URL opens the TUI."""

import typer
from typer.core import TyperGroup

from sqla_tui import __version__


class _OpenByDefault(TyperGroup):
    """Route ``sqla-tui`` and ``sqla-tui URL`` to the ``open`` command.

    Click parses a group's own arguments before its subcommand, so an optional
    URL on the group would swallow command names; instead anything that is not
    a known command (or a group flag) is handed to ``open``.
    """

    _GROUP_FLAGS = ("--help", "-h", "--version")

    def parse_args(self, ctx, args):  # type: ignore[no-untyped-def]
        if not args or (args[0] not in self.commands and args[0] not in self._GROUP_FLAGS):
            args = ["open", *args]
        return super().parse_args(ctx, args)


app = typer.Typer(
    cls=_OpenByDefault,
    add_completion=False,
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
