"""The fan-out comparison as a table: one set of columns and cells for the CLI and the app.

Both front-ends print the same numbers under the same headings, so a teacher
can move between them; the formatting lives here once.
"""

from __future__ import annotations

from sqla_tui.core.query.fanout import PlanResult

HEADINGS = ("strategy", "stmts", "rows", "entities", "ms med", "rows/root", "dup rows", "cells", "bytes", "ms min–max", "KiB peak")
"""``rows/root`` is main-query rows per root entity: 1.00 when no root row repeats (the verdict's "~9.8 each"). The
median time comes fifth, so an 80-column screen shows it beside the counts (the rest scrolls)."""

OTHER_ENTITIES = "≠"
"""Follows the entities of a plan that loaded other entities than most plans did."""


def table_cells(result: PlanResult) -> tuple[str, ...]:
    """One plan's row under ``HEADINGS``, the strategy first."""
    entities = f"{result.entities:,}" + ("" if result.same_entities else f" {OTHER_ENTITIES}")
    return (
        result.strategy, f"{result.statements:,}", f"{result.rows:,}", entities, _milliseconds(result.ms_median),
        f"{result.rows_per_root:.2f}", f"{result.duplicated_rows:,}", f"{result.cells:,}", f"{result.bytes:,}",
        _milliseconds(result.ms_min, result.ms_max), "–" if result.peak_kib is None else f"{result.peak_kib:,.0f}",
    )  # fmt: skip


def _milliseconds(*times: float | None) -> str:
    """A time, or a range of two, to a tenth of a millisecond; "–" when nothing was timed (``--runs 0``)."""
    return "–" if None in times else "–".join(f"{ms:.1f}" for ms in times)
