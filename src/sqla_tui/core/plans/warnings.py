"""Warnings that teach, computed from a PlanNode tree and a few catalog facts.

Scan types alone mislead: PostgreSQL reads a ten-row table sequentially even
when an index exists, because that is cheaper. So the unindexed-lookup
warning asks the catalog whether any index (or primary/unique key) starts
with the looked-up column, and only then suggests the ``CREATE INDEX``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from sqla_tui.core.plans.node import PlanNode

_LIMIT = re.compile(r"\bLIMIT\b|\bFETCH\s+FIRST\b", re.IGNORECASE)


@dataclass(frozen=True)
class PlanWarning:
    """Something in the plan worth fixing: what kind, what was seen, what to do."""

    kind: str  # "unindexed_lookup" | "full_scan" | "misestimate" | "spill" | "nested_loop"
    message: str
    suggestion: str


@dataclass(frozen=True)
class Thresholds:
    """Where a plan starts to deserve a warning; defaults suit an interactive tool."""

    large_table: int = 1_000  # rows in a table before a filtered full scan of it is worth a warning
    misestimate: float = 10.0  # estimated vs actual rows ratio
    loops: int = 1_000  # times the inner side of a nested loop runs


@dataclass(frozen=True)
class TableFacts:
    """What the catalog says about one table the plan reads."""

    rows: int | None  # the database's row estimate, None when it has none
    leading_columns: frozenset[str]  # first column of every index, primary key and unique constraint


@dataclass(frozen=True)
class WarningContext:
    """Everything the rules read besides the tree."""

    facts: dict[str, TableFacts]
    statement: str
    analyzed: bool
    quote: Callable[[str], str]  # the dialect's identifier quoting
    analyze_command: str  # how this dialect refreshes statistics, with {table} to fill in
    thresholds: Thresholds = Thresholds()


def _where(node: PlanNode) -> str:
    on = f" on {node.relation}" if node.relation else ""
    return f"{node.op}{on}"


def _unindexed(node: PlanNode, ctx: WarningContext) -> Iterator[PlanWarning]:
    facts = ctx.facts.get(node.relation or "")
    automatic = node.index == "(automatic)"
    if facts is None or not (node.full_scan or automatic):
        return
    quote = ctx.quote
    for column in node.lookups:
        if column in facts.leading_columns:
            continue
        how = (
            "SQLite builds a throwaway index for it on every run"
            if automatic
            else f"{_where(node)} reads every row to find the matches"
        )
        yield PlanWarning(
            "unindexed_lookup",
            f"{node.relation}.{column} is looked up by = or IN but no index starts with it; {how}",
            f"CREATE INDEX {quote(f'ix_{node.relation}_{column}')} ON {quote(node.relation)} ({quote(column)})",
        )


def _full_scan(node: PlanNode, ctx: WarningContext) -> Iterator[PlanWarning]:
    facts = ctx.facts.get(node.relation or "")
    if not node.full_scan or not (node.filter or node.lookups) or facts is None or facts.rows is None:
        return
    if facts.rows >= ctx.thresholds.large_table:
        kept = f" to keep ~{node.est_rows:,.0f}" if node.est_rows is not None else ""
        yield PlanWarning(
            "full_scan",
            f"{_where(node)} reads all ~{facts.rows:,} rows{kept} (filter: {node.filter or ', '.join(node.lookups)})",
            "add an index on the filtered column(s), or filter on a column that has one",
        )


def _misestimate(node: PlanNode, ctx: WarningContext) -> Iterator[PlanWarning]:
    if not ctx.analyzed or node.est_rows is None or node.act_rows is None or not node.loops:
        return
    estimated, actual = max(node.est_rows, 1.0), max(node.act_rows, 1.0)
    ratio = max(estimated, actual) / min(estimated, actual)
    if ratio < ctx.thresholds.misestimate:
        return
    if actual < estimated and _LIMIT.search(ctx.statement):
        return  # a LIMIT stops a node early: fewer rows than planned is expected there
    direction = "under-estimated" if actual > estimated else "over-estimated"
    fix = ctx.analyze_command.format(table=ctx.quote(node.relation)) if node.relation else "ANALYZE the tables involved"
    yield PlanWarning(
        "misestimate",
        f"{_where(node)}: rows {direction} {ratio:,.0f}x (expected {node.est_rows:,.0f}, got {node.act_rows:,.0f} per loop)",
        f"refresh the statistics ({fix}); if it persists, the planner cannot estimate this filter (correlated columns, functions, LIKE patterns)",
    )


def _spill(node: PlanNode, ctx: WarningContext) -> Iterator[PlanWarning]:
    if node.spill:
        yield PlanWarning(
            "spill",
            f"{_where(node)}: {node.spill}",
            "give the session more sort/hash memory (work_mem, sort_buffer_size) or sort fewer rows",
        )


def _nested_loop(node: PlanNode, ctx: WarningContext) -> Iterator[PlanWarning]:
    if not node.op.lower().replace("_", " ").startswith("nested loop") or len(node.children) < 2:
        return
    for position, inner in enumerate(node.children[1:], start=1):
        loops: float | None = inner.loops
        if loops is None:
            outer = [child.est_rows for child in node.children[:position]]
            loops = math.prod(outer) if all(rows is not None for rows in outer) else None  # type: ignore[arg-type]
        if loops is not None and loops >= ctx.thresholds.loops:
            target = f" of {inner.relation}" if inner.relation else ""
            yield PlanWarning(
                "nested_loop",
                f"{_where(node)}: the inner side ({_where(inner)}) runs {loops:,.0f} times",
                f"index the join column{target} so each run is a lookup, or filter the outer side to fewer rows",
            )


_RULES = (_unindexed, _full_scan, _misestimate, _spill, _nested_loop)


def plan_warnings(root: PlanNode, ctx: WarningContext) -> list[PlanWarning]:
    """Every warning the tree deserves, each once, in plan order per rule."""
    found: list[PlanWarning] = []
    unindexed_nodes: set[int] = set()
    for rule in _RULES:
        for node in root.walk():
            if rule is _full_scan and id(node) in unindexed_nodes:
                continue  # the unindexed-lookup warning already says it, with the fix
            for warning in rule(node, ctx):
                if rule is _unindexed:
                    unindexed_nodes.add(id(node))
                if warning not in found:
                    found.append(warning)
    return found
