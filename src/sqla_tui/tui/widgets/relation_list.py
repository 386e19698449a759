"""The tables and views of the connected database, views marked."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from textual.content import Content
from textual.widgets import OptionList
from textual.widgets.option_list import Option

if TYPE_CHECKING:
    from sqla_tui.core.catalog.names import TableName


class RelationList(OptionList):
    """A keyboard-navigable list of relation names; each option's id is the name."""

    BORDER_TITLE = "Tables"

    def show(self, relations: Iterable[TableName]) -> None:
        """Replace the list with these relations and count them in the border title.

        The highlight stays on the same name when it is still listed: the
        demo's names are listed twice, from its file and then by the engine,
        and the user may have moved in between.
        """
        relations = list(relations)
        kept = self.highlighted_name
        self.clear_options()
        self.add_options(Option(self._label(relation), id=relation.name) for relation in relations)
        names = [relation.name for relation in relations]
        self.highlighted = names.index(kept) if kept in names else (0 if relations else None)
        views = sum(relation.is_view for relation in relations)
        partitions = sum(relation.partition_of is not None for relation in relations)  # rows of their parent's
        others = ((partitions, "partitions"), (views, "views"))
        self.border_title = f"Tables ({len(relations) - views - partitions})" + "".join(
            f" · {what} ({count})" for count, what in others if count
        )

    @property
    def highlighted_name(self) -> str | None:
        """The name under the highlight, if any."""
        if self.highlighted is None:
            return None
        return self.get_option_at_index(self.highlighted).id

    @property
    def names(self) -> list[str]:
        """The names listed, in order; what tests and callers compare against."""
        return [self.get_option_at_index(index).id or "" for index in range(self.option_count)]

    @staticmethod
    def _label(relation: TableName) -> Content:
        if relation.kind != "table":  # a view, a materialized view, a foreign table
            return Content.assemble(relation.name, (f"  {relation.kind}", "dim italic"))
        if relation.partition_of is not None:
            return Content.assemble(relation.name, (f"  partition of {relation.partition_of}", "dim italic"))
        return Content(relation.name)
