"""Table: the one shape every export takes, whatever it came from."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Table:
    """Named columns and rows of plain values: a run's results, a statement log, a plan, a series.

    One model for everything exported keeps the writers ignorant of where the
    data came from; ``name`` makes the default file name (``results-users``).
    """

    name: str
    columns: list[str]
    rows: list[list[Any]]

    def __post_init__(self) -> None:
        for row in self.rows:
            if len(row) != len(self.columns):
                raise ValueError(f"a row of {self.name} has {len(row)} values for {len(self.columns)} columns")
