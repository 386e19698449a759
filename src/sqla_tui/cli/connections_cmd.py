"""``sqla-tui connections add|list|remove``: names for URLs, so nobody pastes a password into ``ps`` again."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from sqla_tui.cli.app import app
from sqla_tui.cli.output import emit_json, fail
from sqla_tui.core.errors import UserError

connections = typer.Typer(
    help="Save, list and remove named connections ('sqla-tui NAME' opens one).",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(connections, name="connections")


def _commands() -> set[str]:
    """Names a connection may not take: 'sqla-tui NAME' would run the command instead."""
    import typer.main

    return set(typer.main.get_group(app).commands)


@connections.command("add")
def add(
    name: Annotated[str, typer.Argument(help="The name to open it by: letters, digits, '.', '_', '-'.", show_default=False)],
    url: Annotated[str, typer.Argument(help="Database URL; a password in it goes to the system keyring, never the file.", show_default=False)],
    password_env: Annotated[Optional[str], typer.Option("--password-env", help="Read the password from this environment variable when connecting, e.g. PGPASSWORD.")] = None,
    ask: Annotated[bool, typer.Option("--ask-password", help="Ask for the password each time it connects.")] = False,
) -> None:
    """Save URL as NAME (replacing a connection of that name)."""
    from sqla_tui.core.connect.masking import mask_url
    from sqla_tui.settings.connections import add as save

    try:
        entry, note = save(name, url, password_env=password_env, prompt=ask, reserved=_commands())
    except UserError as error:
        fail(error)
    typer.echo(f"saved {entry.name}: {mask_url(entry.url)}" + (f"; {note}" if note else ""))


@connections.command("list")
def list_(json: Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")] = False) -> None:
    """List the saved connections and where each one's password comes from."""
    from sqla_tui.core.connect.masking import mask_url
    from sqla_tui.settings.connections import saved
    from sqla_tui.settings.paths import config_file

    try:
        entries = saved()
    except UserError as error:
        fail(error)
    if json:
        emit_json([{"name": e.name, "url": mask_url(e.url), "password": e.password_from} for e in entries])
        return
    if not entries:
        typer.echo(f"no saved connections in {config_file()}; add one with 'sqla-tui connections add NAME URL'")
        return
    width = max(len(entry.name) for entry in entries)
    for entry in entries:
        typer.echo(f"{entry.name:<{width}}  {mask_url(entry.url)}  (password: {entry.password_from})")


@connections.command("remove")
def remove(name: Annotated[str, typer.Argument(help="The saved connection to forget (and its keyring entry).", show_default=False)]) -> None:
    """Forget a saved connection."""
    from sqla_tui.settings.connections import remove as forget

    try:
        entry = forget(name)
    except UserError as error:
        fail(error)
    typer.echo(f"removed {entry.name}")
