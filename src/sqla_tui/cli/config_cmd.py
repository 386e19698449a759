"""``sqla-tui config path|edit``: where the settings file is, and opening it in the user's editor."""

from __future__ import annotations

import typer

from sqla_tui.cli.app import app
from sqla_tui.cli.output import fail
from sqla_tui.core.errors import UserError

config = typer.Typer(help="Show or edit the settings file (connections, keymap, theme).", no_args_is_help=True, rich_markup_mode=None)
app.add_typer(config, name="config")


@config.command("path")
def path() -> None:
    """Print the settings file's path (it may not exist yet)."""
    from sqla_tui.settings.paths import config_file

    typer.echo(str(config_file()))


@config.command("edit")
def edit() -> None:
    """Open the settings file in $VISUAL or $EDITOR, creating it with commented examples first; then check it."""
    import click

    from sqla_tui.settings import config_file

    try:
        file = config_file.ensure()
        click.edit(filename=str(file))
        config_file.read(file)
    except click.ClickException as error:
        fail(f"cannot open an editor: {error.format_message()}; set $EDITOR, or edit {file} yourself")
    except UserError as error:
        fail(error)
