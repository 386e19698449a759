"""The tables people export: a run's root rows and statements, a fan-out comparison, a plan, a pool series.

Each builder takes core's own result dataclass and returns a ``Table``, so the
CLI's ``--format`` and the TUI's export dialog cannot disagree on columns.
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from sqla_tui.core.export.table import Table
from sqla_tui.core.observe.capture import CapturedStatement
from sqla_tui.core.observe.figures import Sample
from sqla_tui.core.plans.node import PlanNode
from sqla_tui.core.query.fanout import FanoutReport, PlanResult
from sqla_tui.core.query.run import RunResult


def result_rows(result: RunResult, root: str) -> Table:
    """One row per root entity, the root's columns (in mapping order) as the header, named as the database names
    them (``user id``, not the attribute ``user_id``).

    Relationships are left out: they are rows of other tables, and a flat
    file has one header. A column an entity did not load (deferred) is empty.
    """
    keys = result.columns
    return Table(f"results-{root}", list(result.headers), [[node.values.get(key) for key in keys] for node in result.results])


STATEMENT_COLUMNS = ["n", "origin", "rows", "bytes", "ms", "sql", "params"]


def statement_log(statements: list[CapturedStatement], origins: list[str], root: str) -> Table:
    """Every statement of a run, unfolded, numbered from 1 like the log: origin, rows, bytes, time, SQL, parameters."""
    rows = [
        [number, origin, statement.rows, statement.bytes, round(statement.ms, 3), statement.received, statement.params]
        for number, (statement, origin) in enumerate(zip(statements, origins), start=1)
    ]
    return Table(f"statements-{root}", STATEMENT_COLUMNS, rows)


_FANOUT_FIELDS = [item.name for item in fields(PlanResult) if item.name not in ("sql",)]


def fanout_table(report: FanoutReport) -> Table:
    """One row per loading plan, every measured figure as a column."""
    rows = [[getattr(result, name) for name in _FANOUT_FIELDS] for result in report.results]
    return Table(f"fanout-{report.root}", list(_FANOUT_FIELDS), rows)


PLAN_COLUMNS = [
    "depth", "op", "relation", "alias", "index", "join_type", "est_rows", "act_rows", "loops",
    "cost", "ms", "filter", "detail", "full_scan", "hottest",
]  # fmt: skip


def plan_table(root: PlanNode) -> Table:
    """The plan tree depth first, parents before children, each node's depth as the first column."""
    rows: list[list[Any]] = []

    def visit(node: PlanNode, depth: int) -> None:
        rows.append([depth, *(getattr(node, name) for name in PLAN_COLUMNS[1:])])
        for child in node.children:
            visit(child, depth + 1)

    visit(root, 0)
    return Table("plan", PLAN_COLUMNS, rows)


_SAMPLE_FIELDS = [item.name for item in fields(Sample)]


def pool_series(samples: list[Sample]) -> Table:
    """The pool monitor's sampled history, one row per sample (``t`` in seconds since it started)."""
    return Table("pool-series", list(_SAMPLE_FIELDS), [[getattr(s, name) for name in _SAMPLE_FIELDS] for s in samples])
