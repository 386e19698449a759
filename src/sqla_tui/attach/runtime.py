"""Where instrumented applications can be found: a per-user 0700 directory of sockets and their cards.

Each instrumented engine has a Unix socket named ``PID-NAME.sock`` and, beside
it, a card ``PID-NAME.json`` (mode 0600) saying what it is (pid, name,
dialect, pool, masked URL, start time, address, and the token when it listens
on TCP). ``sqla-tui attach`` lists the cards; a card whose process is gone is
removed when listed. ``SQLA_TUI_RUNTIME_DIR`` overrides the directory (tests,
or a shorter path where the default would make socket paths too long).
"""

from __future__ import annotations

import json
import os
import re
import stat
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqla_tui.core.errors import UserError

RUNTIME_ENV = "SQLA_TUI_RUNTIME_DIR"
_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")
_SOCKET_PATH_MAX = 100  # sun_path holds 108 bytes on Linux, 104 on macOS


class AttachError(UserError):
    """A one-line reason an attach cannot happen (a bad address, an unsafe directory, no such process)."""


def runtime_dir(*, create: bool) -> Path:
    """The per-user directory of sockets, made 0700 if ``create``; refused when another user could read it."""
    configured = os.environ.get(RUNTIME_ENV)
    if configured:
        path = Path(configured)
    else:
        import platformdirs

        with warnings.catch_warnings():  # it warns when XDG_RUNTIME_DIR is unset, then uses /tmp/runtime-UID
            warnings.simplefilter("ignore")
            path = Path(platformdirs.user_runtime_dir("sqla-tui"))
    if create:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
    if path.exists():
        info = path.stat()
        if info.st_uid != os.getuid() or stat.S_IMODE(info.st_mode) & 0o077:
            raise AttachError(
                f"{path} belongs to another user or is open to others (mode {stat.S_IMODE(info.st_mode):o}); "
                f"remove it or set {RUNTIME_ENV} to a directory only you can read"
            )
    return path


def slug(name: str) -> str:
    """A name fit for a file name: letters, digits, '_', '.', '-' (others become '-'), at most 40 characters."""
    return _UNSAFE.sub("-", name).strip("-.")[:40] or "app"


def socket_path(pid: int, name: str) -> Path:
    path = runtime_dir(create=True) / f"{pid}-{slug(name)}.sock"
    if len(os.fsencode(path)) > _SOCKET_PATH_MAX:
        raise AttachError(f"socket path {path} is too long for a Unix socket; set {RUNTIME_ENV} to a shorter directory")
    return path


def write_card(path: Path, card: dict[str, Any]) -> None:
    """Write a card readable only by this user, replacing any old one atomically."""
    temporary = path.with_suffix(".tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(card, handle)
    os.replace(temporary, path)


def parse_tcp(address: str) -> tuple[str, int]:
    """``tcp://127.0.0.1:PORT`` -> (host, port); only loopback hosts, so the feed never leaves the machine."""
    match = re.fullmatch(r"tcp://(127\.\d+\.\d+\.\d+|localhost|\[::1\]):(\d{1,5})", address)
    if match is None or int(match.group(2)) > 65535:
        raise AttachError(
            f"{address!r} is not an attach address; use tcp://127.0.0.1:PORT (loopback only) or leave it out for a Unix socket"
        )
    host = match.group(1)
    return ("::1" if host == "[::1]" else "127.0.0.1" if host == "localhost" else host), int(match.group(2))


@dataclass(frozen=True)
class Card:
    """One instrumented engine that can be attached to."""

    pid: int
    name: str
    dialect: str
    poolclass: str
    url: str
    started: float
    address: str
    token: str | None

    def public(self) -> dict[str, Any]:
        """The card without its token, for listings."""
        return {key: value for key, value in vars(self).items() if key != "token"}


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def cards() -> list[Card]:
    """Instrumented engines of live processes, oldest first; cards of dead processes are removed."""
    directory = runtime_dir(create=False)
    if not directory.is_dir():
        return []
    found = []
    for path in sorted(directory.glob("*.json")):
        try:
            card = Card(**json.loads(path.read_text()))
        except (OSError, ValueError, TypeError):
            continue
        if _alive(card.pid):
            found.append(card)
        else:
            path.unlink(missing_ok=True)
            if card.address.startswith("/"):
                Path(card.address).unlink(missing_ok=True)
    return sorted(found, key=lambda card: card.started)


def find_card(target: str) -> Card:
    """The card a user named: a pid, a name, ``PID-NAME``, or an address; one line when none or several match."""
    live = cards()
    matches = [
        card for card in live if target in (str(card.pid), card.name, f"{card.pid}-{slug(card.name)}", card.address)
    ]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        known = ", ".join(f"{card.pid} ({card.name})" for card in live) or "none are running"
        raise AttachError(f"no instrumented application {target!r} here; instrumented: {known}")
    names = ", ".join(f"{card.pid}-{slug(card.name)}" for card in matches)
    raise AttachError(f"{target!r} matches several instrumented engines ({names}); name one as PID-NAME")
