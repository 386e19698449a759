"""SQL text for reading: the one place that lays out a statement for a panel or a terminal.

Whatever is shown or copied as a statement must run as the database received
it, so layout changes whitespace only. ``format_sql`` lets sqlparse re-indent
(never re-case: a table named ``language`` is not the keyword ``LANGUAGE``),
keeps lists of placeholders on one line, and compares the result token by
token with the statement; the statement is shown as received if anything but
whitespace differs, or if it is too big to lay out while a key is pressed
(sqlparse refuses more than 10,000 tokens and needs ~0.2 s for 10,000
characters). ``one_line`` makes labels (the statement log, plan headers):
whitespace only, unless the label must be cut to a width, and then it shows
it (folded lists, a final ``…``).
"""

from __future__ import annotations

import re

_PLACEHOLDER = r"(?:\?|\$\d+(?:::\w+)?|%s|%\(\w+\)s|:\w+)"
_ITEM = rf"(?:{_PLACEHOLDER}|\(\s*{_PLACEHOLDER}(?:\s*,\s*{_PLACEHOLDER})*\s*\))"
_LIST = re.compile(rf"\(\s*{_ITEM}(?:\s*,\s*{_ITEM})+\s*\)")
_LONG_LIST = re.compile(rf"\(\s*{_PLACEHOLDER}(?:\s*,\s*{_PLACEHOLDER}){{3,}}\s*\)")

_LINE_COMMENT = r"--[^\n]*|\#[^\n]*"
_VERBATIM = (
    r"'(?:[^'\\]|\\.)*(?:'|$)"  # string literal; a backslash escape only ever makes it longer
    r'|"(?:[^"]|"")*(?:"|$)'  # quoted identifier (PostgreSQL, SQLite)
    r"|`(?:[^`]|``)*(?:`|$)"  # quoted identifier (MySQL, MariaDB, SQLite)
    r"|\$(?P<tag>(?:[A-Za-z_]\w*)?)\$.*?(?:\$(?P=tag)\$|$)"  # PostgreSQL dollar quoting
    r"|/\*.*?(?:\*/|$)"
    rf"|{_LINE_COMMENT}"
)
"""Text in which whitespace means something: literals, quoted names and comments (any dialect's: kept
whole, so reading ``--1`` or ``#`` as a comment where a database does not only ever keeps more text as is)."""
_TOKEN = re.compile(rf"{_VERBATIM}|\w+|[-+*/<>=~!@%^&|:]+|\S", re.DOTALL)
_SPACED = re.compile(rf"(?P<kept>{_VERBATIM})|\s+", re.DOTALL)
_NEEDS_CARE = re.compile(r"['\"`#]|\$(?!\d)|--|/\*")

_PERCENT_STYLES = ("format", "pyformat")


def as_received(sql: str, paramstyle: str) -> str:
    """The text the database receives from a driver that %-formats it (aiomysql): ``%%`` arrives as ``%``.

    SQLAlchemy doubles every ``%`` for such drivers, which halve them again
    when they splice in the parameters; a table named ``rate%s`` must be shown
    as the server reads it, not as ``rate%%s``. Placeholders stay as they are.
    """
    return sql.replace("%%", "%") if paramstyle in _PERCENT_STYLES else sql


FORMAT_LIMIT = 10_000
"""Characters (placeholder lists not counted) beyond which a statement is shown as received."""


def _tokens(sql: str) -> list[str]:
    """The statement's tokens without the whitespace between them (line comments without trailing blanks)."""
    tokens = (match.group(0) for match in _TOKEN.finditer(sql))
    return [token.rstrip() if token.startswith(("--", "#")) else token for token in tokens]


def same_but_whitespace(first: str, second: str) -> bool:
    """Whether two texts differ only in whitespace between tokens (never inside a literal or a quoted name)."""
    return _tokens(first) == _tokens(second)


def format_sql(sql: str) -> str:
    """The statement re-indented for reading, with only its whitespace changed."""
    text = sql.strip()
    lists: list[str] = []

    def hide(match: re.Match[str]) -> str:
        lists.append(match.group(0))
        return f"__sqla_tui_list_{len(lists) - 1}__"

    hidden = _LIST.sub(hide, text)
    if len(hidden) > FORMAT_LIMIT:
        return text
    import sqlparse  # ~30 ms, paid only by the panels that show SQL

    try:
        laid_out = sqlparse.format(hidden, reindent=True).strip()
    except sqlparse.exceptions.SQLParseError:
        return text
    laid_out = re.sub(r"__sqla_tui_list_(\d+)__", lambda match: lists[int(match.group(1))], laid_out)
    return laid_out if same_but_whitespace(laid_out, text) else text


def _collapse(sql: str) -> str:
    """Runs of whitespace as one space, except inside literals, quoted names and comments.

    A line comment keeps the line break that ends it: a space there would
    turn the rest of the statement into comment.
    """
    if not _NEEDS_CARE.search(sql):
        return " ".join(sql.split())
    pieces: list[str] = []
    end = 0
    comment_ends = -1
    for match in _SPACED.finditer(sql):
        pieces.append(sql[end : match.start()])
        if match.group("kept") is None:
            pieces.append("\n" if match.start() == comment_ends else " ")
        else:
            pieces.append(match.group(0))
            comment_ends = match.end() if match.group(0).startswith(("--", "#")) else -1
        end = match.end()
    pieces.append(sql[end:])
    return "".join(pieces).strip()


def _fold_lists(sql: str) -> str:
    """``(?, ? /* … 500 values */)`` instead of 500 placeholders."""

    def fold(match: re.Match[str]) -> str:
        placeholders = re.findall(_PLACEHOLDER, match.group(0))
        return f"({placeholders[0]}, {placeholders[1]} /* … {len(placeholders)} values */)"

    return _LONG_LIST.sub(fold, sql)


def one_line(sql: str, width: int | None = None) -> str:
    """A statement as a one-line label: exact but for whitespace when it fits ``width``.

    When it does not, long placeholder lists are folded and the end is cut
    with an ellipsis, so a label that is not the whole statement shows it.
    """
    flat = _collapse(sql)
    if width is None or len(flat) <= width:
        return flat
    flat = _collapse(_fold_lists(sql))
    return flat if len(flat) <= width else flat[: width - 1] + "…"
