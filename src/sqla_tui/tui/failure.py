"""How an unexpected failure reads on screen: one masked line, never a traceback."""

from __future__ import annotations

from sqla_tui.core.connect.masking import mask_url_text
from sqla_tui.core.errors import UserError


def one_line(error: BaseException) -> str:
    """A failure as one masked line: a UserError's own text, else (a bug, or the OS) its type and first line."""
    if isinstance(error, UserError):
        return str(error)
    first = (str(error).strip().splitlines() or [""])[0]
    return mask_url_text(f"{type(error).__name__}: {first}")
