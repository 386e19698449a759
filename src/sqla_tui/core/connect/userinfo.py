"""Where a URL's userinfo ends, found in its text alone (no URL parser needed).

A password may hold ``@``, ``:``, ``/`` or spaces that the user did not
percent-encode, so the userinfo cannot end at the first ``@``. A host name
never holds an ``@``, so it ends at the last ``@`` that a host list follows
(``h``, ``h:5432``, ``[::1]``, ``a:1,b:2``, or nothing, for a local socket).
Both masking and URL parsing decide it here, so they never disagree.
"""

from __future__ import annotations

import re

_HOST = r"(?:\[[0-9A-Za-z:.%]*\]|[\w.%-]*)(?::\w*)?"
HOST_LIST_AFTER_AT = rf"@{_HOST}(?:,{_HOST})*" + r"""(?=[/?#\s'"(),;\]]|$)"""
"""An ``@`` followed by a host list and then the end of the authority (or of the quoted text)."""

_AT_HOST = re.compile(HOST_LIST_AFTER_AT)


def userinfo_end(text: str, start: int = 0, stop: int | None = None) -> int | None:
    """The index of the ``@`` ending the userinfo of the authority at ``text[start:stop]``; None without one."""
    ends = [
        match.start()
        for match in _AT_HOST.finditer(text, start, len(text) if stop is None else stop)
        if not _between_quotes(text, match.start())
    ]
    return ends[-1] if ends else None


def _between_quotes(text: str, at: int) -> bool:
    """Whether the ``@`` at ``at`` joins a MariaDB account, ``'user'@'host'``: a driver's message quoting one after a
    URL on the same line (a view's missing definer, a denied SELECT) names no end of that URL's userinfo, and no
    URL has a quote on both sides of its ``@``."""
    return 0 < at < len(text) - 1 and text[at - 1] in "'\"`" and text[at + 1] == text[at - 1]
