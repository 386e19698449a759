"""``sqla-tui query``: run a composed query and print every statement it caused."""

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from sqla_tui.cli.app import app
from sqla_tui.cli.options import (
    MODELS_OPTION,
    OUTPUT_OPTION,
    SCRIPT_OPTION,
    ExportFormat,
    connection_command,
    format_option,
    models_for,
    query_command,
    with_models,
)
from sqla_tui.cli.output import emit_json, emit_table, emit_text, fail, on_workbench, wants_json
from sqla_tui.core.errors import UserError

if TYPE_CHECKING:
    from sqla_tui.core.connect.target import Target


def _print_human(result) -> None:
    """Runs of one statement fold into one entry, exactly as the compose screen's log shows them."""
    from sqla_tui.core.grammar import counted
    from sqla_tui.core.query.preview import consecutive_runs, summary_text
    from sqla_tui.core.sqltext import format_sql

    for run_of in consecutive_runs(result.statements, result.origins):
        typer.echo(f"{run_of.label}  {run_of.origin}  rows={run_of.rows}  {run_of.ms:.2f} ms")
        typer.echo("    " + format_sql(run_of.statements[0].received).replace("\n", "\n    "))
    for found in result.n_plus_one:
        typer.echo(f"N+1: {found.message}")
    for refused in result.raised:
        typer.echo(f"raise: {refused.attribute} refused {counted(refused.count, 'access')}: {refused.message}")
    for warning in result.warnings:
        typer.echo(f"warning: {warning}")
    typer.echo(summary_text(result.summary, result.matched_roots))


def _as_json(result, root: str) -> dict:
    """The run's report: every statement, the summary, and the root rows as the JSON export writes them."""
    from sqla_tui.core.export.sources import result_rows
    from sqla_tui.core.export.writers import records

    return {
        "statements": [
            {"sql": s.received, "params": s.params, "origin": origin, "rows": s.rows, "bytes": s.bytes, "ms": round(s.ms, 3)}
            for s, origin in zip(result.statements, result.origins)
        ],
        "summary": result.summary,
        "matched_roots": result.matched_roots,
        "n_plus_one": result.n_plus_one,
        "raised": result.raised,
        "python": result.python,
        "warnings": result.warnings,
        "rows": records(result_rows(result, root)),
    }


def remember(target: "Target", spec) -> None:
    """Keep the spec in the connection's history ('sqla-tui history', '--spec @1')."""
    from sqla_tui.settings.history import remember as keep

    try:
        keep(target, spec)
    except UserError as error:
        fail(error)


@app.command()
@connection_command()
@query_command
def query(
    target: "Target",
    spec,
    touch: Annotated[Optional[list[str]], typer.Option("--touch", "-t", help="Access PATH afterwards, as app code would (shows lazy loads).")] = None,
    models: Annotated[Optional[str], MODELS_OPTION] = None,
    json: Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")] = False,
    format_name: Annotated[Optional[ExportFormat], format_option("one row per root entity, its columns as the header")] = None,
    python: Annotated[bool, typer.Option("--python", help="Print the equivalent SQLAlchemy code and exit.")] = False,
    save: Annotated[Optional[Path], typer.Option("--save", help="Save the query spec to this JSON file (for --spec).")] = None,
    script: Annotated[bool, SCRIPT_OPTION] = False,
    output: Annotated[Optional[Path], OUTPUT_OPTION] = None,
) -> None:
    """Run a query with loader options. Prints every statement, its origin and rows."""
    models = models_for(spec, models)
    if save:
        from sqla_tui.core.query.spec_file import save_spec

        save_spec(spec, save)
    if script:
        emit_text(on_workbench(target, lambda bench: bench.script(spec, touch=touch or []), models=models), output)
        return
    if python:
        typer.echo(on_workbench(target, lambda bench: bench.python(spec), models=models), nl=False)
        return
    as_json = wants_json(json, format_name)
    result = on_workbench(target, lambda bench: bench.run(spec, touch=touch or []), models=models)
    remember(target, with_models(spec, models))
    if as_json:
        emit_json(_as_json(result, spec.root))
    elif format_name is not None:
        from sqla_tui.core.export.sources import result_rows

        emit_table(result_rows(result, spec.root), format_name)
    else:
        _print_human(result)
