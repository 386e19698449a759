"""The next load to run: scenario, tasks, hold time and duration."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Input, Select

from sqla_tui.core.errors import UserError
from sqla_tui.core.pool.load import SCENARIOS, LoadSpec

_FIELDS = (
    ("tasks", "tasks", "integer", "20"),
    ("hold", "hold ms", "integer", "100"),
    ("duration", "duration s", "number", "30"),
)


class LoadControls(Horizontal):
    """A scenario picker and three numbers; the screen reads ``spec()`` when the user starts a load."""

    def compose(self) -> ComposeResult:
        scenario: Select[str] = Select(
            [(name, name) for name in SCENARIOS], value="steady", allow_blank=False, id="load-scenario"
        )
        scenario.border_title = "scenario"
        yield scenario
        for name, title, kind, default in _FIELDS:
            field = Input(default, type=kind, id=f"load-{name}", select_on_focus=True)  # type: ignore[arg-type]  # Input's type is a Literal; kind is one of its values
            field.border_title = title
            yield field

    def spec(self) -> LoadSpec:
        """The load as entered, or a one-line UserError naming the field to fix."""
        values = {name: self.query_one(f"#load-{name}", Input).value.strip() for name, *_ in _FIELDS}
        for name, title, *_ in _FIELDS:
            if not values[name]:
                raise UserError(f"{title} is empty: enter a number")
        spec = LoadSpec(
            scenario=self.query_one("#load-scenario", Select).value,  # type: ignore[arg-type]  # Select's value is one of the scenario options
            tasks=int(values["tasks"]),
            hold_ms=int(values["hold"]),
            duration_s=float(values["duration"]),
        )
        spec.validate()
        return spec
