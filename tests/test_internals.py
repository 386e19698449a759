"""Every private attribute of SQLAlchemy, the drivers or Textual that sqla-tui reads, checked by name.

When an upgrade removes one, the test that fails names it; the accessors
around each (core/internals/, tui/internals.py) then degrade to "unknown"
instead of a wrong figure or a screen that does not import.
"""

from __future__ import annotations

import importlib

import pytest
from sqlalchemy import pool as sa_pool

from sqla_tui.core.internals import sqlalchemy as sa_internals
from sqla_tui.core.observe.pool import pool_settings
from sqla_tui.tui import internals as tui_internals


def _owner(dotted: str) -> tuple[object, str]:
    """The object that holds the last name of ``dotted``, imported from the longest module prefix."""
    parts = dotted.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        try:
            owner: object = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for part in parts[cut:-1]:
            owner = getattr(owner, part)
        return owner, parts[-1]
    raise AssertionError(f"no module in {dotted}")


def _has(owner: object, name: str) -> bool:
    """An attribute of the class, or one its instances get in __slots__ / __init__ (checked in the source)."""
    if hasattr(owner, name) or name in getattr(owner, "__slots__", ()):
        return True
    import inspect

    return isinstance(owner, type) and any(
        f"self.{name} " in inspect.getsource(klass) or f"self.{name}:" in inspect.getsource(klass)
        for klass in owner.__mro__
        if klass.__module__.startswith(("sqlalchemy", "textual", "asyncio", "threading"))
    )


@pytest.mark.parametrize("dotted", sorted({**sa_internals.PRIVATE, **tui_internals.PRIVATE}))
def test_every_private_name_we_read_still_exists(dotted: str) -> None:
    owner, name = _owner(dotted)
    assert _has(owner, name), f"{dotted} is gone: {sa_internals.PRIVATE.get(dotted) or tui_internals.PRIVATE[dotted]}"


def test_aiomysql_still_connects_through_its_private_connect() -> None:
    """core/internals/single_statement.py: no public way to connect without CLIENT.MULTI_STATEMENTS."""
    import aiomysql

    assert callable(getattr(aiomysql.Connection, "_connect", None)), "aiomysql.Connection._connect is gone"


def test_sqlalchemys_aiomysql_adapter_still_takes_a_connect_coroutine() -> None:
    """core/connect/engine.py hands the single-statement connect to SQLAlchemy as ``async_creator_fn``."""
    import inspect

    from sqlalchemy.dialects.mysql import aiomysql

    source = inspect.getsource(aiomysql.AsyncAdapt_aiomysql_dbapi.connect)
    assert "async_creator_fn" in source, "SQLAlchemy's aiomysql adapter no longer reads async_creator_fn"


def test_the_buffered_rows_are_where_the_capture_reads_them() -> None:
    assert sa_internals.async_cursor_keeps_rows()
    assert sa_internals.selectin_chunk_size() == 500


class _Bare:
    """Something with none of the private attributes, as after an upgrade that removed them."""

    def size(self) -> int:
        return 5

    def timeout(self) -> float:
        return 30.0


def test_missing_pool_internals_cost_figures_not_truth() -> None:
    assert sa_internals.pool_return(_Bare) is None  # no twin is built: the monitor lists the limitation
    assert sa_internals.queue_waiters(_Bare()) == 0  # not a queue pool: it never waits
    settings = sa_internals.private_settings(_Bare())
    assert (settings.recycle, settings.max_overflow, settings.pre_ping, settings.reset_on_return) == (None,) * 4
    assert sa_internals.buffered_rows(object()) is None


def test_missing_queue_internals_cost_the_waiters_figure_not_truth() -> None:
    """``queue_waiters`` counts the checkouts in the queue; a queue it cannot see into gives None, never 0."""
    from sqlalchemy.util.queue import Queue

    queue_pool = sa_pool.QueuePool(lambda: None, pool_size=1)
    assert sa_internals.queue_waiters(queue_pool) == 0
    queue_pool._pool = Queue()  # type: ignore[assignment]
    del queue_pool._pool.not_empty  # as after an upgrade that renamed it
    assert sa_internals.queue_waiters(queue_pool) is None


def test_real_pool_settings_are_read() -> None:
    pool = sa_pool.QueuePool(lambda: None, pool_size=3, max_overflow=2, recycle=60, pre_ping=True)
    settings = pool_settings(pool)
    assert (settings.size, settings.max_overflow, settings.recycle, settings.pre_ping, settings.resets) == (3, 2, 60, True, True)


def test_missing_textual_internals_fall_back_to_textuals_own_behaviour() -> None:
    assert tui_internals.is_pruning(object()) is False
    assert tui_internals.bindings_ready(object()) is None
    refreshed = []

    class Plain:
        def refresh(self, *, layout: bool = False) -> None:
            refreshed.append(layout)

    tui_internals.invalidate_lines(Plain())
    assert refreshed == [True]


def test_rows_are_read_where_a_cursors_class_keeps_them_and_unknown_where_it_does_not() -> None:
    """``buffered_rows`` asks once per cursor class whether it keeps rows; an instance without them is "unknown"."""

    class Keeping:
        def __init__(self, rows: list[int] | None) -> None:
            if rows is not None:
                self._rows = rows

    assert sa_internals.buffered_rows(Keeping([1, 2])) == [1, 2]
    assert sa_internals.buffered_rows(Keeping(None)) is None  # its class said yes; this one has none
    assert sa_internals.buffered_rows(object()) is None


def test_a_slot_is_read_by_its_descriptor_and_anything_else_the_usual_way() -> None:
    """``connection_record`` reads ``_ConnectionFairy``'s slot without its ``__getattr__``; a name that is no slot
    (after an upgrade) is read as any attribute is."""
    from sqlalchemy.pool.base import _ConnectionFairy

    class Hooked:
        __slots__ = ("record",)

        def __getattr__(self, name: str) -> str:
            return "from the hook"

    hooked = Hooked()
    hooked.record = "the record"
    assert sa_internals._slot_reader(Hooked, "record")(hooked) == "the record"
    assert sa_internals._slot_reader(Hooked, "other")(hooked) == "from the hook"
    assert "_connection_record" in _ConnectionFairy.__slots__


def test_an_awaited_calls_greenlet_keeps_the_line_found_for_it() -> None:
    """``core.observe.origin`` keeps the application line on SQLAlchemy's greenlet for an awaited call (greenlets
    take attributes), so a statement after its checkout is not walked again; one that took none would walk again."""
    import asyncio

    import greenlet
    from sqlalchemy.util import greenlet_spawn

    from sqla_tui.core.observe import origin

    def inside() -> tuple[object, object, object]:
        first = origin.caller_location()
        return first, getattr(greenlet.getcurrent(), origin._FOUND, None), origin.caller_location()

    async def awaited() -> tuple[object, object, object]:
        return await greenlet_spawn(inside)

    first, kept, again = asyncio.run(awaited())
    assert isinstance(first, origin.Location) and first.file == __file__ and first.function == "awaited"
    assert kept is first and again is first
