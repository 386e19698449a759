"""The saved connections and the demo, offered on the home screen when no URL was given."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from textual.content import Content
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from sqla_tui.core.connect.target import DEMO_ALIAS


class ConnectionList(OptionList):
    """One option per saved connection (its id the name), then the demo; Enter switches to it."""

    BORDER_TITLE = "Connections · enter switches"

    def __init__(self, names: Sequence[str], **kwargs: Any) -> None:
        options = [Option(Content(name), id=name) for name in names]
        options.append(Option(Content.assemble((DEMO_ALIAS, "italic"), " · the built-in teaching database"), id=DEMO_ALIAS))
        super().__init__(*options, **kwargs)
