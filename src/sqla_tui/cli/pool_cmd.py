"""``sqla-tui pool``: reproduce pool exhaustion on purpose and print what the pool went through."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from sqla_tui.cli.app import app
from sqla_tui.cli.options import ExportFormat, connection_command, format_option
from sqla_tui.cli.output import emit_json, emit_table, on_workbench, wants_json
from sqla_tui.core.grammar import counted
from sqla_tui.words import pool as words

if TYPE_CHECKING:
    from sqla_tui.core.connect.target import Target
    from sqla_tui.core.observe.figures import Sample
    from sqla_tui.core.pool.lab import PoolRunReport

_SERIES_ROWS = 10


@app.command()
@connection_command()
def pool(
    target: Target,
    tasks: Annotated[int, typer.Option("--tasks", help="Concurrent tasks (at most 1000).")] = 10,
    hold_ms: Annotated[int, typer.Option("--hold-ms", help="How long each task holds its connection.")] = 100,
    duration: Annotated[float, typer.Option("--duration", help="Seconds to run (at most 600).")] = 5.0,
    scenario: Annotated[
        str, typer.Option("--scenario", help="steady, burst, leak, slow-query or idle-in-transaction.")
    ] = "steady",
    leak_threshold: Annotated[
        float, typer.Option("--leak-threshold", help="Report checkouts held longer than this (s).")
    ] = 2.0,
    json: Annotated[bool, typer.Option("--json", help="Print JSON (with the sampled series) instead of text.")] = False,
    format_name: Annotated[Optional[ExportFormat], format_option("the sampled series, one row per sample")] = None,
) -> None:
    """Put a load on the connection pool. Reports checkouts, waits, timeouts and leaks."""
    from sqla_tui.core.pool.load import LoadSpec

    spec = LoadSpec(scenario=scenario, tasks=tasks, hold_ms=hold_ms, duration_s=duration)  # type: ignore[arg-type]  # LoadSpec.validate() refuses any other scenario in one line
    as_json = wants_json(json, format_name)
    report = on_workbench(target, lambda bench: bench.pool_report(spec, leak_threshold=leak_threshold), connect=False)
    if format_name is not None and not as_json:
        from sqla_tui.core.export.sources import pool_series

        emit_table(pool_series(report.series), format_name)
        return
    if as_json:
        emit_json({"totals": totals(report), **{name: getattr(report, name) for name in _REPORT_FIELDS}})
        return
    _print(report)


_REPORT_FIELDS = ("url", "server_version", "spec", "load", "pool", "series")


def totals(report: PoolRunReport) -> dict[str, Any]:
    """The headline figures, the same in text and JSON."""
    snapshot, load = report.pool, report.load
    acquire = snapshot.acquire
    return {
        "max_checked_out": snapshot.max_checked_out,
        "capacity": snapshot.capacity,
        "max_waiters": snapshot.max_waiters,
        "acquire_p50_ms": acquire.p50_ms if acquire else None,
        "acquire_p95_ms": acquire.p95_ms if acquire else None,
        "acquire_max_ms": acquire.max_ms if acquire else None,
        "hold_p95_ms": snapshot.hold.p95_ms,
        "checkouts": snapshot.counters.checkouts,
        "completed": load.completed,
        "cancelled": load.cancelled,
        "timeouts": load.timeouts,
        "timeout_message": load.first_messages.get("TimeoutError"),
        "errors": load.errors,
        "leak_suspects": len(snapshot.leak_suspects) + len(snapshot.released_suspects),
    }


def _print(report: PoolRunReport) -> None:
    snapshot, spec, figures = report.pool, report.spec, totals(report)
    echo = typer.echo
    echo(f"{report.url}  ({report.server_version})")
    echo(
        f"{spec.scenario}: {counted(spec.tasks, 'task')}, hold {spec.hold_ms} ms, {spec.duration_s:g} s; "
        f"{words.settings_summary(snapshot)}"
    )
    for note in [report.load.hold_note, *snapshot.limitations]:
        if note:
            echo(f"note: {note}")
    echo("")
    echo(f"{'t (s)':>6} {'out':>5} {'idle':>5} {'waiting':>8} {'timeouts':>9}")
    for point in _series_rows(report.series):
        echo(f"{point.t:>6.1f} {point.checked_out:>5} {_n(point.idle):>5} {_n(point.waiters):>8} {point.timeouts:>9}")
    echo("")
    capacity = f" of {figures['capacity']}" if figures["capacity"] is not None else ""
    acquire = "/".join(_ms(figures[f"acquire_{key}_ms"]) for key in ("p50", "p95", "max"))
    lines = [
        ("max checked out", f"{figures['max_checked_out']}{capacity}"),
        ("max waiters", _n(figures["max_waiters"])),
        ("acquire p50/p95/max", f"{acquire} ms"),
        ("hold p95", f"{_ms(figures['hold_p95_ms'])} ms"),
        ("checkouts", f"{figures['checkouts']}  ({figures['completed']} held their full time)"),
        ("cancelled", f"{figures['cancelled']}  (still waiting for a connection when the run ended)"),
        ("timeouts", str(figures["timeouts"]) + (f"  ({figures['timeout_message']})" if figures["timeouts"] else "")),
        ("errors", str(figures["errors"])),
    ]
    for label, value in lines:
        echo(f"{label:<20} {value}")
    for kind, count in report.load.error_counts.items():
        echo(f"  {count} x {kind}: {report.load.first_messages.get(kind, '')}")
    _print_leaks(report)


def _print_leaks(report: PoolRunReport) -> None:
    snapshot = report.pool
    suspects = snapshot.leak_suspects + snapshot.released_suspects
    threshold = f"{snapshot.leak_threshold_s:g} s"
    if not suspects:
        typer.echo(f"{'leak suspects':<20} none held past {threshold}")
        return
    typer.echo(f"{'leak suspects':<20} {len(suspects)} held past {threshold}")
    for suspect in suspects:
        typer.echo(f"  {words.leak_sentence(suspect)}")


def _series_rows(series: list[Sample]) -> list[Sample]:
    """At most ten rows: per slice of time, the peak checked out and waiting, timeouts so far."""
    from dataclasses import replace

    if not series:
        return []
    step = -(-len(series) // _SERIES_ROWS)
    rows = []
    for start in range(0, len(series), step):
        chunk = series[start : start + step]
        waiting = [point.waiters for point in chunk if point.waiters is not None]
        rows.append(
            replace(
                chunk[-1],
                checked_out=max(point.checked_out for point in chunk),
                waiters=max(waiting) if waiting else None,
            )
        )
    return rows


def _n(value: int | None) -> str:
    return "-" if value is None else str(value)


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}"
