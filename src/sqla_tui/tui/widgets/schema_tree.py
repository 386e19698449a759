"""The schema as a tree: schema → tables and views → columns, foreign keys, indexes, relationships.

Only table nodes exist until a table is opened, so a 2,000-table schema costs
2,000 nodes instead of 30,000, and filtering rebuilds just that one level.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.binding import Binding
from textual.reactive import reactive
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from sqla_tui.core.naming import RelationshipPlan
from sqla_tui.core.schema import Catalog, TableInfo, TableName
from sqla_tui.tui.catalog_text import column_keys, index_line, key_lines, relationship_line, row_estimate

TreeNodeRef = TreeNode[str]


class SchemaTree(Tree[str]):
    """Names first, details once the catalog arrives; each node's data is its table's name."""

    BINDINGS = [
        Binding("right", "open_node", "Open", show=False),
        Binding("left", "close_node", "Close", show=False),
    ]

    filter_text: reactive[str] = reactive("")
    """Case-insensitive substring the table names must contain; set by the screen's filter input."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__("schema", **kwargs)  # type: ignore[arg-type]
        self.guide_depth = 3
        self._names: list[TableName] = []
        self._kinds: dict[str, str] = {}
        self._tables: dict[str, TableInfo] = {}
        self._plan: RelationshipPlan | None = None

    @property
    def table_names(self) -> list[str]:
        """The tables and views the tree shows now, after the filter."""
        return [node.data or "" for node in self.root.children]

    def show_names(self, names: Sequence[TableName]) -> None:
        """Paint the table and view names; details come later with ``show_catalog``."""
        self._names = list(names)
        self._kinds = {table.name: table.kind for table in names}
        self._rebuild()

    def show_catalog(self, catalog: Catalog, plan: RelationshipPlan) -> None:
        """Add row estimates to the labels and fill the tables already opened."""
        self._tables = {table.name: table for table in catalog.tables}
        self._plan = plan
        for node in self.root.children:
            node.set_label(self._table_label(node.data or ""))
            if node.is_expanded:
                self._fill(node)

    def select_table(self, name: str) -> bool:
        """Move the cursor to a table's node; false when the filter hides it or it does not exist."""
        for node in self.root.children:
            if node.data == name:
                self._move_to(node)
                return True
        return False

    def _move_to(self, node: TreeNodeRef) -> None:
        """Move the cursor to a node that may have been added just now.

        A node's line number is only known once the tree has laid out its
        lines; reading ``last_line`` does that.
        """
        _ = self.last_line
        self.move_cursor(node)

    def watch_filter_text(self) -> None:
        self._rebuild()

    def _rebuild(self) -> None:
        """Show the tables matching the filter; a keystroke that changes nothing costs nothing."""
        needle = self.filter_text.casefold()
        shown = [table for table in self._names if needle in table.name.casefold()]
        if [table.name for table in shown] == self.table_names and self.root.children:
            self._label_root(len(shown) if needle else None)
            return
        self.clear()
        self.move_cursor(None)  # onto the new root, so the first table below counts as newly highlighted
        self._label_root(len(shown) if needle else None)
        for table in shown:
            self.root.add(self._table_label(table.name), data=table.name)
        self.root.expand()
        if shown:
            self._move_to(self.root.children[0])

    def _label_root(self, shown: int | None) -> None:
        """``main  12``, or ``main  3 of 12`` while a filter is on."""
        schema = self._names[0].schema if self._names else "schema"
        count = f"{len(self._names)}" if shown is None else f"{shown} of {len(self._names)}"
        self.root.set_label(Text.assemble(schema, (f"  {count}", "dim")))

    def _table_label(self, name: str) -> Text:
        label = Text(name)
        if self._kinds.get(name) == "view":
            label.append("  view", "italic dim")
        info = self._tables.get(name)
        if info is not None and row_estimate(info):
            label.append(f"  {row_estimate(info)}", "dim")
        return label

    def _on_tree_node_expanded(self, event: Tree.NodeExpanded[str]) -> None:
        if event.node.parent is self.root and not event.node.children:
            self._fill(event.node)

    def _fill(self, node: TreeNodeRef) -> None:
        """Build one table's children: what the catalog knows, or a placeholder until it arrives."""
        node.remove_children()
        name = node.data or ""
        table = self._tables.get(name)
        if table is None:
            node.add_leaf(Text("loading catalog…", "italic dim"), data=name)
            return
        columns = node.add(f"columns ({len(table.columns)})", data=name, expand=True)
        for column in table.columns:
            label = Text.assemble(column.name, (f"  {column.type}", "dim"))
            keys = column_keys(table, column)
            if keys:
                label.append(f"  {keys}", "bold")
            if column.nullable:
                label.append("  null", "dim")
            columns.add_leaf(label, data=name)
        self._add_group(node, "keys", key_lines(table))
        self._add_group(node, "indexes", [index_line(index) for index in table.indexes])
        relationships = self._plan.relationships(name) if self._plan is not None else []
        self._add_group(node, "relationships", [relationship_line(rel) for rel in relationships], expand=True)

    @staticmethod
    def _add_group(node: TreeNodeRef, title: str, lines: list[str], *, expand: bool = False) -> None:
        if not lines:
            return
        group = node.add(f"{title} ({len(lines)})", data=node.data, expand=expand)
        for line in lines:
            group.add_leaf(Text(line), data=node.data)

    def action_open_node(self) -> None:
        """Right arrow: open a closed node, or step into an open one."""
        node = self.cursor_node
        if node is None or not node.allow_expand:
            return
        if node.is_expanded and node.children:
            self._move_to(node.children[0])
        else:
            node.expand()

    def action_close_node(self) -> None:
        """Left arrow: close an open node, or step out to its parent."""
        node = self.cursor_node
        if node is None:
            return
        if node.is_expanded and node.children and node is not self.root:
            node.collapse()
        elif node.parent is not None:
            self.move_cursor(node.parent)
