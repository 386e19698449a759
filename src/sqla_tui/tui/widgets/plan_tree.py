"""An execution plan as a tree: one line per operation with its rows, cost and time.

The node that costs the most on its own is drawn with the
``plan-tree--hottest`` component class, so the stylesheet decides how it
stands out; conditions, index keys and spills hang under their node.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from sqla_tui.core.plans.node import PlanNode, describe, figures, notes

HOTTEST_MARK = "◀ most expensive"


class PlanTree(Tree[PlanNode]):
    """The plan, fully expanded; a node's data is its PlanNode (None for a condition line)."""

    COMPONENT_CLASSES = {"plan-tree--hottest", "plan-tree--figures", "plan-tree--note"}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__("plan", **kwargs)
        self.show_root = False
        self.guide_depth = 3

    def show(self, plan: PlanNode) -> None:
        """Replace the tree with ``plan``; the cursor starts on the hottest node, if any."""
        self.clear()
        hottest = self._add(self.root, plan)
        _ = self.last_line  # lays out the new lines, so the cursor can go to a node added just now
        self.move_cursor(hottest or self.root.children[0])

    def _add(self, parent: TreeNode[PlanNode], plan: PlanNode) -> TreeNode[PlanNode] | None:
        """Add ``plan`` and its inputs under ``parent``; return the hottest node's line, if any."""
        style = self.get_component_rich_style("plan-tree--hottest") if plan.hottest else ""
        label = Text(describe(plan), style=style)
        numbers = figures(plan)
        if numbers:
            label.append("  ")
            label.append(numbers, self.get_component_rich_style("plan-tree--figures"))
        if plan.hottest:
            label.append(f"  {HOTTEST_MARK}", style)
        branch = parent.add(label, data=plan, expand=True, allow_expand=True)
        note = self.get_component_rich_style("plan-tree--note")
        for line in notes(plan):
            branch.add_leaf(Text(line, note))
        hottest = branch if plan.hottest else None
        for child in plan.children:
            hottest = self._add(branch, child) or hottest
        if not branch.children:
            branch.allow_expand = False
        return hottest
