"""The files a URL's TLS options name (CA, client certificate and key, CRL), checked before a connection tries them.

A missing one would surface from the driver as a bare "[Errno 2] No such
file or directory" (asyncpg) or from ``ssl`` without saying which option
named it; both TLS paths (``libpq``, ``mysql_tls``) check here instead, so
the line is the same whichever database the URL is for.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from sqla_tui.core.errors import UserError


def require_files(paths: Iterable[str]) -> None:
    """Refuse, in one line, the first path that does not exist."""
    for path in paths:
        if not Path(path).expanduser().exists():
            raise UserError(f"TLS file {path} from the URL does not exist; check the path")
