"""The tables and views of the connected database, views marked."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from textual.content import Content
from textual.widgets import OptionList
from textual.widgets.option_list import Option

if TYPE_CHECKING:
    from sqla_tui.core.schema import TableName


class RelationList(OptionList):
    """A keyboard-navigable list of relation names; each option's id is the name."""

    BORDER_TITLE = "Tables"

    def show(self, relations: Iterable[TableName]) -> None:
        """Replace the list with these relations and count them in the border title."""
        relations = list(relations)
        self.clear_options()
        self.add_options(Option(self._label(relation), id=relation.name) for relation in relations)
        self.highlighted = 0 if relations else None
        views = sum(relation.kind == "view" for relation in relations)
        self.border_title = f"Tables ({len(relations) - views})" + (f" · views ({views})" if views else "")

    @property
    def names(self) -> list[str]:
        """The names listed, in order; what tests and callers compare against."""
        return [self.get_option_at_index(index).id or "" for index in range(self.option_count)]

    @staticmethod
    def _label(relation: TableName) -> Content:
        if relation.kind == "view":
            return Content.assemble(relation.name, ("  view", "dim italic"))
        return Content(relation.name)
