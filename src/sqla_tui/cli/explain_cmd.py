"""``sqla-tui explain``: the database's plan for a statement, as one tree with warnings.

The statement is either typed (``--sql`` with ``--param`` values in the
driver's placeholder style) or composed from ROOT and the query flags, in
which case its main SELECT is explained with the parameters SQLAlchemy
binds. Either way it passes core's guard (one explainable statement, nothing
a rollback cannot undo); the connection is read-only unless ``--allow-write``.
"""

import functools
import json as json_module
import math
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from sqla_tui.cli.app import app
from sqla_tui.cli.options import (
    MODELS_OPTION,
    ExportFormat,
    connection_command,
    format_option,
    models_for,
    query_command,
)
from sqla_tui.cli.output import emit_json, emit_table, fail, on_workbench, wants_json

if TYPE_CHECKING:
    from sqla_tui.core.connect.target import Target

_TYPED = "(--sql)"
"""The root query_command receives when the statement is typed instead of composed."""


def _typed_or_composed(command):
    """Let ``--sql`` stand in for ROOT, which query_command otherwise requires."""

    @functools.wraps(command)
    def wrapper(**kwargs: Any) -> Any:
        if kwargs.get("sql") is not None:
            if kwargs.get("root") or kwargs.get("spec_file"):
                fail("give either --sql or ROOT (with the query flags), not both")
            kwargs["root"] = _TYPED
        elif kwargs.get("param"):
            fail("--param goes with --sql; a composed query binds its own parameters")
        elif not kwargs.get("root") and not kwargs.get("spec_file"):
            fail("nothing to explain: give --sql 'SELECT ...' or a ROOT table, e.g. 'sqla-tui explain demo posts'")
        return command(**kwargs)

    return wrapper


def parse_param(value: str) -> Any:
    """A JSON number, true/false/null, list or quoted string; anything else is text as typed.

    NaN, Infinity and numbers past a float's range (1e999) are not JSON
    numbers, and would make the --json output invalid: they are text too.
    An integer no database can hold is refused.
    """
    try:
        parsed = json_module.loads(value, parse_constant=_not_a_number, parse_float=_finite, parse_int=_int64)
    except ValueError:
        return value
    return value if isinstance(parsed, dict) else parsed


def _not_a_number(constant: str) -> float:
    raise ValueError(f"{constant} is not a JSON number")


def _int64(text: str) -> int:
    number = int(text)
    if not -(2**63) <= number < 2**63:
        fail(f"--param {text} is out of range: databases hold 64-bit integers; quote it ('\"{text}\"') to pass it as text")
    return number


def _finite(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(f"{text} is out of a float's range")
    return number


def _print_tree(node, depth: int = 0) -> None:
    from sqla_tui.core.plans.node import describe, figures, notes

    numbers = figures(node)
    marker = "  <- most expensive" if node.hottest else ""
    typer.echo(f"{'  ' * depth}{describe(node)}{'  ' + numbers if numbers else ''}{marker}")
    for line in notes(node):
        typer.echo(f"{'  ' * depth}    {line}")
    for child in node.children:
        _print_tree(child, depth + 1)


def _print_human(result) -> None:
    from sqla_tui.core.query.preview import params_text
    from sqla_tui.core.sqltext import one_line

    how = "analysed, rolled back" if result.analyzed else "estimated"
    typer.echo(f"{result.dialect} plan ({how}) for: {one_line(result.statement, 200)}")
    if result.params:
        typer.echo(f"params: {params_text(result.params)}")
    _print_tree(result.plan)
    if not result.warnings:
        typer.echo("no warnings")
    for warning in result.warnings:
        typer.echo(f"warning [{warning.kind}]: {warning.message}")
        typer.echo(f"    fix: {warning.suggestion}")


@app.command()
@connection_command()
@_typed_or_composed
@query_command
def explain(
    target: "Target",
    spec,
    sql: Annotated[Optional[str], typer.Option("--sql", help="Explain this statement instead of a composed query.")] = None,
    param: Annotated[
        Optional[list[str]],
        typer.Option("--param", help="A value for the next placeholder of --sql (?, $1 or %s, as the driver writes them); JSON numbers/null/true are typed."),
    ] = None,
    analyze: Annotated[bool, typer.Option("--analyze", help="Run the statement for actual rows and times, in a rolled-back transaction; what a rollback cannot undo is refused.")] = False,
    allow_write: Annotated[
        bool, typer.Option("--allow-write", help="Use a writable connection: --analyze of a non-SELECT (rolled back), or MariaDB planning one.")
    ] = False,
    models: Annotated[Optional[str], MODELS_OPTION] = None,
    json: Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")] = False,
    format_name: Annotated[Optional[ExportFormat], format_option("the plan tree, one row per node with its depth")] = None,
) -> None:
    """Show the database's plan for a statement. One tree, the most expensive node, warnings with fixes."""
    params = tuple(parse_param(value) for value in param) if param else None
    models = models_for(spec, models) if sql is None else models
    as_json = wants_json(json, format_name)
    result = on_workbench(
        target,
        lambda bench: (
            bench.explain(sql, params, analyze=analyze, allow_write=allow_write)
            if sql is not None
            else bench.explain_spec(spec, analyze=analyze)
        ),
        models=models,
        read_only=not allow_write,
    )
    if as_json:
        emit_json(result)
    elif format_name is not None:
        from sqla_tui.core.export.sources import plan_table

        emit_table(plan_table(result.plan), format_name)
    else:
        _print_human(result)
