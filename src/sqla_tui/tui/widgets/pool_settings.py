"""The pool's settings as fields: class, size, overflow, timeout, recycle and pre-ping.

The pool settings dialog reads ``options()`` when the user applies them; the pool lab then
builds a new engine, since a pool cannot be resized in place.
"""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Checkbox, Input, Select

from sqla_tui.core.connect.target import POOLCLASSES, PoolOptions
from sqla_tui.core.errors import UserError
from sqla_tui.core.observe.figures import PoolSnapshot

_SIZING = (
    ("size", "size", "integer", "pool_size"),
    ("overflow", "overflow", "integer", "max_overflow"),
    ("timeout", "timeout s", "number", "pool_timeout"),
)
_QUEUELESS = ("null", "static")


class PoolSettings(Horizontal):
    """Fields filled from the pool as it is; empty means SQLAlchemy's default."""

    def __init__(self, options: PoolOptions, snapshot: PoolSnapshot, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._options, self._snapshot = options, snapshot

    def compose(self) -> ComposeResult:
        current = {
            "size": self._options.pool_size if self._options.pool_size is not None else self._snapshot.size,
            "overflow": self._options.max_overflow if self._options.max_overflow is not None else self._snapshot.max_overflow,
            "timeout": self._options.pool_timeout if self._options.pool_timeout is not None else self._snapshot.timeout_s,
        }
        pool_class: Select[str] = Select(
            [(name, name) for name in POOLCLASSES], value=self._options.poolclass or Select.NULL,
            prompt="default", id="pool-class",
        )  # fmt: skip
        pool_class.border_title = "pool class"
        yield pool_class
        for name, title, kind, _ in _SIZING:
            value = current[name]
            field = Input("" if value is None else f"{value:g}", type=kind, placeholder="default",  # type: ignore[arg-type]  # Input's type is a Literal; kind is one of its values
                          id=f"pool-{name}", select_on_focus=True)  # fmt: skip
            field.border_title = title
            yield field
        recycle = self._options.pool_recycle
        field = Input("" if recycle is None else str(recycle), type="integer", placeholder="never", id="pool-recycle",
                      select_on_focus=True)  # fmt: skip
        field.border_title = "recycle s"
        yield field
        yield Checkbox("pre-ping", self._options.pre_ping, id="pool-pre-ping")

    def on_mount(self) -> None:
        self._queue_fields(self._options.poolclass)

    @on(Select.Changed, "#pool-class")
    def _class_changed(self, event: Select.Changed) -> None:
        self._queue_fields(None if event.value is Select.NULL else str(event.value))

    def _queue_fields(self, pool_class: str | None) -> None:
        """A null or static pool keeps no queue: its size, overflow and timeout fields are off."""
        for name, *_ in _SIZING:
            self.query_one(f"#pool-{name}", Input).disabled = pool_class in _QUEUELESS

    def options(self) -> PoolOptions:
        """The settings as entered, checked; a UserError names the field to fix."""
        chosen = self.query_one("#pool-class", Select).value
        pool_class = None if chosen is Select.NULL else str(chosen)
        sizing: dict[str, float | None] = {}
        for name, title, kind, option in _SIZING:
            text = self.query_one(f"#pool-{name}", Input).value.strip()
            if pool_class in _QUEUELESS or not text:
                sizing[option] = None
                continue
            try:
                sizing[option] = int(text) if kind == "integer" else float(text)
            except ValueError:
                raise UserError(f"{title} must be a number, got {text!r}") from None
        recycle = self.query_one("#pool-recycle", Input).value.strip()
        try:
            recycle_s = int(recycle) if recycle else None
        except ValueError:
            raise UserError(f"recycle s must be a whole number of seconds, got {recycle!r}") from None
        options = PoolOptions(
            pool_size=sizing["pool_size"],  # type: ignore[arg-type]  # checked an int above
            max_overflow=sizing["max_overflow"],  # type: ignore[arg-type]  # checked an int above
            pool_timeout=sizing["pool_timeout"],
            pool_recycle=recycle_s,
            pre_ping=self.query_one("#pool-pre-ping", Checkbox).value,
            poolclass=pool_class,
        )
        options.validate()
        return options
