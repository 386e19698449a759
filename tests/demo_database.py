"""The demo schema at a tenth of its size, once per backend per test module."""

from __future__ import annotations

from sqla_tui.core.connect.engine import connect
from tests.databases import database_fixture


async def _load(url: str) -> None:
    from sqla_tui.demo_db.load import load_demo

    engine, _ = await connect(url, read_only=False)
    try:
        await load_demo(engine, scale=0.1)
    finally:
        await engine.dispose()


demo = database_fixture("demo", _load)
"""A loaded demo database; tests must not change it (the tool is read-only anyway)."""
