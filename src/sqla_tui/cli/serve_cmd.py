"""``sqla-tui serve [URL]``: the same app in a web browser, through textual-serve (see ``cli/web.py``)."""

import os
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from sqla_tui.cli.app import app
from sqla_tui.cli.options import target_for
from sqla_tui.cli.output import fail
from sqla_tui.core.errors import UserError

if TYPE_CHECKING:
    from sqla_tui.core.connect.target import Target


@app.command()
def serve(
    url: Annotated[
        Optional[str],
        typer.Argument(help="Database URL (or 'demo'); defaults to $DATABASE_URL, else the demo.", show_default=False),
    ] = None,
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on; one other machines can reach needs --public.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port to listen on.")] = 8000,
    public: Annotated[
        bool, typer.Option("--public", help="Allow a --host other machines can reach: the page has no login.")
    ] = False,
) -> None:
    """Serve the app in a web browser: one app per tab, on localhost unless --public.

    Pass the URL in $DATABASE_URL rather than on the command line to keep its
    password out of the process list; the served pages and app processes never show it.
    """
    from sqla_tui.cli import web
    target = target_for(url or os.environ.get("DATABASE_URL"))  # a saved connection's name too
    try:
        target.validate()
        _check_sqlite_file(target)
        warning = web.exposure_warning(host, port, public, target)
        web.check_port(host, port)
    except UserError as error:
        fail(error)
    if warning is not None:
        typer.echo(f"warning: {warning}", err=True)
    web.serve(target, host, port)


def _check_sqlite_file(target: "Target") -> None:
    """A SQLite file that is missing or no database is refused before serving, as every other command refuses it:
    served, each tab's app would open only to say so."""
    if target.is_demo:
        return
    from sqla_tui.core.connect.sqlite_target import checked_sqlite_url
    from sqla_tui.core.connect.url import parse_url

    url = parse_url(target.url or "")
    if url.get_backend_name() == "sqlite":
        checked_sqlite_url(url.database, url.query)
