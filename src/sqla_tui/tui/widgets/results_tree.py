"""The entities a run materialised: root rows whose loaded relationships open like folders.

Only what the run loaded is shown (core built the tree from loaded
attributes), and branches are filled when opened, so a hundred roots with
their collections cost a hundred nodes until someone looks inside.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from sqla_tui.core.query.run import ResultNode

_VALUE_WIDTH = 60


class ResultsTree(Tree[object]):
    """Root rows as nodes; a node's data is its ResultNode, or a (name, children, more) branch."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__("results", **kwargs)
        self.show_root = False

    def show(self, results: list[ResultNode]) -> None:
        self.clear()
        for result in results:
            self._add_entity(self.root, result)
        self.root.expand()
        if self.root.children:
            _ = self.last_line  # lays out the new lines, so the cursor can go to a node added just now
            self.move_cursor(self.root.children[0])

    def _add_entity(self, parent: TreeNode[object], result: ResultNode) -> None:
        label = Text.assemble((result.label, "bold"), "  ", (_values_line(result), "dim"))
        parent.add(label, data=result, allow_expand=True)

    def _on_tree_node_expanded(self, event: Tree.NodeExpanded[object]) -> None:
        node, data = event.node, event.node.data
        if node.children:
            return
        if isinstance(data, ResultNode):
            for name, value in data.values.items():
                node.add_leaf(Text.assemble((name, "italic"), " = ", _short(value)))
            for name, children in data.relationships.items():
                more = data.more.get(name, 0)
                count = len(children) + more
                node.add(Text.assemble((name, "bold"), f"  ({count:,})"), data=(children, more), allow_expand=bool(count))
            if not data.relationships:
                node.add_leaf(Text("no relationship loaded", "dim italic"))
        elif isinstance(data, tuple):
            children, more = data
            for child in children:
                self._add_entity(node, child)
            if more:
                node.add_leaf(Text(f"… {more:,} more", "dim italic"))


def _values_line(result: ResultNode) -> str:
    return _short(", ".join(f"{name}={_shown(value)}" for name, value in result.values.items()))


def _shown(value: object) -> str:
    """A value as Python writes it, a set's items sorted (a MariaDB SET), so the same row always reads the same."""
    if isinstance(value, (set, frozenset)):
        return "{" + ", ".join(sorted(repr(item) for item in value)) + "}" if value else repr(value)
    return repr(value)


def _short(value: object) -> str:
    text = value if isinstance(value, str) else _shown(value)
    return text if len(text) <= _VALUE_WIDTH else text[: _VALUE_WIDTH - 1] + "…"
