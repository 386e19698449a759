"""Hide credentials in anything that came from the user's URL, parsed or not.

Kept free of SQLAlchemy so the first frame can name its target before the
heavy imports, and so every error path can mask text it could not parse.
"""

from __future__ import annotations

import re

_CREDENTIALS = re.compile(r"(//[^/:@\s]*:)[^@\s]*@")


def mask_url_text(raw: str) -> str:
    """Hide the password in URL-like text we could not parse as a URL."""
    return _CREDENTIALS.sub(r"\1***@", raw)

