"""Running the attach test application and its viewers as real processes, and finding its marked lines."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from sqla_tui.attach import instrument
from sqla_tui.attach.digest import Digest
from sqla_tui.attach.viewer import connect, read_events
from tests.server_probes import wait_until

APP_FILE = Path(__file__).with_name("attach_app.py")
ROOT = APP_FILE.parent.parent


def marked_line(name: str, path: Path = APP_FILE) -> int:
    """The line of ``path`` that carries ``# MARK: name``."""
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if re.search(rf"# MARK: {re.escape(name)}$", line):
            return number
    raise AssertionError(f"no '# MARK: {name}' in {path}")


@dataclass
class AppProcess:
    """The Starlette application on uvicorn in its own process."""

    process: subprocess.Popen[str]
    port: int
    pid: int
    address: str | None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def viewers(self) -> int:
        return int(httpx.get(f"{self.base}/viewers", timeout=10).json()["viewers"])

    def wait_for_viewers(self, count: int) -> None:
        wait_until(lambda: self.viewers() == count, f"{count} viewer(s) attached", 30)

    def stop(self) -> str:
        """SIGTERM: uvicorn shuts down, the lifespan closes the instrumentation; returns its stderr."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        _, err = self.process.communicate(timeout=60)
        return err


def start_app(url: str, *extra: str, env: dict[str, str] | None = None) -> AppProcess:
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.attach_app", url, *extra],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )
    assert process.stdout is not None
    first = process.stdout.readline()
    if not first:
        _, err = process.communicate(timeout=30)
        raise AssertionError(f"the attach app did not start: {err}")
    ready: dict[str, Any] = json.loads(first)
    return AppProcess(process, ready["port"], ready["pid"], ready["address"])


def start_viewer(*args: str) -> subprocess.Popen[str]:
    """``sqla-tui attach ARGS`` as its own process."""
    return subprocess.Popen(
        [sys.executable, "-m", "sqla_tui", "attach", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def sqla_tui(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sqla_tui", *args], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )


class Reader(threading.Thread):
    """A viewer on a thread: folds the whole feed into a Digest until the application says goodbye."""

    def __init__(self, target: str) -> None:
        super().__init__(daemon=True)
        self.digest = Digest()
        self._sock = connect(target)

    def run(self) -> None:
        for event in read_events(self._sock):
            self.digest.add(event)


@contextlib.contextmanager
def watched(engine, name: str) -> Iterator[Reader]:  # type: ignore[no-untyped-def]
    """``engine`` instrumented as ``name``, a reader attached, for the block; its feed read to the end after."""
    with viewing(instrument(engine, name=name), name) as reader:
        yield reader


@contextlib.contextmanager
def viewing(handle: Any, name: str) -> Iterator[Reader]:
    """A reader attached to the instrumentation ``handle`` (named ``name``) for the block; the instrumentation closed
    after, and its feed read to the end."""
    reader = Reader(name)
    reader.start()
    assert handle.wait_for_viewer(30)
    try:
        yield reader
    finally:
        handle.close()
        reader.join(60)
