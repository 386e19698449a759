"""Query history: every spec run against a connection, newest last, kept per connection in the data directory.

One JSON Lines file per connection (the saved name, ``demo``, or a digest of
the URL with its password masked, so two passwords share one history and
neither is ever written). Bounded to ``LIMIT`` entries; running a spec again
moves it to the end instead of repeating it. A line that does not read (a
crash mid-write, a hand edit) is skipped: history is a convenience, and one
bad line must not hide the rest.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from sqla_tui.core.connect.masking import mask_url
from sqla_tui.core.connect.target import DEMO_ALIAS, Target
from sqla_tui.core.errors import UserError
from sqla_tui.core.query.spec import QuerySpec, filter_text
from sqla_tui.core.query.spec_file import spec_data, spec_from_data
from sqla_tui.settings.files import write_private
from sqla_tui.settings.paths import history_dir

LIMIT = 500
"""Entries kept per connection; the oldest go first."""

_FIX = "pick another with 'sqla-tui history'"


@dataclass(frozen=True)
class HistoryEntry:
    """One remembered spec: ``number`` 1 is the newest."""

    number: int
    at: str
    """When it last ran, ISO 8601 in UTC."""
    connection: str
    """The saved name, ``demo``, or the masked URL."""
    spec: QuerySpec

    @property
    def line(self) -> str:
        return spec_line(self.spec)


def connection_label(target: Target) -> str:
    """How history names a target: its saved name, ``demo``, or its URL with the password masked."""
    if target.name:
        return target.name
    if target.is_demo:
        return DEMO_ALIAS
    return mask_url(target.url or "")


def _file(label: str, *, saved: bool) -> Path:
    if saved or label == DEMO_ALIAS:
        return history_dir() / f"{label}.jsonl"  # a saved name is a safe file name (connections.check_name)
    return history_dir() / f"url-{hashlib.sha256(label.encode()).hexdigest()[:16]}.jsonl"


def history_file(target: Target) -> Path:
    return _file(connection_label(target), saved=bool(target.name))


def remember(target: Target, spec: QuerySpec) -> None:
    """Add ``spec`` as the newest entry of the target's history; the same spec run again moves, not repeats."""
    path = history_file(target)
    data = spec_data(spec)
    kept = [line for line in _lines(path) if line.get("spec") != data]
    now = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
    kept.append({"at": now, "connection": connection_label(target), "spec": data})
    _write(path, kept[-LIMIT:])


def entries(target: Target) -> list[HistoryEntry]:
    """The target's history, newest first and numbered from 1."""
    return _entries(history_file(target))


def every_connection() -> list[list[HistoryEntry]]:
    """Each connection's history with at least one entry, the most recently used connection first."""
    directory = history_dir()
    found = [_entries(path) for path in sorted(directory.glob("*.jsonl"))] if directory.is_dir() else []
    return sorted((listed for listed in found if listed), key=lambda listed: listed[0].at, reverse=True)


def entry(target: Target, number: int) -> QuerySpec:
    """The spec of entry ``number`` (1 = newest) of the target's history; a missing one is a one-line error."""
    listed = entries(target)
    if not 1 <= number <= len(listed):
        label = connection_label(target)
        have = f"entries 1 to {len(listed)}" if listed else "no entries yet"
        listing = f"sqla-tui history {label}" if target.name else "sqla-tui history"
        raise UserError(f"history of {label} has no entry {number} ({have}); pick another with '{listing}'")
    return listed[number - 1].spec


def _entries(path: Path) -> list[HistoryEntry]:
    found: list[HistoryEntry] = []
    for line in reversed(_lines(path)):
        try:
            spec = spec_from_data(line.get("spec"), "a history entry", _FIX)
        except UserError:
            continue
        found.append(HistoryEntry(len(found) + 1, str(line.get("at", "")), str(line.get("connection", "")), spec))
    return found


def _lines(path: Path) -> list[dict]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError) as error:
        raise UserError(f"cannot read the query history {path}: {error}") from None
    lines = []
    for raw in text.splitlines():
        try:
            line = json.loads(raw)
        except ValueError:
            continue
        if isinstance(line, dict):
            lines.append(line)
    return lines


def _write(path: Path, lines: list[dict]) -> None:
    write_private(path, "".join(json.dumps(line) + "\n" for line in lines), "the query history")


def spec_line(spec: QuerySpec) -> str:
    """A spec in one line, as the history lists it: ``users · id > 5 · order name desc · posts=selectin · limit 100``."""
    parts = [spec.root if spec.schema is None else f"{spec.schema}.{spec.root}"]
    parts += [filter_text(f) for f in spec.filters]
    if spec.order_by:
        parts.append("order " + ", ".join(f"{o.column}{' desc' if o.descending else ''}" for o in spec.order_by))
    parts += [f"{load.path}={load.strategy}" for load in spec.loads]
    parts.append(f"limit {spec.limit}" if spec.limit is not None else "no limit")
    if spec.offset:
        parts.append(f"offset {spec.offset}")
    if spec.models:
        parts.append(f"--models {spec.models}")
    return " · ".join(parts)

