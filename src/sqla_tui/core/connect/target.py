"""What to connect to, as the user said it: checked and named without importing SQLAlchemy.

The app paints its first frame naming the target before SQLAlchemy (~0.2 s of
imports) is loaded, so the target and its pool flags live here;
``core.connect.engine`` turns them into an engine.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from sqla_tui.core.errors import UserError

DEMO_ALIAS = "demo"
"""The URL word (and the default) that means the built-in SQLite teaching database."""

APPLICATION_NAME = "sqla-tui"
"""How our sessions are named server-side (pg_stat_activity, processlist)."""

DEFAULT_CONNECT_TIMEOUT = 10.0
"""Seconds to reach a server and log in, the greeting included, before giving up with one line."""

POOLCLASSES = {"queue": "AsyncAdaptedQueuePool", "null": "NullPool", "static": "StaticPool"}
"""``--poolclass`` choices and the ``sqlalchemy.pool`` class each names."""

MAX_POOL_CONNECTIONS = 10_000
"""The most ``--pool-size`` or ``--max-overflow`` may ask for: more than any server accepts."""
MAX_POOL_TIMEOUT = 3600.0
MAX_POOL_RECYCLE = 86_400
"""A day: servers close idle connections well before (MySQL's wait_timeout defaults to 8 hours)."""

def demo_path() -> Path:
    """Where the demo's SQLite file lives: the user's cache, rebuildable at will."""
    import platformdirs  # Textual loads it anyway; the headless commands only when they need the demo

    return platformdirs.user_cache_path("sqla-tui") / "demo.sqlite"


def demo_url(path: Path) -> str:
    """The URL of the demo's file at ``path``: a ?, # or % in the cache path stays part of the file name."""
    return f"sqlite:///{quote(str(path))}"


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
        bounds = {"--pool-recycle": (self.pool_recycle, MAX_POOL_RECYCLE), **self.sizing()}
        for flag, (value, most) in bounds.items():
            if value is not None and not 0 <= value <= most:  # written so that NaN fails it too
                raise UserError(f"{flag} must be between 0 and {most:,g}, got {value:g}")
        if self.poolclass in ("null", "static"):
            for flag, (value, _) in self.sizing().items():
                if value is not None:
                    raise UserError(
                        f"{flag} does not apply to --poolclass {self.poolclass}, which keeps no queue; "
                        "drop one of the two"
                    )

    def sizing(self) -> dict[str, tuple[float | None, float]]:
        """The queue's settings, with the most each may be."""
        return {
            "--pool-size": (self.pool_size, MAX_POOL_CONNECTIONS),
            "--max-overflow": (self.max_overflow, MAX_POOL_CONNECTIONS),
            "--pool-timeout": (self.pool_timeout, MAX_POOL_TIMEOUT),
        }


@dataclass(frozen=True)
class Target:
    """What to connect to: the URL as typed (None or 'demo' for the demo), pool settings, and the saved name it came by.

    ``name`` is the saved connection's name (``sqla-tui NAME``): history is
    kept per name, and the banner shows it. The URL then carries the password
    fetched for this run only; it is never written back anywhere.
    """

    url: str | None
    pool: PoolOptions = PoolOptions()
    name: str | None = None

    @property
    def is_demo(self) -> bool:
        return self.url is None or self.url == DEMO_ALIAS

    def validate(self) -> None:
        """Reject bad pool flags and a URL that does not parse, before anything opens.

        Neither needs SQLAlchemy (``core.connect.url_grammar``): the first frame does not wait for its import.
        """
        self.pool.validate()
        if not self.is_demo:
            from sqla_tui.core.connect.url import check_url

            check_url(self.url or "")
