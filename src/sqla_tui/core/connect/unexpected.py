"""An error nothing else explained, as the one line a person sees: its type and first line, no password.

Both front-ends end here (the CLI's last resort, the app's notification), so
a bug reads the same everywhere. Free of SQLAlchemy, because the app may
need it before SQLAlchemy has loaded.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqla_tui.core.connect.masking import mask_url_text, url_secrets
from sqla_tui.core.errors import UserError


def failure_line(error: BaseException, urls: Iterable[str | None] = ()) -> str:
    """A UserError's own text; anything else as ``Type: first line``, with no credential in it.

    ``urls`` are the URLs as the user typed them: their secrets (password,
    ``password=`` options) are hidden wherever the text repeats them, even
    outside a URL, and anything else that looks like a credential is masked.
    """
    if isinstance(error, UserError):
        return str(error)
    first = (str(error).strip().splitlines() or [""])[0]
    text = f"{type(error).__name__}: {first}" if first else type(error).__name__
    return mask_url_text(text, {secret for url in urls if url for secret in url_secrets(url)})
