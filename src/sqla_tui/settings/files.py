"""Writing sqla-tui's own files: owner-only, and never half a file."""

from __future__ import annotations

import os
from pathlib import Path

from sqla_tui.core.errors import UserError

MODE = 0o600
"""Owner read/write only: the files name where credentials live and hold the values users filtered on."""


def write_private(path: Path, text: str, what: str) -> None:
    """Write ``text`` to a 0600 temporary file beside ``path``, then move it over; ``what`` names the file in errors."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, MODE)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(temporary, MODE)  # O_CREAT's mode is filtered by the umask
        os.replace(temporary, path)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise UserError(f"cannot write {what} {path}: {error.strerror or error}") from None
