"""``sqla-tui demo``: build the teaching database; the only command that writes."""

from pathlib import Path
from typing import Annotated, Optional

import typer

from sqla_tui.cli.app import app
from sqla_tui.cli.options import target_for
from sqla_tui.cli.output import fail, on_workbench, run
from sqla_tui.core.grammar import counted


async def _build_sqlite(path: Optional[Path], scale: float, replace: bool) -> tuple[Path, dict[str, int]]:
    from sqla_tui.demo_db.load import build_demo_sqlite

    return await build_demo_sqlite(path, scale=scale, replace=replace)


def _sqlite_file(url: str) -> Optional[Path]:
    """The file a SQLite ``--url`` names, built like ``--path``; None for a server or in-memory URL."""
    from sqla_tui.core.connect.sqlite_target import read_sqlite_url
    from sqla_tui.core.connect.url import parse_url

    parsed = parse_url(url)
    return read_sqlite_url(parsed.database, parsed.query).path if parsed.get_backend_name() == "sqlite" else None


@app.command()
def demo(
    url: Annotated[
        Optional[str],
        typer.Option("--url", help="Load the demo into this PostgreSQL/MariaDB database, or build it in this SQLite file, instead."),
    ] = None,
    path: Annotated[Optional[Path], typer.Option("--path", help="Where to write the SQLite demo file.")] = None,
    scale: Annotated[float, typer.Option("--scale", min=0.01, max=100.0, help="Multiply the seed sizes.")] = 1.0,
    replace: Annotated[bool, typer.Option("--replace", help="Drop and rebuild an existing demo.")] = False,
) -> None:
    """Build the built-in teaching database. SQLite by default, or into --url.

    The default demo file is ours, so finding it already built is not an
    error; any other existing target is refused unless --replace.
    """
    if url is not None and path is not None:
        fail("give --url or --path, not both")
    if url is None and path is None and not replace:
        from sqla_tui.core.connect.target import demo_path

        existing = demo_path()
        if existing.exists():
            typer.echo(f"demo database ready: {existing} (already built; --replace rebuilds it; 'sqla-tui' opens it)")
            return
    target = target_for(url) if url is not None else None  # a saved connection's name too
    if target is not None and target.url is not None:
        path = _sqlite_file(target.url)
    if target is not None and path is None:
        from sqla_tui.core.connect.masking import mask_url

        counts = on_workbench(target, lambda bench: bench.load_demo(scale=scale, replace=replace), read_only=False)
        where = mask_url(url or "")
    else:
        built, counts = run(_build_sqlite(path, scale, replace))
        where = str(built)
    total = sum(counts.values())
    typer.echo(f"demo database ready: {where} ({counted(total, 'row')} in {counted(len(counts), 'table')})")
