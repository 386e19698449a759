"""``sqla-tui query``: run a composed query and print every statement it caused."""

from typing import TYPE_CHECKING, Annotated, Optional

import typer

from sqla_tui.cli.app import app
from sqla_tui.cli.options import MODELS_OPTION, connection_command, query_command
from sqla_tui.cli.output import emit_json, run

if TYPE_CHECKING:
    from sqla_tui.core.connect import Target


async def _run(target: "Target", spec, models: Optional[str], touch: list[str] | None):  # type: ignore[no-untyped-def]
    """Run the spec; with ``touch`` None only map and return the Python source."""
    from sqla_tui.core.connect import connect, resolve_url
    from sqla_tui.core.entities import resolve_entity
    from sqla_tui.core.loader_tree import python_source
    from sqla_tui.core.run import run_spec

    engine, _ = await connect(await resolve_url(target.url), target.pool)
    try:
        entity = await resolve_entity(engine, spec.root, models)
        if touch is None:
            return python_source(spec, entity)
        return await run_spec(engine, entity, spec, touch=touch)
    finally:
        await engine.dispose()


def _print_human(result) -> None:  # type: ignore[no-untyped-def]
    from sqla_tui.core.sqltext import format_sql

    statements, origins = result.statements, result.origins
    position = 0
    while position < len(statements):
        end = position + 1
        while end < len(statements) and origins[end] == origins[position] and statements[end].shape == statements[position].shape:
            end += 1
        run_of = statements[position:end]
        rows, ms = sum(s.rows for s in run_of), sum(s.ms for s in run_of)
        label = f"#{position + 1}" if len(run_of) == 1 else f"#{position + 1}-{end} (x{len(run_of)})"
        typer.echo(f"{label}  {origins[position]}  rows={rows}  {ms:.2f} ms")
        typer.echo("    " + format_sql(run_of[0].sql).replace("\n", "\n    "))
        position = end
    for found in result.n_plus_one:
        typer.echo(f"N+1: {found.message}")
    for refused in result.raised:
        typer.echo(f"raise: {refused.attribute} refused {refused.count} access(es): {refused.message}")
    summary = result.summary
    typer.echo(
        f"{_count(summary.statements, 'statement')}, {_count(summary.rows, 'row')} received, "
        f"{_count(summary.entities, 'entity', 'entities')} ({_count(summary.root_rows, 'root row')})"
    )


def _count(number: int, one: str, many: str | None = None) -> str:
    return f"{number:,} {one if number == 1 else many or one + 's'}"


def _as_json(result) -> dict:  # type: ignore[no-untyped-def]
    return {
        "statements": [
            {"sql": s.sql, "params": s.params, "origin": origin, "rows": s.rows, "bytes": s.bytes, "ms": round(s.ms, 3)}
            for s, origin in zip(result.statements, result.origins)
        ],
        "summary": result.summary,
        "n_plus_one": result.n_plus_one,
        "raised": result.raised,
        "python": result.python,
    }


@app.command()
@connection_command()
@query_command
def query(
    target: "Target",
    spec,  # type: ignore[no-untyped-def]
    touch: Annotated[Optional[list[str]], typer.Option("--touch", "-t", help="Access PATH afterwards, as app code would (shows lazy loads).")] = None,
    models: Annotated[Optional[str], MODELS_OPTION] = None,
    json: Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")] = False,
    python: Annotated[bool, typer.Option("--python", help="Print the equivalent SQLAlchemy code and exit.")] = False,
    save: Annotated[Optional[str], typer.Option("--save", help="Save the query spec to this JSON file.")] = None,
) -> None:
    """Run a query with loader options; print every statement, its origin and rows."""
    if save:
        from pathlib import Path

        spec.save(Path(save))
    if python:
        typer.echo(run(_run(target, spec, models, None)), nl=False)
        return
    result = run(_run(target, spec, models, touch or []))
    if json:
        emit_json(_as_json(result))
    else:
        _print_human(result)
