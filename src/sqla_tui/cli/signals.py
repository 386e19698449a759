"""Ctrl-C and SIGTERM end a command the same way, in bounded time.

The first signal cancels the command's task, so core stops whatever the
server is running for us (``core.connect.cancel``) and closes our
connections. Every one of those steps waits on the network only within a
bound, but a driver's graceful close on a stalled network can still outlast
them (asyncpg gives its goodbye 2 s); so ``HARD_STOP_S`` after the first
signal, or at a second one, the process ends there and then, and the
operating system closes its sockets.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import threading
from collections.abc import Coroutine
from typing import Any, NoReturn, TypeVar

T = TypeVar("T")

HARD_STOP_S = 1.5
"""How long the clean-up after a signal may take before the process just exits."""

_WORDS: dict[int, str] = {signal.SIGINT: "interrupted", signal.SIGTERM: "terminated"}
_said = threading.Lock()
"""Held while the line is printed and the process exits, so the hard stop cannot print it twice."""


class Stopped(Exception):
    """The command was ended by a signal; ``str()`` is the line to print."""

    def __init__(self, signum: int) -> None:
        super().__init__(_WORDS.get(signum, "stopped"))
        self.exit_status = 128 + signum
        """The shell's convention: 130 for Ctrl-C, 143 for SIGTERM."""


async def until_signalled(coroutine: Coroutine[Any, Any, T]) -> T:
    """Await ``coroutine``; on SIGINT or SIGTERM cancel it, let it clean up, and raise ``Stopped``.

    Signals reach only the main thread; elsewhere (a test calling a command
    from a worker thread) the coroutine is simply awaited.
    """
    if threading.current_thread() is not threading.main_thread():
        return await coroutine
    loop = asyncio.get_running_loop()
    task = asyncio.current_task()
    assert task is not None
    received: list[int] = []

    def on_signal(signum: int) -> None:
        if received:
            _exit_now(received[0])
        received.append(signum)
        task.cancel()
        timer = threading.Timer(HARD_STOP_S, _exit_now, args=(signum,))
        timer.daemon = True
        timer.start()

    for signum in _WORDS:
        loop.add_signal_handler(signum, on_signal, signum)
    try:
        result = await coroutine
    except asyncio.CancelledError:
        if not received:
            raise
        task.uncancel()
        raise Stopped(received[0]) from None
    finally:
        for signum in _WORDS:
            loop.remove_signal_handler(signum)
    if received:  # the signal came as the command finished: it still means stop
        raise Stopped(received[0])
    return result


def leave(stopped: Stopped) -> NoReturn:
    """Print the one line that says how the command ended, and exit at once.

    The command has cleaned up after itself by now; what the interpreter
    would still do (collect SQLAlchemy's objects, join threads) is only
    delay, and the hard stop may be seconds closer.
    """
    with _said:
        sys.stdout.flush()
        sys.stderr.write(f"{stopped}\n")
        sys.stderr.flush()
        os._exit(stopped.exit_status)


def _exit_now(signum: int) -> None:
    """Leave without waiting for anything more: the clean-up had its chance."""
    leave(Stopped(signum))
