"""The schema as a tree: schemas → tables and views → columns, keys, checks, indexes, relationships.

Only what is open exists: the default schema's table nodes at first, another
schema's names when it is opened (the screen loads them on ``SchemaOpened``),
a table's children when the table is opened. A 2,000-table schema costs
2,000 nodes, not 30,000, and filtering rebuilds just that level.

Even 2,000 nodes are ~100 ms of work, so a schema's names are added in
slices between which the event loop runs; the tree lays its lines out after
the first slice (a screenful) and after the last, not after every node. The
row estimates that arrive with the catalog are drawn from it at render time
instead of relabelling every node.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from sqla_tui.core.catalog.naming import RelationshipPlan, column_label
from sqla_tui.core.catalog.schema import Catalog, TableInfo, TableName
from sqla_tui.core.slices import Slices, finish, finish_yielding
from sqla_tui.tui.internals import invalidate_lines
from sqla_tui.tui.widgets.style_once import StyleOnceARedraw
from sqla_tui.words.catalog import (
    check_line,
    column_keys,
    index_line,
    key_lines,
    relationship_line,
    row_estimate,
)


@dataclass(frozen=True)
class TableRef:
    """What a node stands for: a schema (``table`` None), or a table of it and everything below."""

    schema: str
    table: str | None = None
    inside: bool = False
    """A line inside a table's subtree (a column, a key, a group), not the table's own node."""


Node = TreeNode[TableRef]

SLICE = 100
"""Table nodes added between two yields to the event loop: a few ms of work."""

MEASURED = 500
"""Labels measured between two yields to the event loop: a few ms of work."""


class SchemaTree(StyleOnceARedraw, Tree[TableRef]):
    """Names first, details once a schema's catalog arrives."""

    BINDINGS = [
        Binding("right", "open_node", "Open", show=False, id="schema_tree.open_node"),
        Binding("left", "close_node", "Close", show=False, id="schema_tree.close_node"),
    ]

    _adding_quietly = False
    """True while ``_lines_kept`` adds nodes; a class default, as Tree's own ``__init__`` invalidates already."""

    filter_text: reactive[str] = reactive("")
    """Case-insensitive substring the table names must contain; set by the screen's filter input."""

    @dataclass
    class SchemaOpened(Message):
        """A schema whose names are not loaded yet was opened; the screen loads them."""

        schema: str
        """The schema to load."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__("database", **kwargs)
        self._widths: dict[Node, int] = {}  # before show_root, whose watcher measures the lines
        """Label widths (icon aside) measured since the labels or row estimates last changed."""
        self.show_root = False
        self.guide_depth = 3
        self._schemas: dict[str, Node] = {}
        self._names: dict[str, list[TableName]] = {}
        self._kinds: dict[TableRef, str] = {}
        self._partitions: dict[TableRef, list[str]] = {}
        """Partitioned tables and the names of their partitions, which are shown under them."""
        self._tables: dict[TableRef, TableInfo] = {}
        self._undescribed: dict[TableRef, str] = {}
        self._plans: dict[str, RelationshipPlan] = {}
        self._building: dict[str, Slices[bool]] = {}
        """Per schema, its latest rebuild, which may still be adding nodes between yields; a newer one closes it."""

    @property
    def table_names(self) -> list[str]:
        """The tables and views the tree shows now, after the filter, schema by schema."""
        return [node.data.table or "" for schema in self._schemas.values() for node in schema.children if node.data]

    @property
    def schema_names(self) -> list[str]:
        return list(self._schemas)

    def show_schemas(self, schemas: Sequence[str]) -> None:
        """Add the other schemas, closed; their names load when one is opened."""
        for schema in schemas:
            self._schema_node(schema)

    async def show_names(self, schema: str, names: Sequence[TableName], *, cursor: bool = False) -> None:
        """Paint one schema's table and view names and open it, in slices; details come with ``show_catalog``.

        ``cursor`` puts the cursor on its first table (the first paint); a
        schema the user opened leaves the cursor where the user is.
        """
        self._names[schema] = list(names)
        self._kinds.update({TableRef(schema, table.name): table.kind for table in names})
        self._partitions = {ref: listed for ref, listed in self._partitions.items() if ref.schema != schema}
        for table in names:
            if table.partition_of is not None:
                self._partitions.setdefault(TableRef(schema, table.partition_of), []).append(table.name)
        self._schema_node(schema).expand()
        await finish_yielding(self._start_rebuild(schema, force=True, move=cursor))

    async def show_catalog(self, catalog: Catalog, plan: RelationshipPlan) -> None:
        """Show a schema's row estimates (``render_label`` reads them) and fill its tables already opened.

        The estimates widen every table's label, and the tree measures every
        line when it lays them out again: 2,000 labels, ~12 ms of one frame
        on the idle loop. They are measured here first, in slices between
        which the loop runs, so the layout finds them measured.
        """
        self._tables.update({TableRef(catalog.schema, table.name): table for table in catalog.tables})
        self._undescribed.update({TableRef(catalog.schema, name): why for name, why in catalog.undescribed.items()})
        self._plans[catalog.schema] = plan
        self._widths.clear()
        tables = self._schema_node(catalog.schema).children
        for node in tables:
            if node.is_expanded:
                self._fill(node)
        await finish_yielding(self._measure(list(tables)))
        invalidate_lines(self)  # Tree's own "lines changed": re-measures widths, redraws; once, not once per node

    def _measure(self, nodes: Sequence[Node]) -> Slices[None]:
        """Measure the labels of ``nodes`` ahead of the layout that needs them, ``MEASURED`` at a time."""
        for start in range(0, len(nodes), MEASURED):
            if start:
                yield
            for node in nodes[start : start + MEASURED]:
                self.get_label_width(node)

    def render_label(self, node: Node, base_style: Style, style: Style) -> Text:
        """The label, and for a table whose catalog is in, its row estimate."""
        label = super().render_label(node, base_style, style)
        estimate = self._estimate(node)
        if estimate:
            extra = Text(f"  {estimate}", "dim")
            extra.stylize(style)
            label.append_text(extra)
        return label

    def get_label_width(self, node: Node) -> int:
        """What ``render_label`` takes, counted without rendering and remembered.

        The tree measures every line each time lines are added: 20 slices of
        names measured ~21,000 labels, 100-200 ms of the names' first paint.
        """
        icon = cell_len(self.ICON_NODE_EXPANDED if node.is_expanded else self.ICON_NODE) if node.allow_expand else 0
        width = self._widths.get(node)
        if width is None:
            estimate = self._estimate(node)
            label = node.label
            text_width = label.cell_len if isinstance(label, Text) else cell_len(label)
            width = self._widths[node] = text_width + (cell_len(f"  {estimate}") if estimate else 0)
        return icon + width

    def process_label(self, label: str | Text) -> Text:
        """Textual keeps a label's first line by splitting every label; ours have one line unless a name has a newline."""
        if isinstance(label, Text) and "\n" not in label.plain:
            return label
        return super().process_label(label)

    def select_table(self, name: str, schema: str | None = None) -> bool:
        """Move the cursor to a table's node; false when the filter hides it or it is not loaded."""
        for schema_name, schema_node in self._schemas.items():
            if schema in (None, schema_name):
                for node in schema_node.children:
                    if node.data is not None and node.data.table == name:
                        self._move_to(node)
                        return True
        return False

    def watch_filter_text(self) -> None:
        moved = False
        for schema in self._names:
            moved = finish(self._start_rebuild(schema, move=not moved)) or moved

    def _schema_node(self, schema: str) -> Node:
        node = self._schemas.get(schema)
        if node is None:
            node = self._schemas[schema] = self.root.add(schema, data=TableRef(schema))
        return node

    def _start_rebuild(self, schema: str, *, force: bool = False, move: bool = True) -> Slices[bool]:
        """A rebuild of the schema's level that supersedes one still under way, whose remaining slices end empty."""
        previous = self._building.pop(schema, None)
        if previous is not None:
            previous.close()
        rebuild = self._building[schema] = self._rebuild(schema, force=force, move=move)
        return rebuild

    def _rebuild(self, schema: str, *, force: bool = False, move: bool = True) -> Slices[bool]:
        """Show a schema's tables matching the filter; true when the cursor was put on its first one.

        A keystroke that changes nothing in this schema costs nothing.
        """
        node = self._schemas[schema]
        listed = {table.name for table in self._names[schema]}
        names = [table for table in self._names[schema] if table.partition_of not in listed]  # partitions: under their parent
        needle = self.filter_text.casefold()
        shown = [table for table in names if needle in table.name.casefold()]
        count = f"{len(shown)} of {len(names)}" if needle else f"{len(names)}"
        node.set_label(Text.assemble(schema, (f"  {count}", "dim")))
        self._widths.clear()  # the schema's label changed, and the nodes measured below it may go
        if not force and [table.name for table in shown] == [child.data.table for child in node.children if child.data]:
            return False
        node.remove_children()
        for start in range(0, len(shown), SLICE):
            if start:
                yield
            with self._lines_kept():
                for table in shown[start : start + SLICE]:
                    ref = TableRef(schema, table.name)
                    self.get_label_width(node.add(self._table_label(ref), data=ref))  # measured here, not in a layout
            if start == 0 or start + SLICE >= len(shown):
                invalidate_lines(self)
        if not (move and shown):
            return False
        self._move_to(node)  # via the schema's own line, so the first table counts as newly highlighted
        self._move_to(node.children[0])
        return True

    @contextmanager
    def _lines_kept(self) -> Iterator[None]:
        """Add nodes without the tree laying out all its lines again after each one.

        ``TreeNode.add`` invalidates the tree per node, and every slice then
        cost a layout of every line so far: 2,000 names laid out ~21,000
        lines and redrew the tree 20 times. The caller invalidates once
        when the nodes it wants seen are in; the flag is down between
        slices, so what others change meanwhile still shows at once.
        """
        self._adding_quietly = True
        try:
            yield
        finally:
            self._adding_quietly = False

    def _invalidate(self) -> None:
        """Textual's private line-cache reset, held back while nodes are added quietly (see tui/internals.py)."""
        if not self._adding_quietly:
            super()._invalidate()

    def _table_label(self, ref: TableRef) -> Text:
        label = Text(ref.table or "")
        kind = self._kinds.get(ref, "table")
        if kind != "table":
            label.append(f"  {kind}", "italic dim")
        if ref in self._partitions:
            label.append("  partitioned", "italic dim")
        return label

    def _estimate(self, node: Node) -> str:
        """A table node's row estimate, once its catalog is in; nothing for any other node."""
        ref = node.data
        if ref is None or ref.table is None or ref.inside:
            return ""
        info = self._tables.get(ref)
        return row_estimate(info) if info is not None else ""

    def _move_to(self, node: Node) -> None:
        """Move the cursor to a node that may have been added just now.

        A node's line number is only known once the tree has laid out its
        lines; reading ``last_line`` does that.
        """
        _ = self.last_line
        self.move_cursor(node)

    def _on_tree_node_expanded(self, event: Tree.NodeExpanded[TableRef]) -> None:
        node, ref = event.node, event.node.data
        if ref is None or node.children:
            return
        if ref.table is None and ref.schema not in self._names:
            node.add_leaf(Text("loading names…", "italic dim"))
            self.post_message(self.SchemaOpened(ref.schema))
        elif ref.table is not None and not ref.inside:
            self._fill(node)

    def _fill(self, node: Node) -> None:
        """Build one table's children: what the catalog knows, or a placeholder until it arrives."""
        node.remove_children()
        self._widths.clear()  # forget the nodes just removed
        ref = node.data
        if ref is None:
            return
        inside = replace(ref, inside=True)
        table = self._tables.get(ref)
        if table is None:
            why = self._undescribed.get(ref)
            note = f"could not be described: {why}" if why else "loading catalog…"
            node.add_leaf(Text(note, "italic dim"), data=inside)
            return
        plan = self._plans.get(ref.schema)
        attributes = plan.attributes(table.name) if plan is not None else {}
        columns = node.add(f"columns ({len(table.columns)})", data=inside, expand=True)
        for column in table.columns:
            label = Text.assemble(column_label(column.name, attributes), (f"  {column.type}", "dim"))
            keys = column_keys(table, column)
            if keys:
                label.append(f"  {keys}", "bold")
            if column.nullable:
                label.append("  null", "dim")
            columns.add_leaf(label, data=inside)
        relationships = plan.relationships(table.name) if plan is not None else []
        self._add_group(node, "keys", key_lines(table))
        self._add_group(node, "checks", [check_line(check) for check in table.checks])
        self._add_group(node, "indexes", [index_line(index) for index in table.indexes])
        self._add_group(node, "relationships", [relationship_line(rel) for rel in relationships], expand=True)
        partitions = self._partitions.get(ref, [])
        if partitions:
            group = node.add(f"partitions ({len(partitions)})", data=inside, expand=True)
            for name in partitions:
                partition = TableRef(ref.schema, name)
                group.add(self._table_label(partition), data=partition)

    @staticmethod
    def _add_group(node: Node, title: str, lines: list[str], *, expand: bool = False) -> None:
        if not lines or node.data is None:
            return
        inside = replace(node.data, inside=True)
        group = node.add(f"{title} ({len(lines)})", data=inside, expand=expand)
        for line in lines:
            group.add_leaf(Text(line), data=inside)

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
        if node.is_expanded and node.children:
            node.collapse()
        elif node.parent is not None and node.parent is not self.root:
            self._move_to(node.parent)
