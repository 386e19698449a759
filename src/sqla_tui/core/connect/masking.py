"""Hide credentials in anything that came from the user's URL, parsed or not.

Masking works on text alone, never on a parsed URL: the same rules cover a
URL SQLAlchemy rendered, one it refused to parse (a space or an unencoded
``@`` in the password, no scheme), and a driver's error message quoting a
DSN. It imports nothing heavy, so the first frame and every error path can use it.

What counts as a credential: the password in a URL's userinfo (everything
between the first ``:`` after the user name and the last ``@`` that a host
follows, so a password may hold any number of ``@`` and ``:``); the value of
any ``key=value`` whose key names a secret (``password``, ``passwd``,
``pwd``, ``sslpassword``, ``token``, ``secret``, ``api_key``, access and
private keys, ``credentials``, ``auth``...), in a query string, a libpq-style
DSN or a dict/JSON repr. When in doubt a little too much is masked, never too little.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import unquote

from sqla_tui.core.connect.userinfo import HOST_LIST_AFTER_AT, userinfo_end

MASK = "***"

_SCHEME = re.compile(r"(?<![\w+.-])[A-Za-z][A-Za-z0-9+.-]*://")
_BARE_USERINFO = re.compile(rf"(?<![\w%.+/:-])[\w%.+-]+:(?!//)(\S*)(?={HOST_LIST_AFTER_AT})")
"""``user:password@host`` without a scheme in front (a URL typed without one, or quoted by a driver)."""

_SECRET_KEY = (
    r"[\w.-]*?(?:pass(?:word|wd|phrase)?|pwd|secret|token|api[_-]?key|access[_-]?key"
    r"|private[_-]?key|credentials?|auth)[\w.-]*"
)
_SECRET_VALUE = re.compile(
    rf"""(?ix)
    (?<![\w.-]) (?P<quote>['"]?) {_SECRET_KEY} (?P=quote)
    (?P<separator> \s*=\s* | \s*:\s*(?=['"]) )
    (?P<value> '(?:[^'\\]|\\.)*' | "(?:[^"\\]|\\.)*" | (?:[^\s&\#'"]|&(?![\w.-]+=))+ )
    """
)
"""``password=...`` in a query string or DSN (up to the next ``&key=``), ``'token': '...'`` in a repr."""

_SHORTEST_SCRUBBED = 3
"""Known secrets shorter than this are not searched for in free text: they would mask ordinary letters."""


def is_secret_key(key: str) -> bool:
    """Whether an option called ``key`` holds a credential (``password``, ``sslpassword``, ``token``...), by the masking rules."""
    return re.fullmatch(_SECRET_KEY, key, re.IGNORECASE) is not None


def mask_url(raw: str) -> str:
    """Hide every credential in ``raw``, which is one URL as the user typed it (spaces and all)."""
    return _mask_values(_replace(raw, _userinfo_spans_of_url(raw)))


def mask_url_text(text: str, secrets: Iterable[str] = ()) -> str:
    """Hide credentials in free text (an error message, a log line) that may quote URLs or DSNs.

    ``secrets`` are values known to be secret (the password of the URL in
    use): they are hidden wherever they appear, even outside any URL.
    """
    for secret in sorted({s for s in secrets if len(s) >= _SHORTEST_SCRUBBED}, key=len, reverse=True):
        text = text.replace(secret, MASK)
    spans = _userinfo_spans_in_text(text)
    text = _replace(text, spans)
    text = _replace(text, [match.span(1) for match in _BARE_USERINFO.finditer(text)])
    return _mask_values(text)


def url_secrets(raw: str) -> set[str]:
    """The secret values in one URL (its password, any ``password=`` or ``token=`` value), raw and decoded.

    Handed to ``mask_url_text`` so an error that repeats a secret outside any
    URL still shows none of it; the pieces between a password's ``@`` and
    ``:`` are included, because a parser that split it there shows them apart.
    """
    found = [raw[start:end] for start, end in _userinfo_spans_of_url(raw)]
    found += [match["value"].strip("'\"") for match in _SECRET_VALUE.finditer(raw)]
    decoded = {variant for value in found for variant in (value, unquote(value), unquote(value.replace("+", " ")))}
    return decoded | {piece for value in decoded for piece in re.split("[@:]", value)}


def _userinfo_spans_of_url(raw: str) -> list[tuple[int, int]]:
    """Where the password is in one whole URL: after the scheme, up to the last ``@`` a host follows.

    Without a scheme, or with no host after any ``@``, the last ``@`` still
    ends the userinfo: a string that failed to parse is masked generously.
    """
    scheme = _SCHEME.match(raw.lstrip())
    start = len(raw) - len(raw.lstrip()) + (scheme.end() if scheme else 0)
    if raw.startswith("/", start):
        return []  # sqlite:///path: no authority, so no userinfo
    end = userinfo_end(raw, start)
    return _password_span(raw, start, raw.rfind("@", start) if end is None else end)


def _userinfo_spans_in_text(text: str) -> list[tuple[int, int]]:
    """Where passwords are in free text: each ``scheme://`` starts a URL that ends at the line's or the next URL's start."""
    schemes = list(_SCHEME.finditer(text))
    spans: list[tuple[int, int]] = []
    for index, scheme in enumerate(schemes):
        start = scheme.end()
        line_end = text.find("\n", start)
        stop = min(
            line_end if line_end >= 0 else len(text),
            schemes[index + 1].start() if index + 1 < len(schemes) else len(text),
        )
        if text.startswith("/", start):
            continue
        end = userinfo_end(text, start, stop)
        if end is not None:
            spans += _password_span(text, start, end)
    return spans


def _password_span(text: str, start: int, at: int) -> list[tuple[int, int]]:
    """The password in the userinfo ``text[start:at]``: after its first ``:``; none if it has no ``:``."""
    if at < start:
        return []
    colon = text.find(":", start, at)
    if colon < 0 or colon + 1 == at:
        return []
    return [(colon + 1, at)]


def _replace(text: str, spans: list[tuple[int, int]]) -> str:
    for start, end in sorted(spans, reverse=True):
        text = text[:start] + MASK + text[end:]
    return text


def _mask_values(text: str) -> str:
    def hide(match: re.Match[str]) -> str:
        value = match["value"]
        quote = value[0] if value[0] in "'\"" and len(value) > 1 and value[-1] == value[0] else ""
        return f"{match.group(0)[: match.start('value') - match.start()]}{quote}{MASK}{quote}"

    return _SECRET_VALUE.sub(hide, text)
