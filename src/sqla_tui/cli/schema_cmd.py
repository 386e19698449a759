"""``sqla-tui schema``: what is in the database."""

from typing import Annotated

import typer

from sqla_tui.cli.app import app
from sqla_tui.cli.options import Target, connection_command
from sqla_tui.cli.output import emit_json, run


async def _load(target: Target):  # type: ignore[no-untyped-def]
    from sqla_tui.core.connect import connect, resolve_url
    from sqla_tui.core.schema import list_relations

    engine, info = await connect(await resolve_url(target.url), target.pool)
    try:
        return info, await list_relations(engine)
    finally:
        await engine.dispose()


@app.command()
@connection_command()
def schema(
    target: Target,
    json: Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")] = False,
) -> None:
    """List the tables and views of a database."""
    info, relations = run(_load(target))
    if json:
        emit_json({"dialect": info.dialect, "server_version": info.server_version, "tables": relations})
        return
    typer.echo(f"{info.url}  ({info.server_version})")
    for relation in relations:
        typer.echo(f"  {relation.name}" + ("  (view)" if relation.kind == "view" else ""))
