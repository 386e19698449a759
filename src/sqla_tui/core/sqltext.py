"""SQL text for reading: formatted by sqlparse, one place for every panel."""

import re

import sqlparse

_PLACEHOLDER = r"(?:\?|\$\d+|%s|%\(\w+\)s|:\w+)"
_LONG_LIST = re.compile(rf"\(\s*{_PLACEHOLDER}(?:\s*,\s*{_PLACEHOLDER}){{3,}}\s*\)")


def _fold_lists(sql: str) -> str:
    """``(?, ?, ?, … 500 keys)`` instead of 500 placeholders, one per line."""

    def fold(match: re.Match[str]) -> str:
        placeholders = re.findall(_PLACEHOLDER, match.group(0))
        return f"({placeholders[0]}, {placeholders[1]} /* … {len(placeholders)} values */)"

    return _LONG_LIST.sub(fold, sql)


def format_sql(sql: str) -> str:
    """Re-indent a statement and upper-case its keywords, folding long IN lists."""
    return sqlparse.format(_fold_lists(sql), reindent=True, keyword_case="upper").strip()


def one_line(sql: str, width: int | None = None) -> str:
    """A statement on one line, cut to ``width`` characters with an ellipsis."""
    flat = " ".join(_fold_lists(sql).split())
    if width is not None and len(flat) > width:
        return flat[: width - 1] + "…"
    return flat
