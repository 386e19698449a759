"""Warnings that teach, computed from a PlanNode tree and a few catalog facts.

Scan types alone mislead: a database reads a table whole, although an index
on the filtered column exists, when most of its rows match (going through the
index would cost more), and PostgreSQL reads a ten-row table sequentially
always. So the warnings ask the catalog whether any index (or primary/unique
key) starts with the column: only when none does is a ``CREATE INDEX``
suggested; otherwise the warning says why the scan was chosen.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from sqla_tui.core.plans.node import PlanNode
from sqla_tui.core.plans.predicates import columns_in
from sqla_tui.core.sqltext import one_line

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
    most_rows: float = 0.2  # share of a table's rows past which reading it whole beats an index, roughly


@dataclass(frozen=True)
class TableFacts:
    """What the catalog says about one table the plan reads."""

    rows: int | None  # the database's row estimate, None when it has none
    leading: dict[str, str]
    """First column of every index, primary key and unique constraint -> that index's name (the first of several)."""
    columns: frozenset[str] = frozenset()
    partition_rows: dict[str, int] = field(default_factory=dict)
    """Row estimate per partition, where partitions are inside the table (MariaDB/MySQL)."""
    rows_per_key: dict[str, int] = field(default_factory=dict)
    """Leading column -> rows per value of its index, as SQLite's planner reads them (sqlite_stat1)."""


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
    if facts is None or not (node.full_scan or automatic) or node.relation is None:
        return
    for column in node.lookups:
        if column in facts.leading:
            continue
        how = (
            "SQLite builds a throwaway index for it on every run"
            if automatic
            else f"{_where(node)} reads every row to find the matches"
        )
        yield PlanWarning(
            "unindexed_lookup",
            f"{node.relation}.{column} is looked up by = or IN but no index starts with it; {how}",
            _create_index(node.relation, column, ctx),
        )


def _full_scan(node: PlanNode, ctx: WarningContext) -> Iterator[PlanWarning]:
    """A large table read whole for a filter: an index to add when none starts with a filtered column, else why not.

    A database reads a table whole although an index exists when most rows
    match (or it cannot use the index for this condition); an index helps
    only where the filter keeps few rows.
    """
    facts = ctx.facts.get(node.relation or "")
    if not node.full_scan or not (node.filter or node.lookups) or facts is None:
        return
    rows, scope = _rows_read(node, facts)
    if rows is None or rows < ctx.thresholds.large_table:
        return
    kept = f" to keep ~{node.est_rows:,.0f}" if node.est_rows is not None else ""
    seen = f"{_where(node)} reads all ~{rows:,} rows{scope}{kept} (filter: {one_line(node.filter or ', '.join(node.lookups), _FILTER_WIDTH)})"
    filtered = list(node.lookups)
    if node.filter:
        filtered += [c for c in columns_in(node.filter, {node.relation, node.alias}, facts.columns) if c not in filtered]
    indexed = [column for column in filtered if column in facts.leading]
    share = _expected_share(node, rows, facts, indexed)
    if indexed:
        message = f"{seen}, although {facts.leading[indexed[0]]} starts with {indexed[0]}"
        fix = _why_not_the_index(indexed[0], share, node, ctx)
    elif filtered:
        message = f"{seen}; no index starts with {' or '.join(filtered)}"
        create = _create_index(node.relation or "", filtered[0], ctx)
        if share is not None and ctx.thresholds.most_rows <= share < 1:
            fix = f"an index would not help while the planner expects {share:.0%} of the rows to match; for filters that keep few rows: {create}"
        else:
            fix = create
    else:
        message, fix = seen, "add an index on the filtered column(s), or filter on a column that has one"
    yield PlanWarning("full_scan", message, fix)


def _expected_share(node: PlanNode, rows: int, facts: TableFacts, indexed: list[str]) -> float | None:
    """The share of the rows read that the planner expects the filter to keep, if it says.

    SQLite's plan has no estimates; for an equality on an indexed column its
    planner reads rows per value from sqlite_stat1, and so do we.
    """
    if not rows:
        return None
    if node.est_rows is not None:
        return node.est_rows / rows
    looked_up = [column for column in indexed if column in node.lookups and column in facts.rows_per_key]
    return facts.rows_per_key[looked_up[0]] / rows if looked_up else None


def _why_not_the_index(column: str, share: float | None, node: PlanNode, ctx: WarningContext) -> str:
    """Why a table was read whole although an index starts with a filtered column, by the share of rows expected to match."""
    refresh = f"refresh the statistics ({ctx.analyze_command.format(table=ctx.quote(node.relation or ''))})"
    out_of_reach = f"a function, cast or type mismatch on {column}, or a LIKE pattern starting with a wildcard, keeps the index out of reach"
    if share is None or share < ctx.thresholds.most_rows:
        return f"find why the index was not used: {out_of_reach}; or {refresh}"
    if share < 1:
        return (
            f"nothing to add: the planner expects {share:.0%} of the rows to match, and reading them all costs less "
            f"than an index lookup per match; if far fewer match, {refresh}"
        )
    return f"the planner expects every row to match, or cannot estimate the condition: {out_of_reach}; or {refresh}"


_FILTER_WIDTH = 120
"""Characters of a condition shown in a warning; a longer one (an IN list of 500 keys) is folded and cut."""


def _rows_read(node: PlanNode, facts: TableFacts) -> tuple[int | None, str]:
    """Rows a full scan reads, and of what: the table's, or only those of the partitions it reads."""
    if node.partitions and all(name in facts.partition_rows for name in node.partitions):
        rows = sum(facts.partition_rows[name] for name in node.partitions)
        return rows, f" of partition{'s' * (len(node.partitions) > 1)} {', '.join(node.partitions)}"
    return facts.rows, ""


def _create_index(relation: str, column: str, ctx: WarningContext) -> str:
    quote = ctx.quote
    return f"CREATE INDEX {quote(f'ix_{relation}_{column}')} ON {quote(relation)} ({quote(column)})"


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
            loops = math.prod(outer) if all(rows is not None for rows in outer) else None  # type: ignore[arg-type]  # all() above proves no None
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
