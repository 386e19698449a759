"""The relationships reachable from the root entity, each with a loader strategy and a touch mark.

Nodes are added when a branch is opened, a few hops deep at most, so a
densely linked schema costs only what the user looks at. Keys cycle or pick
a strategy; every change is posted as the loads and touches it implies.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from sqla_tui.core.catalog.naming import MANY_TO_MANY, MANY_TO_ONE
from sqla_tui.core.query.preview import (
    STRATEGY_CYCLE,
    Relationship,
    next_strategy,
    relationships_of,
)
from sqla_tui.core.query.root import Root, is_table
from sqla_tui.core.query.spec import LoadOption

MAX_DEPTH = 4
"""Hops a path may take from the root; deeper loader chains are rare and the tree stays readable."""

_ARROWS = {MANY_TO_ONE: "→", MANY_TO_MANY: "⇄"}
"""To-one, many-to-many; anything else is one-to-many (⇉)."""


@dataclass(frozen=True)
class ToggleTarget:
    """What a node stands for: a relationship reached along ``path``."""

    path: str
    relationship: Relationship


class LoaderToggles(Tree[ToggleTarget]):
    """A tree of relationship paths; the screen reads ``loads`` and ``touched``, or listens for Changed."""

    BINDINGS = [
        Binding("space,enter", "cycle", "Strategy", id="loaders.cycle"),
        Binding("t", "touch", "Touch", id="loaders.touch"),
        Binding("question_mark", "explain", "Explain strategy", id="loaders.explain"),
        Binding("right", "open", "Open", show=False, id="loaders.open"),
        Binding("left", "close", "Close", show=False, id="loaders.close"),
        *(
            Binding(str(number), f"pick({number})", show=False, id=f"loaders.pick_{number}")
            for number in range(len(STRATEGY_CYCLE))
        ),
    ]

    @dataclass
    class Changed(Message):
        """A strategy or touch mark changed."""

        loads: list[LoadOption]
        """Every path with a strategy, parents first."""
        touch: list[str]
        """Paths to access after the query, as application code would."""

    @dataclass
    class ExplainAsked(Message):
        """``?`` on a relationship: explain its strategy."""

        path: str
        """The relationship path under the cursor."""
        strategy: str | None
        """Its chosen strategy; None is the relationship's default."""
        collection: bool
        """Whether the relationship is a collection."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__("root", **kwargs)
        self.show_root = True
        self.strategies: dict[str, str] = {}
        self.touched: list[str] = []

    @property
    def loads(self) -> list[LoadOption]:
        return [LoadOption(path, strategy) for path, strategy in sorted(self.strategies.items())]

    @property
    def paths(self) -> list[str]:
        """Paths given a strategy or a touch mark, in tree order: what a fan-out compares."""
        return sorted({*self.strategies, *self.touched})

    def show_entity(self, entity: Root, table: str) -> None:
        """Start over from ``entity``: every toggle cleared, its relationships listed.

        A ``Table`` (a view, a table without a key) has no class and so no
        relationships: the tree holds its name and says how its rows are read.
        """
        self.strategies.clear()
        self.touched.clear()
        self.clear()
        if is_table(entity):
            self.root.set_label(Text.assemble((table, "bold"), ("  no relationships", "dim")))
        else:
            self.root.set_label(Text.assemble((entity.__name__, "bold"), (f"  {table}", "dim")))
            self._fill(self.root, entity, "")
        self.root.expand()
        _ = self.last_line  # lays out the new lines, so the cursor can go to a node added just now
        self.move_cursor(self.root.children[0] if self.root.children else self.root)
        self._post_changed()

    def restore(self, loads: list[LoadOption]) -> None:
        """Set the strategies of ``loads`` (a history entry's), opening the branches that lead to each."""
        for load in loads:
            node = self.root
            for depth in range(1, load.path.count(".") + 2):
                prefix = ".".join(load.path.split(".")[:depth])
                found = next(
                    (child for child in node.children if child.data is not None and child.data.path == prefix), None
                )
                if found is None:
                    break
                if found.data is not None and not found.children and prefix != load.path:
                    self._fill(found, found.data.relationship.target, f"{prefix}.")
                if prefix != load.path:
                    found.expand()
                node = found
            else:
                self.strategies[load.path] = load.strategy
                self._label(node)
        self._post_changed()

    def _fill(self, node: TreeNode[ToggleTarget], entity: type, prefix: str) -> None:
        depth = prefix.count(".") + 1 if prefix else 0
        for relationship in relationships_of(entity):
            target = ToggleTarget(f"{prefix}{relationship.info.name}", relationship)
            child = node.add("", data=target, allow_expand=depth + 1 < MAX_DEPTH)
            self._label(child)

    def _label(self, node: TreeNode[ToggleTarget]) -> None:
        target = node.data
        if target is None:
            return
        info = target.relationship.info
        strategy = self.strategies.get(target.path)
        label = Text.assemble(
            (strategy, "reverse") if strategy else ("default", "dim italic"),
            " ",
            (info.name, "bold"),
        )
        if target.path in self.touched:
            label.append(" touch", "underline")
        label.append(f" {_ARROWS.get(info.direction, '⇉')} {target.relationship.target.__name__}", "dim")
        node.set_label(label)

    def _on_tree_node_expanded(self, event: Tree.NodeExpanded[ToggleTarget]) -> None:
        node = event.node
        if node.data is not None and not node.children:
            self._fill(node, node.data.relationship.target, f"{node.data.path}.")

    def _current(self) -> TreeNode[ToggleTarget] | None:
        node = self.cursor_node
        return node if node is not None and node.data is not None else None

    def action_cycle(self) -> None:
        node = self._current()
        if node is not None and node.data is not None:
            self._set(node, next_strategy(self.strategies.get(node.data.path)))

    def action_pick(self, number: int) -> None:
        node = self._current()
        if node is not None:
            self._set(node, STRATEGY_CYCLE[number])

    def _set(self, node: TreeNode[ToggleTarget], strategy: str | None) -> None:
        assert node.data is not None
        if strategy is None:
            self.strategies.pop(node.data.path, None)
        else:
            self.strategies[node.data.path] = strategy
        self._label(node)
        self._post_changed()

    def action_touch(self) -> None:
        node = self._current()
        if node is None or node.data is None:
            return
        path = node.data.path
        if path in self.touched:
            self.touched.remove(path)
        else:
            self.touched.append(path)
        self._label(node)
        self._post_changed()

    def action_explain(self) -> None:
        node = self._current()
        if node is not None and node.data is not None:
            path = node.data.path
            collection = node.data.relationship.info.uselist
            self.post_message(self.ExplainAsked(path, self.strategies.get(path), collection))

    def action_open(self) -> None:
        node = self.cursor_node
        if node is not None and node.allow_expand:
            node.expand()

    def action_close(self) -> None:
        """Close the branch, or go up to the parent when it is already closed."""
        node = self.cursor_node
        if node is None:
            return
        if node.is_expanded and node is not self.root:
            node.collapse()
        elif node.parent is not None:
            self.move_cursor(node.parent)

    def _post_changed(self) -> None:
        self.post_message(self.Changed(self.loads, list(self.touched)))
