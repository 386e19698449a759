"""NumberField: an integer field whose letters stay keys, so ``r`` runs from it as from anywhere."""

from __future__ import annotations

from typing import Any

from textual.binding import Binding
from textual.widgets import Input


class NumberField(Input):
    """An ``Input(type="integer")`` that hands ``r`` to the screen's run.

    An integer field cannot hold an ``r``, yet swallowed it: a person who had
    just typed a limit pressed ``r`` and nothing ran. Priority bindings act
    before the field sees the key, and only while it has focus.
    """

    BINDINGS = [Binding("r", "screen.run", "Run", show=False, priority=True, id="number_field.run")]

    def __init__(self, value: str = "", **kwargs: Any) -> None:
        super().__init__(value, type="integer", **kwargs)
