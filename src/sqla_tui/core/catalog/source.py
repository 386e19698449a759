"""Python source text as ruff format would lay it out: string literals, calls, import blocks.

The model export writes code people paste into their projects; code that
``ruff format`` would rewrite on first save makes a noisy first diff, so
what is written here is already in its style (double quotes, 88 columns,
one argument per line with a trailing comma when a call does not fit).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

WIDTH = 88
"""ruff format's default line length."""

INDENT = "    "


def literal(text: str) -> str:
    """``text`` as a Python string literal, double-quoted unless that needs more escapes."""
    quoted = repr(text)
    if quoted.startswith('"') or '"' in text:
        return quoted
    return f'"{quoted[1:-1]}"'


@dataclass(frozen=True)
class Call:
    """A call written inside another one's arguments: flat when it fits, else split in turn."""

    prefix: str
    arguments: tuple[str | Call, ...]

    def __str__(self) -> str:
        return f"{self.prefix}({', '.join(map(str, self.arguments))})"


def call(prefix: str, arguments: Iterable[str | Call], depth: int = 0, suffix: str = "") -> str:
    """``prefix(arguments)suffix`` at ``depth`` indents: on one line when it fits, else split like ruff.

    Split, the arguments first share one line of their own, then (still too
    long) take one line each with a trailing comma, a nested ``Call`` split
    the same way when its own line is too long.
    """
    arguments = list(arguments)
    flat = ", ".join(map(str, arguments))
    indent = INDENT * depth
    line = f"{indent}{prefix}({flat}){suffix}"
    if len(line) <= WIDTH or not arguments:
        return line
    inner = INDENT * (depth + 1)
    if len(inner + flat) <= WIDTH:
        return f"{indent}{prefix}(\n{inner}{flat}\n{indent}){suffix}"
    lines = "".join(
        (call(item.prefix, item.arguments, depth + 1) if isinstance(item, Call) else inner + item) + ",\n"
        for item in arguments
    )
    return f"{indent}{prefix}(\n{lines}{indent}){suffix}"


def _import_key(name: str) -> tuple[int, str]:
    """isort's order by type, as ruff applies it: CONSTANTS, then Classes, then functions."""
    if name.isupper() and len(name) > 1:
        return 0, name
    return (1, name) if name[:1].isupper() else (2, name)


def import_block(modules: Iterable[str], names: dict[str, set[str]]) -> str:
    """``import x`` lines and ``from m import a, b`` lines, sorted as ruff's isort sorts one section."""
    lines = [f"import {module}" for module in sorted(set(modules))]
    for module in sorted(names):
        imported = sorted(names[module], key=_import_key)
        lines.append(f"from {module} import {', '.join(imported)}")
        if len(lines[-1]) > WIDTH:
            lines[-1] = f"from {module} import (\n" + "".join(f"{INDENT}{name},\n" for name in imported) + ")"
    return "\n".join(lines)
