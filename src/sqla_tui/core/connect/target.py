"""What to connect to, as the user said it: checked and named without importing SQLAlchemy.

The app paints its first frame naming the target before SQLAlchemy (~0.2 s of
imports) is loaded, so the target and its pool flags live here;
``core.connect.engine`` turns them into an engine.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqla_tui.core.errors import UserError

DEMO_ALIAS = "demo"
"""The URL word (and the default) that means the built-in SQLite teaching database."""

POOLCLASSES = {"queue": "AsyncAdaptedQueuePool", "null": "NullPool", "static": "StaticPool"}
"""``--poolclass`` choices and the ``sqlalchemy.pool`` class each names."""

def demo_path() -> Path:
    """Where the demo's SQLite file lives: the user's cache, rebuildable at will."""
    import platformdirs  # Textual loads it anyway; the headless commands only when they need the demo

    return platformdirs.user_cache_path("sqla-tui") / "demo.sqlite"


@dataclass(frozen=True)
class PoolOptions:
    """Pool settings from the command line; None means SQLAlchemy's default."""

    pool_size: int | None = None
    max_overflow: int | None = None
    pool_timeout: float | None = None
    pool_recycle: int | None = None
    pre_ping: bool = True
    poolclass: str | None = None

    def validate(self) -> None:
        """Reject negative sizes and settings the chosen pool class ignores."""
        if self.poolclass is not None and self.poolclass not in POOLCLASSES:
            raise UserError(f"unknown --poolclass {self.poolclass!r}: choose one of queue, null, static")
        for flag, value in self._sizing().items():
            if value is not None and value < 0:
                raise UserError(f"{flag} must be 0 or more, got {value:g}")
        if self.poolclass in ("null", "static"):
            for flag, value in self._sizing().items():
                if value is not None:
                    raise UserError(
                        f"{flag} does not apply to --poolclass {self.poolclass}, which keeps no queue; "
                        "drop one of the two"
                    )

    def _sizing(self) -> dict[str, float | None]:
        return {
            "--pool-size": self.pool_size,
            "--max-overflow": self.max_overflow,
            "--pool-timeout": self.pool_timeout,
        }


@dataclass(frozen=True)
class Target:
    """What to connect to: the URL as typed (None or 'demo' for the demo) and pool settings."""

    url: str | None
    pool: PoolOptions = PoolOptions()

    @property
    def is_demo(self) -> bool:
        return self.url is None or self.url == DEMO_ALIAS

    def validate(self) -> None:
        """Reject bad pool flags and a URL that does not parse, before anything opens.

        Only a URL needs SQLAlchemy to parse it; the demo is checked without.
        """
        self.pool.validate()
        if not self.is_demo:
            from sqla_tui.core.connect.url import parse_url

            parse_url(self.url or "")
