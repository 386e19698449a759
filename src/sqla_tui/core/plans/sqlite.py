"""SQLite's ``EXPLAIN QUERY PLAN`` rows as a PlanNode tree.

SQLite returns flat ``(id, parent, notused, detail)`` rows; the tree is
rebuilt from ``parent``. Each detail is one sentence such as
``SEARCH posts USING INDEX ix_posts_user_id (user_id=?)`` or
``SEARCH c USING AUTOMATIC COVERING INDEX (post_id=?)``, the latter meaning
SQLite builds a throwaway index on every run because none exists. Details
name a table by its alias, unquoted (a name may hold spaces), and carry no
conditions or row estimates, so the statement's text supplies the table
names and the lookups of a full scan.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from sqla_tui.core.plans.node import PlanNode
from sqla_tui.core.plans.predicates import columns_looked_up, conditions, sources

ROOT_OP = "QUERY PLAN"

_ACCESS = (
    r"^(?P<op>SCAN|SEARCH)\s+(?P<name>{names}\S+)(?:\s+AS\s+\S+)?"
    r"(?:\s+USING\s+(?P<using>(?P<automatic>AUTOMATIC\s+)?(?:PARTIAL\s+)?(?:COVERING\s+)?INDEX"
    r"(?:\s+(?P<index>[^\s(]\S*))?|INTEGER PRIMARY KEY|PRIMARY KEY))?"
    r"(?:\s+VIRTUAL TABLE INDEX (?P<virtual>\d+):(?P<constraints>\S*))?"
    r"(?:\s+\((?P<keys>.*)\))?"
)
"""One access sentence; ``{names}`` is filled with the statement's own table names and aliases, longest first."""
_KEY_COLUMN = re.compile(r"^(.+?)(?:=|>|<| IN\b)", re.IGNORECASE)


def _access_node(match: re.Match[str], tables: dict[str, str], statement: str) -> PlanNode:
    name = match["name"]
    relation = tables.get(name, name)
    using = match["using"] or ""
    keys = match["keys"] or ""
    if match["automatic"]:
        index: str | None = "(automatic)"
        lookups = [found[1] for key in keys.split(" AND ") if (found := _KEY_COLUMN.match(key))]
    else:  # SQLite's words: INTEGER PRIMARY KEY is a rowid lookup, PRIMARY KEY a WITHOUT ROWID table's key
        index = match["index"] or (using if "PRIMARY KEY" in using else None)
        lookups = []
    # a virtual table (FTS5, R*Tree) says which of its own indexes it used, and with what constraints (FTS5's M for
    # MATCH): only with none is it reading every row
    searched = bool(match["constraints"])
    if match["virtual"] is not None:
        index = f"virtual table index {match['virtual']}" + (f": {match['constraints']}" if searched else "")
    if match["op"] == "SCAN" and not searched:
        only_source = len(set(tables.values())) == 1
        lookups = columns_looked_up(conditions(statement), {name, relation}, only_source)
    return PlanNode(
        op=match["op"],
        relation=relation,
        alias=name if name != relation else None,
        index=index,
        filter=keys or None,
        lookups=lookups,
        full_scan=match["op"] == "SCAN" and not searched,
    )


def _access_pattern(tables: dict[str, str]) -> re.Pattern[str]:
    """``_ACCESS`` knowing the statement's names, so ``SCAN order items`` reads as the table ``order items``."""
    known = "".join(f"{re.escape(name)}(?=\\s|$)|" for name in sorted(tables, key=len, reverse=True))
    return re.compile(_ACCESS.format(names=known))


def _node(detail: str, access: re.Pattern[str], tables: dict[str, str], statement: str) -> PlanNode:
    match = access.match(detail)
    if match is None:
        return PlanNode(op=detail)
    return _access_node(match, tables, statement)


def from_sqlite(rows: Sequence[Sequence[Any]], statement: str) -> PlanNode:
    """One tree under a ``QUERY PLAN`` root, as the sqlite3 shell draws it."""
    tables = sources(statement)
    access = _access_pattern(tables)
    root = PlanNode(op=ROOT_OP)
    by_id = {0: root}
    for node_id, parent, _, detail in rows:
        node = _node(str(detail), access, tables, statement)
        by_id.get(parent, root).children.append(node)
        by_id[node_id] = node
    return root
