"""Watch a running application's statements, sessions and pool from ``sqla-tui attach``.

One line in the application::

    from sqla_tui.attach import instrument
    instrument(engine)            # an AsyncEngine or a sync Engine

Importing this package loads SQLAlchemy and the standard library only (no
Textual, Rich or Typer), and starts nothing until ``instrument`` is called.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from sqlalchemy.ext.asyncio import AsyncEngine

    from sqla_tui.attach.instrumentation import Instrumentation

__all__ = ["instrument", "instrument_from_env"]

_TRUE = {"1", "true", "yes", "on"}


def instrument(
    engine: AsyncEngine | Engine,
    *,
    name: str | None = None,
    address: str | None = None,
    capture_params: bool = False,
    buffer: int = 10_000,
    leak_after: float = 5.0,
    otel: Any = False,
) -> Instrumentation:
    """Serve a live feed of ``engine``'s statements, transactions and pool to ``sqla-tui attach``.

    ``name`` labels it in ``sqla-tui attach``'s list (default: the script's
    name). ``address`` is a Unix socket (default, in a per-user 0700 runtime
    directory) or ``tcp://127.0.0.1:PORT``, which then needs the token this
    prints. ``capture_params`` sends statement parameters too (they can be
    personal data). ``buffer`` events wait per viewer before further ones are
    dropped (and counted). Checkouts and transactions open longer than
    ``leak_after`` seconds are reported as leak suspects. ``otel=True``
    also publishes the pool's figures as OpenTelemetry metrics (on the
    global meter provider, or on the one passed instead of True).
    """
    from sqla_tui.attach.instrumentation import Instrumentation

    return Instrumentation(
        engine,
        name=name,
        address=address,
        capture_params=capture_params,
        buffer=buffer,
        leak_after=leak_after,
        otel=otel,
    )


def instrument_from_env(engine: AsyncEngine | Engine, **options: Any) -> Instrumentation | None:
    """``instrument(engine)`` when ``SQLA_TUI_ATTACH=1`` (name and address from ``SQLA_TUI_ATTACH_NAME`` /
    ``SQLA_TUI_ATTACH_ADDRESS``); None, and nothing started, otherwise."""
    if os.environ.get("SQLA_TUI_ATTACH", "").strip().lower() not in _TRUE:
        return None
    options.setdefault("name", os.environ.get("SQLA_TUI_ATTACH_NAME") or None)
    options.setdefault("address", os.environ.get("SQLA_TUI_ATTACH_ADDRESS") or None)
    return instrument(engine, **options)
