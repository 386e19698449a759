"""The config file: read with tomllib (fast, stdlib), changed with tomlkit so the user's comments and order survive.

The file may hold the names of environment variables and keyring entries but
never a password, and is written owner-only (0600) like any file naming
where credentials live. Every failure is one line naming the file.
"""

from __future__ import annotations

import contextlib
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqla_tui.core.errors import UserError
from sqla_tui.settings.files import write_private
from sqla_tui.settings.paths import config_file

if TYPE_CHECKING:
    import tomlkit.toml_document

TEMPLATE = """\
# sqla-tui settings. 'sqla-tui config edit' opens this file; comments are kept.
#
# Saved connections ('sqla-tui connections add NAME URL'); never a password here:
#   [connections.prod]
#   url = "postgresql://app@db.example.com/app"
#   password_env = "PGPASSWORD"     # or password = "keyring" / password = "prompt"
#
# Key bindings by id (the ids are listed in README.md), e.g.:
#   [keymap]
#   "compose.run" = "f5"
#
# [ui]
# theme = "textual-dark"
"""


def read(path: Path | None = None) -> dict[str, Any]:
    """The settings as plain data; an absent file is empty settings, a broken one a one-line error."""
    path = path or config_file()
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        return {}
    except tomllib.TOMLDecodeError as error:
        raise UserError(f"config file {path} is not valid TOML: {error}; fix it with 'sqla-tui config edit'") from None
    except OSError as error:
        raise UserError(f"cannot read config file {path}: {error.strerror or error}") from None


def table(settings: dict[str, Any], name: str) -> dict[str, Any]:
    """The ``[name]`` table of ``settings``; anything else in its place is a one-line error."""
    found = settings.get(name, {})
    if not isinstance(found, dict):
        raise UserError(f"'{name}' in the config file must be a table ([{name}]); fix it with 'sqla-tui config edit'")
    return found


def ensure(path: Path | None = None) -> Path:
    """Create the file from the commented template if absent; return its path."""
    path = path or config_file()
    if not path.exists():
        _write(path, TEMPLATE)
    return path


@contextlib.contextmanager
def editing(path: Path | None = None) -> Iterator[tomlkit.toml_document.TOMLDocument]:
    """Yield the file as a tomlkit document and write it back (0600, atomically) when the block ends."""
    import tomlkit

    path = ensure(path)
    read(path)  # a broken file is refused with tomllib's line before tomlkit rewrites anything
    try:
        document = tomlkit.parse(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise UserError(f"cannot read config file {path}: {error.strerror or error}") from None
    yield document
    _write(path, tomlkit.dumps(document))


def _write(path: Path, text: str) -> None:
    write_private(path, text, "config file")
