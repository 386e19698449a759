"""MariaDB's and MySQL's plans as a PlanNode tree.

``EXPLAIN FORMAT=JSON`` (both) and ``ANALYZE FORMAT=JSON`` (MariaDB) nest
operations by key: ``query_block`` holds a ``table``, a ``nested_loop`` list
of tables, an ``ordering_operation``/``filesort`` wrapping either, and so
on. A table's ``access_type`` says how it is read (``ALL`` is a full scan,
``ref``/``eq_ref``/``range`` use an index); ``rows`` is rows examined per
scan and ``filtered`` the percentage kept, so rows out = rows x filtered.
MariaDB prints a table by its alias, so the statement text supplies the name.
MySQL 8's ``EXPLAIN ANALYZE`` is a text tree instead (``from_mysql_tree``).
"""

from __future__ import annotations

import json
import re
from typing import Any

from sqla_tui.core.grammar import counted
from sqla_tui.core.plans.node import PlanNode
from sqla_tui.core.plans.predicates import columns_looked_up, sources

_FULL_SCANS = ("ALL", "hash_ALL", "index")  # "index" reads the whole index: every row, in key order
_ACCESS_WORDS = {
    "ALL": "full table scan", "hash_ALL": "full scan into a hash join", "index": "full index scan",
    "range": "index range scan", "ref": "index lookup", "eq_ref": "unique index lookup",
    "const": "one row by primary/unique key", "system": "one-row table", "ref_or_null": "index lookup (or NULL)",
    "index_merge": "several indexes merged", "fulltext": "full-text index", "hash_range": "hash join on a range",
}  # fmt: skip
_OPERATIONS = {
    "query_block", "nested_loop", "table", "block-nl-join", "ordering_operation", "grouping_operation",
    "duplicates_removal", "filesort", "temporary_table", "read_sorted_file", "materialized", "subqueries",
    "union_result", "query_specifications", "windowing", "expression_cache", "attached_subqueries",
    "having", "optimized_away_subqueries", "window_functions_computation",
}  # fmt: skip
_TREE_LINE = re.compile(r"^(?P<indent>\s*)-> (?P<op>.*?)(?:\s+\(cost=(?P<cost>[\d.e+]+) rows=(?P<rows>[\d.e+]+)\))?"
                        r"(?:\s+\(actual time=[\d.e+]+\.\.(?P<ms>[\d.e+]+) rows=(?P<act>[\d.e+]+) loops=(?P<loops>\d+)\))?\s*$")  # fmt: skip
_STRING_LINE = re.compile(r'^(?P<head>\s*"[\w-]+": )"(?P<value>.*)"(?P<tail>,?)$')
_BARE_QUOTE = re.compile(r'(?<!\\)"')
_TREE_TABLE = re.compile(r"\bon (?P<table>\w+)(?: using (?P<index>\w+))?")


def parse_json(document: str) -> Any:
    """Parse MariaDB's EXPLAIN JSON, which prints ``'`` as ``\\'`` and ``"`` unescaped inside strings.

    A condition quoting a parameter such as ``O'Brien`` makes the document
    invalid JSON; MariaDB puts each string value on its own line, so those
    lines are re-escaped and the rest is left alone.
    """
    try:
        return json.loads(document, strict=False)
    except json.JSONDecodeError:
        pass
    lines = []
    for line in document.splitlines():
        match = _STRING_LINE.match(line)
        if match:
            value = _BARE_QUOTE.sub('\\"', match["value"].replace("\\'", "'"))
            lines.append(f'{match["head"]}"{value}"{match["tail"]}')
        else:
            lines.append(line)
    return json.loads("\n".join(lines), strict=False)


def _number(value: Any) -> float | None:
    """MySQL prints some numbers as strings ("10.00"); MariaDB as numbers."""
    if value is None:
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _cost(block: dict[str, Any]) -> float | None:
    info = block.get("cost_info") or {}
    if "query_cost" in info:
        return _number(info["query_cost"])
    if "prefix_cost" in info:
        return _number(info["prefix_cost"])
    return _number(block.get("cost"))


def _rows_out(rows: float | None, filtered: Any) -> float | None:
    percent = _number(filtered)
    return None if rows is None else rows * (100.0 if percent is None else percent) / 100.0


class _Reader:
    """Turns one JSON plan into nodes, knowing the statement's table aliases."""

    def __init__(self, statement: str) -> None:
        self.tables = sources(statement)
        self.only_source = len(set(self.tables.values())) == 1

    def table(self, raw: dict[str, Any], wrapper: dict[str, Any] | None = None) -> PlanNode:
        if "table_name" not in raw and "message" in raw:  # no table read: the optimizer's words say why
            return PlanNode(op=raw["message"], children=self.children(raw))  # "No tables used", "Impossible WHERE"…
        name = raw.get("table_name", "?")
        relation = self.tables.get(name, name)
        access = raw.get("access_type", "")
        condition = raw.get("attached_condition") or (wrapper or {}).get("attached_condition")
        rows = _number(raw.get("rows", raw.get("rows_examined_per_scan")))
        r_rows = _number(raw.get("r_rows"))
        ms = [_number(raw.get(key)) for key in ("r_table_time_ms", "r_other_time_ms", "r_total_time_ms")]
        return PlanNode(
            op=access or "table",
            relation=relation,
            alias=name if name != relation else None,
            index=raw.get("key"),
            join_type=(wrapper or {}).get("join_type"),
            est_rows=_rows_out(rows, raw.get("filtered")),
            act_rows=_rows_out(r_rows, raw.get("r_filtered")),
            loops=raw.get("r_loops"),
            cost=_cost(raw),
            ms=sum(value for value in ms if value is not None) if any(v is not None for v in ms) else None,
            detail=_ACCESS_WORDS.get(access),
            filter=condition or raw.get("index_condition"),
            lookups=columns_looked_up(condition, {name, relation}, self.only_source) if condition else [],
            full_scan=access in _FULL_SCANS,
            partitions=list(raw.get("partitions") or []),
            children=self.children(raw),
        )

    def node(self, key: str, raw: Any) -> PlanNode:
        if key == "table":
            return self.table(raw)
        if key == "block-nl-join":
            return self.table(raw["table"], wrapper=raw)
        if isinstance(raw, list):
            return PlanNode(op=key, children=[self.unwrap(item, key) for item in raw])
        op = f"{key} #{raw['select_id']}" if "select_id" in raw else key
        passes = raw.get("r_sort_passes") or 0
        children = self.children(raw)
        ms = _number(raw.get("r_total_time_ms"))
        if ms is not None and key != "query_block":  # a filesort's time is its own; add its input's
            ms += sum(child.inclusive("ms") for child in children)
        return PlanNode(
            op=op,
            loops=raw.get("r_loops"),
            cost=_cost(raw),
            ms=ms,
            detail=f"sort key: {raw['sort_key']}" if "sort_key" in raw else ("filesort" if raw.get("using_filesort") else None),
            filter=raw.get("attached_condition") or raw.get("having_condition"),
            spill=f"sort merged in {counted(passes, 'pass')} through a temporary file" if passes else None,
            children=children,
        )

    def unwrap(self, item: Any, key: str) -> PlanNode:
        """A list entry: ``{"table": {...}}`` becomes the table, anything else a ``key`` node."""
        if isinstance(item, dict) and len(item) == 1 and next(iter(item)) in _OPERATIONS:
            inner_key, inner = next(iter(item.items()))
            return self.node(inner_key, inner)
        if isinstance(item, dict) and "query_block" in item:
            return self.node("query_block", item["query_block"])
        return self.node(key, item)

    def children(self, raw: dict[str, Any]) -> list[PlanNode]:
        return [self.node(key, value) for key, value in raw.items() if key in _OPERATIONS]


def from_mysql_json(raw: dict[str, Any], statement: str) -> PlanNode:
    """The tree under ``query_block`` of an EXPLAIN/ANALYZE FORMAT=JSON document."""
    return _Reader(statement).node("query_block", raw["query_block"])


def from_mysql_tree(text: str, statement: str) -> PlanNode:
    """MySQL 8's ``EXPLAIN ANALYZE`` text (``-> op (cost=.. rows=..) (actual time=.. rows=.. loops=..)``).

    Written to MySQL's documented format; not run against a MySQL server here.
    """
    tables = sources(statement)
    root = PlanNode(op="EXPLAIN ANALYZE")
    stack: list[tuple[int, PlanNode]] = [(-1, root)]
    for line in text.splitlines():
        match = _TREE_LINE.match(line)
        if match is None:
            continue
        depth = len(match["indent"])
        op = match["op"]
        table = _TREE_TABLE.search(op)
        loops = int(match["loops"]) if match["loops"] else None
        node = PlanNode(
            op=op,
            relation=tables.get(table["table"], table["table"]) if table else None,
            index=table["index"] if table else None,
            est_rows=_number(match["rows"]),
            act_rows=_number(match["act"]),
            loops=loops,
            cost=_number(match["cost"]),
            ms=ms * (loops or 1) if (ms := _number(match["ms"])) is not None else None,
            full_scan=op.startswith("Table scan"),
        )
        while stack[-1][0] >= depth:
            stack.pop()
        parent = stack[-1][1]
        if node.full_scan and parent.op.startswith("Filter: "):
            node.filter = parent.op.removeprefix("Filter: ")
            node.lookups = columns_looked_up(node.filter, {name for name in (table["table"], node.relation) if name}, True) if table else []
        parent.children.append(node)
        stack.append((depth, node))
    return root.children[0] if len(root.children) == 1 else root
