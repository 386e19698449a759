"""PostgreSQL's ``EXPLAIN (FORMAT JSON)`` as a PlanNode tree.

Each JSON node names its type, relation, index, estimates and, when
analysed, actuals per loop; ``Plans`` holds its inputs. Disk spills show as
``Sort Method: external ...`` and as more than one hash batch.
"""

from __future__ import annotations

from typing import Any

from sqla_tui.core.plans.node import PlanNode
from sqla_tui.core.plans.predicates import columns_looked_up

_FULL_SCANS = ("Seq Scan", "Parallel Seq Scan")
_BUFFER_KEYS = {
    f"{area} {kind} Blocks": f"{area.lower()}_{kind.lower()}"
    for area in ("Shared", "Local", "Temp")
    for kind in ("Hit", "Read", "Dirtied", "Written")
}


def _spill(node: dict[str, Any]) -> str | None:
    method = node.get("Sort Method", "")
    if "external" in method:
        return f"sort went to disk ({method}, {node.get('Sort Space Used', '?')} kB)"
    batches = node.get("Hash Batches") or node.get("HashAgg Batches") or 0
    if batches > 1:
        return f"hash split into {batches} batches on disk"
    if node.get("Disk Usage"):
        return f"hash aggregate used {node['Disk Usage']} kB of disk"
    return None


def _detail(raw: dict[str, Any]) -> str | None:
    """The condition or key that says how the node finds or orders its rows."""
    for key in ("Index Cond", "Hash Cond", "Merge Cond", "Join Filter"):
        if key in raw:
            return f"{key}: {raw[key]}"
    if "Sort Key" in raw:
        return "Sort Key: " + ", ".join(raw["Sort Key"])
    if "CTE Name" in raw:
        return f"reads CTE {raw['CTE Name']}"
    return None


def _index(raw: dict[str, Any], children: list[PlanNode]) -> str | None:
    """The index a node uses; a Bitmap Heap Scan's are named on its Bitmap Index Scan inputs."""
    if "Index Name" in raw:
        return raw["Index Name"]
    found = [node.index for child in children for node in child.walk() if node.op == "Bitmap Index Scan" and node.index]
    return ", ".join(found) if raw["Node Type"] == "Bitmap Heap Scan" and found else None


def _node(raw: dict[str, Any]) -> PlanNode:
    op = raw.get("Operation", raw["Node Type"]) if raw["Node Type"] == "ModifyTable" else raw["Node Type"]
    children = [_node(child) for child in raw.get("Plans", [])]
    relation, alias = raw.get("Relation Name"), raw.get("Alias")
    condition = raw.get("Filter")
    loops = raw.get("Actual Loops")
    buffers = {name: raw[key] for key, name in _BUFFER_KEYS.items() if key in raw}
    return PlanNode(
        op=op,
        relation=relation,
        alias=alias,
        index=_index(raw, children),
        join_type=raw.get("Join Type"),
        est_rows=raw.get("Plan Rows"),
        act_rows=raw.get("Actual Rows"),
        loops=loops,
        cost=raw.get("Total Cost"),
        ms=raw["Actual Total Time"] * (loops or 1) if "Actual Total Time" in raw else None,
        buffers=buffers or None,
        children=children,
        detail=_detail(raw),
        filter=condition,
        lookups=columns_looked_up(condition, {name for name in (relation, alias) if name}, only_source=True) if condition and relation else [],
        full_scan=op in _FULL_SCANS,
        spill=_spill(raw),
        role=raw.get("Subplan Name"),
    )


def from_postgresql(raw: list[dict[str, Any]]) -> PlanNode:
    """The tree of the first (only) statement in an EXPLAIN (FORMAT JSON) result."""
    return _node(raw[0]["Plan"])
