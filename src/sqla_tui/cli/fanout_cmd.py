"""``sqla-tui fanout``: the same query under every loading strategy, side by side."""

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
)
from sqla_tui.cli.output import emit_json, emit_table, emit_text, on_workbench, wants_json

if TYPE_CHECKING:
    from sqla_tui.core.connect.target import Target


def _print_table(report) -> None:
    from rich.console import Console
    from rich.table import Table

    from sqla_tui.core.query.fanout_table import HEADINGS, table_cells

    table = Table(title=f"{report.root}: {', '.join(report.paths)}")
    for heading in HEADINGS:
        table.add_column(heading, justify="left" if heading == "strategy" else "right")
    for result in report.results:
        table.add_row(*table_cells(result))
    console = Console()
    console.width = max(console.width, 120)
    console.print(table)
    console.print(report.verdict, soft_wrap=False)
    for warning in report.warnings:
        console.print(f"warning: {warning}", soft_wrap=False, markup=False)


@app.command()
@connection_command()
@query_command
def fanout(
    target: "Target",
    spec,
    path: Annotated[list[str], typer.Option("--path", "-p", help="Relationship path to load, e.g. posts.comments.")],
    strategies: Annotated[
        str, typer.Option("--strategies", help="Comma-separated: joined,selectin,subquery,immediate,select,joined+selectin,mixed.")
    ] = "joined,selectin,subquery,immediate,select,mixed",
    runs: Annotated[int, typer.Option("--runs", help="Timed runs per strategy, after one warm-up.")] = 5,
    memory: Annotated[bool, typer.Option("--memory/--no-memory", help="Also trace each plan's peak Python memory (tracemalloc; the comparison takes ~1.5x as long).")] = False,
    models: Annotated[Optional[str], MODELS_OPTION] = None,
    json: Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")] = False,
    format_name: Annotated[Optional[ExportFormat], format_option("one row per strategy, every figure a column")] = None,
    script: Annotated[bool, SCRIPT_OPTION] = False,
    output: Annotated[Optional[Path], OUTPUT_OPTION] = None,
) -> None:
    """Compare loading strategies side by side. Statements, exact rows, cells, bytes, time, memory."""
    plans = [plan.strip() for plan in strategies.split(",") if plan.strip()]
    models = models_for(spec, models)
    if script:
        emit_text(on_workbench(target, lambda bench: bench.fanout_script(spec, path, plans), models=models), output)
        return
    as_json = wants_json(json, format_name)
    report = on_workbench(target, lambda bench: bench.fanout(spec, path, plans, runs=runs, memory=memory), models=models)
    if as_json:
        emit_json(report)
    elif format_name is not None:
        from sqla_tui.core.export.sources import fanout_table

        emit_table(fanout_table(report), format_name)
    else:
        _print_table(report)
