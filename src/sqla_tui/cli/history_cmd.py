"""``sqla-tui history [NAME]``: the query specs run on a connection, newest first, numbered for ``--spec @N``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Optional

import typer

from sqla_tui.cli.app import app
from sqla_tui.cli.options import saved_names
from sqla_tui.cli.output import emit_json, fail
from sqla_tui.core.errors import UserError

if TYPE_CHECKING:
    from sqla_tui.settings.history import HistoryEntry


def _print(entries: list[HistoryEntry]) -> None:
    typer.echo(f"{entries[0].connection}:")
    for entry in entries:
        typer.echo(f"  @{entry.number:<4} {entry.at.replace('T', ' ')[:16]}  {entry.line}")


@app.command()
def history(
    name: Annotated[Optional[str], typer.Argument(help="A saved connection's name, a URL or 'demo'; every connection's history when left out.", show_default=False, autocompletion=saved_names)] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="Entries to show per connection, newest first.")] = 20,
    json: Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")] = False,
) -> None:
    """List the query specs run on a connection; run one again with 'sqla-tui query NAME --spec @N'."""
    from sqla_tui.core.connect.masking import mask_url
    from sqla_tui.core.connect.target import Target
    from sqla_tui.settings import history as store
    from sqla_tui.settings.connections import looks_like_name, lookup

    try:
        if name is None:
            listed = [entries[:limit] for entries in store.every_connection()]
        else:
            if looks_like_name(name) and lookup(name) is None:
                raise UserError(f"{mask_url(name)!r} is neither a database URL nor a saved connection; 'sqla-tui connections list' shows them")
            target = Target(name, name=name if looks_like_name(name) else None)  # no password needed to read history
            listed = [store.entries(target)[:limit]]
    except UserError as error:
        fail(error)
    listed = [entries for entries in listed if entries]
    if json:
        from sqla_tui.core.query.spec_file import spec_data

        emit_json([{"number": e.number, "at": e.at, "connection": e.connection, "spec": spec_data(e.spec)} for entries in listed for e in entries])
        return
    if not listed:
        typer.echo("no query history yet: every query run (sqla-tui query, or r in Compose) is kept here")
    for entries in listed:
        _print(entries)
