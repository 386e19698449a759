"""PlanNode: one execution plan tree, whatever database produced it.

PostgreSQL, MariaDB/MySQL and SQLite describe plans in three unrelated
shapes; the normalisers (``plan_postgresql``, ``plan_mysql``,
``plan_sqlite``) map each onto these fields so the warnings, the CLI and the
TUI are written once. A field is None where the database does not say,
never a guess dressed up as a measurement.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from sqla_tui.core.sqltext import one_line


@dataclass
class PlanNode:
    """One operation of a plan, with its inputs as children.

    ``est_rows``/``act_rows`` are rows out of the node per loop (the
    convention of both PostgreSQL and MariaDB); ``ms`` is the node's time
    over all its loops, children included; ``cost`` is the planner's total
    cost in the database's own units, children included.
    """

    op: str
    relation: str | None = None
    alias: str | None = None
    index: str | None = None
    join_type: str | None = None
    est_rows: float | None = None
    act_rows: float | None = None
    loops: int | None = None
    cost: float | None = None
    ms: float | None = None
    buffers: dict[str, int] | None = None
    children: list[PlanNode] = field(default_factory=list)
    detail: str | None = None  # the database's own words for the node, when they add something
    filter: str | None = None  # the condition applied at this node, as the database prints it
    lookups: list[str] = field(default_factory=list)  # columns of `relation` looked up by = or IN
    full_scan: bool = False  # reads every row of `relation` (Seq Scan, access_type ALL, SCAN)
    partitions: list[str] = field(default_factory=list)  # the partitions of `relation` read (MariaDB/MySQL); [] = all
    spill: str | None = None  # how a sort or hash went to disk, when it did
    hottest: bool = False  # the node that costs the most on its own (time if analysed, else cost)
    role: str | None = None
    """What the node is to the plan when it is no plain input of its parent, by the database's name for it:
    PostgreSQL's ``InitPlan 1 (returns $0)``, ``SubPlan 4``, ``CTE m``, which a filter such as ``(hashed
    SubPlan 4)`` refers to."""

    def walk(self) -> Iterator[PlanNode]:
        """This node and every descendant, depth first, parents before children."""
        yield self
        for child in self.children:
            yield from child.walk()

    def self_weight(self, measure: str) -> float | None:
        """This node's own share of ``measure`` ("ms", "cost" or "est_rows"), children subtracted."""
        own = getattr(self, measure)
        if own is None:
            return None
        if measure == "est_rows":
            return own * (self.loops or 1)
        below = sum(child.inclusive(measure) for child in self.children)
        return max(own - below, 0.0)

    def inclusive(self, measure: str) -> float:
        """``measure`` of this subtree: the node's own figure, else its children's added up."""
        own = getattr(self, measure)
        return own if own is not None else sum(child.inclusive(measure) for child in self.children)


def mark_hottest(root: PlanNode) -> PlanNode | None:
    """Flag the node with the largest own time (analysed), else cost, else rows out; return it.

    A measure counts when two or more nodes carry it, or one node that reads
    a table; so SQLite's plans, whose only figure is the whole statement's
    time on the root, have no hottest node.
    """
    for measure in ("ms", "cost", "est_rows"):
        weighed = [(weight, node) for node in root.walk() if (weight := node.self_weight(measure)) is not None]
        if len(weighed) > 1 or (weighed and weighed[0][1].relation):
            hottest = max(weighed, key=lambda pair: pair[0])[1]
            hottest.hottest = True
            return hottest
    return None


def relations(root: PlanNode) -> list[str]:
    """Every table the plan reads, once each, in plan order."""
    seen: list[str] = []
    for node in root.walk():
        if node.relation and node.relation not in seen:
            seen.append(node.relation)
    return seen


def _number(value: float) -> str:
    value = round(float(value), 2)  # MariaDB's rows x filtered% lands on 3.9999 for 4
    return f"{value:,.0f}" if value.is_integer() or value >= 100 else f"{value:,.2f}"


def describe(node: PlanNode) -> str:
    """What the node does, in one line: ``Index Scan on posts (p) using ix_posts_user_id``, ``SubPlan 4: Seq Scan
    on tags``."""
    words = [f"{node.role}:", node.op] if node.role else [node.op]
    if node.join_type:
        words.append(f"[{node.join_type}]")
    if node.relation:
        alias = f" ({node.alias})" if node.alias and node.alias != node.relation else ""
        words.append(f"on {node.relation}{alias}")
    if node.index:
        words.append(f"using {node.index}")
    if node.partitions:
        words.append(f"in partitions {', '.join(node.partitions)}")
    return " ".join(words)


NOTE_WIDTH = 200
"""Characters of a condition shown under a node; a longer one (an IN list of 500 keys) is folded and cut."""


def notes(node: PlanNode) -> list[str]:
    """The lines under a node: the database's own words, its filter and any spill, each one line and bounded."""
    found = [(label, value) for label, value in (("", node.detail), ("filter: ", node.filter), ("spill: ", node.spill)) if value]
    return [f"{label}{one_line(value, NOTE_WIDTH)}" for label, value in found]


def figures(node: PlanNode) -> str:
    """The node's numbers, the ones the database gave: ``rows 20 est / 18 act x3 · cost 36.0 · 0.120 ms``."""
    parts = []
    if node.est_rows is not None or node.act_rows is not None:
        counted = [f"{_number(value)} {word}" for value, word in ((node.est_rows, "est"), (node.act_rows, "act")) if value is not None]
        rows = "rows " + " / ".join(counted)
        if node.loops and node.loops > 1:
            rows += f" x{node.loops:,} loops"
        parts.append(rows)
    if node.cost is not None:
        parts.append(f"cost {_number(node.cost)}")
    if node.ms is not None:
        parts.append(f"{node.ms:,.3f} ms")
    return " · ".join(parts)
