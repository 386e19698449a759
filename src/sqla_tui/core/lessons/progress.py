"""How far a person got in each lesson, remembered between runs in a small JSON file.

The file sits in the user's data directory (platformdirs), apart from the
cache that holds the rebuildable demo. Progress is a convenience: a file
that cannot be read starts over, and one that cannot be written is skipped.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Progress:
    """One lesson's progress: the step to resume at, and which steps passed when last run."""

    step: int = 0
    passed: tuple[int, ...] = ()


def progress_path() -> Path:
    import platformdirs

    return platformdirs.user_data_path("sqla-tui") / "lessons.json"


def load_progress() -> dict[str, Progress]:
    """Every lesson's progress; empty when there is none yet or the file is unreadable."""
    try:
        raw = json.loads(progress_path().read_text(encoding="utf-8"))
        return {
            name: Progress(int(entry.get("step", 0)), tuple(int(i) for i in entry.get("passed", ())))
            for name, entry in raw.get("lessons", {}).items()
        }
    except (OSError, ValueError, TypeError, AttributeError):
        return {}


def remember(lesson: str, step: int, passed: bool) -> Progress:
    """Record that ``step`` of ``lesson`` was shown (and whether it passed); returns the lesson's progress."""
    everything = load_progress()
    old = everything.get(lesson, Progress())
    marks = set(old.passed) | {step} if passed else set(old.passed) - {step}
    everything[lesson] = Progress(step, tuple(sorted(marks)))
    path = progress_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        lessons = {name: {"step": p.step, "passed": list(p.passed)} for name, p in everything.items()}
        path.write_text(json.dumps({"lessons": lessons}, indent=2), encoding="utf-8")
    except OSError:
        pass  # a read-only home: the lesson still runs, it is only not remembered
    return everything[lesson]
