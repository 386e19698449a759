"""Which SQLite file a URL names, however it is spelt, and the one way it is opened.

A SQLite URL can name its file as a path (``sqlite:///x.db``), as a URI
filename (``sqlite:///file:x.db?uri=true``, options inside or after it,
percent-encoded or not), or with URI options but no ``uri=true`` (which
SQLAlchemy drops with a warning, or glues onto the file name). Each spelling
is read here into one target: a file path, or an in-memory database, plus
the options that do not change which file is opened. The engine then always
opens the file as ``file:<path>?mode=ro`` (``rw`` when writing is asked for),
never ``rwc``, so no spelling can create a file or open one writable behind
the read-only promise.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote

from sqla_tui.core.connect.url_options import check_options, is_true
from sqla_tui.core.errors import UserError

_MAGIC = b"SQLite format 3\x00"
_PASSED_THROUGH = ("immutable", "nolock", "psow", "cache", "vfs")
"""URI options kept as given: they change how the file is read, never which file or whether it is written."""
_SHOWN_PATH = 80
"""Characters of a path an error shows before it shortens it."""


@dataclass(frozen=True)
class SqliteTarget:
    """A SQLite file (or, with ``path`` None, an in-memory database) and how the user asked to open it."""

    path: Path | None
    options: tuple[tuple[str, str], ...] = ()
    """URI options passed through to SQLite (``_PASSED_THROUGH``)."""
    timeout: str | None = None
    """Seconds to wait for another process's lock, as given; SQLite's driver default (5 s) when None."""
    read_only_asked: bool = False
    """The URL itself said ``mode=ro``: honoured even where writing is allowed."""

    def database_and_query(self, *, read_only: bool) -> tuple[str | None, dict[str, str]]:
        """The URL's database and query that open this target: a ``file:`` URI with ``mode=ro`` or ``rw``."""
        if self.path is None:
            return None, {}
        mode = "ro" if read_only or self.read_only_asked else "rw"
        query = {"uri": "true", "mode": mode, **dict(self.options)}
        if self.timeout is not None:
            query["timeout"] = self.timeout
        return f"file:{quote(str(self.path))}", query


def read_sqlite_url(database: str | None, query: Mapping[str, str | Sequence[str]]) -> SqliteTarget:
    """Read a SQLite URL's database part and query into the file (or memory) it names.

    With ``uri=true`` a ``file:`` name is a SQLite URI: its path is
    percent-decoded and its own ``?options`` count like the URL's. Without
    ``uri=true`` a name starting ``file:`` is, as for SQLite, a plain file
    name. Options given without ``uri=true`` are honoured all the same: the
    user wrote them to be applied.
    """
    options = check_options("aiosqlite", query)
    name = database or ""
    from_uri = is_true(options.pop("uri", "false")) and name.startswith("file:")
    if from_uri:
        name, inner = _split_uri(name)
        for key, value in check_options("aiosqlite", inner).items():
            if key in options:
                raise UserError(f"URL option {key!r} is given twice (in the file: URI and after it); keep one")
            options[key] = value
    if name in ("", ":memory:") or options.get("mode") == "memory" or options.get("vfs") == "memdb":
        return SqliteTarget(None)
    path = Path(name) if from_uri else Path(name).expanduser()
    return SqliteTarget(
        path=_absolute(path),
        options=tuple((key, options[key]) for key in _PASSED_THROUGH if key in options),
        timeout=options.get("timeout"),
        read_only_asked=options.get("mode") == "ro",
    )


def _absolute(path: Path) -> Path:
    """``path`` made absolute, a leading ``//`` read as ``/``: ``sqlite:////$PWD/x.db`` gives ``//home/…``.

    POSIX lets a system give exactly two leading slashes a meaning of its
    own, so Python keeps them; Linux and macOS read them as one, and the
    ``file://home/…`` URI the file is opened by would name a host ``home``.
    """
    absolute = os.path.abspath(path)
    if os.name == "posix" and absolute.startswith("//"):
        absolute = "/" + absolute.lstrip("/")
    return Path(absolute)


def _split_uri(name: str) -> tuple[str, dict[str, str]]:
    """A ``file:`` URI's decoded path and its own options, read as SQLite reads them."""
    rest = name[len("file:") :].partition("#")[0]
    rest, _, query = rest.partition("?")
    if rest.startswith("//"):
        authority, slash, rest = rest[2:].partition("/")
        if authority not in ("", "localhost"):
            raise UserError(
                f"a SQLite file: URI names no host, got {authority!r}; write file:/absolute/path.db or file:relative.db"
            )
        rest = slash + rest
    options: dict[str, str] = {}
    for pair in filter(None, query.split("&")):
        key, _, value = pair.partition("=")
        if unquote(key) in options:
            raise UserError(f"URL option {unquote(key)!r} is given twice in the file: URI; keep one")
        options[unquote(key)] = unquote(value)
    return unquote(rest), options


def checked_sqlite_url(database: str | None, query: Mapping[str, str | Sequence[str]]) -> SqliteTarget:
    """``read_sqlite_url``, its file (if it names one) checked with ``check_file``: what every opener of a URL needs."""
    target = read_sqlite_url(database, query)
    if target.path is not None:
        check_file(target.path)
    return target


def check_file(path: Path) -> None:
    """Refuse a SQLite path that is missing, too long, not a regular file, or not a database.

    SQLite happily creates an empty file for a mistyped path, and the user
    then stares at an empty schema; we make that an error instead. Devices,
    FIFOs and sockets are refused before anything opens them (reading a FIFO
    waits for a writer forever).
    """
    shown = _shown(path)
    try:
        status = path.stat()
    except (FileNotFoundError, NotADirectoryError):
        hint = " (to read file: as a SQLite URI, add ?uri=true)" if path.name.startswith("file:") else ""
        raise UserError(
            f"SQLite file {shown} does not exist; check the path{hint} "
            "(sqla-tui never creates one; 'sqla-tui demo' builds the demo database)"
        ) from None
    except OSError as error:
        reason = "the path is too long" if error.errno == errno.ENAMETOOLONG else error.strerror
        raise UserError(f"cannot use SQLite path {shown}: {reason}; check the path") from None
    if stat.S_ISDIR(status.st_mode):
        raise UserError(f"{shown} is a directory, not a SQLite database file")
    if not stat.S_ISREG(status.st_mode):
        raise UserError(f"{shown} is {_kind(status.st_mode)}, not a SQLite database file")
    try:
        with path.open("rb") as handle:
            header = handle.read(len(_MAGIC))
    except OSError as error:
        raise UserError(f"cannot read SQLite file {shown}: {error.strerror}") from None
    if header and header != _MAGIC:
        raise UserError(f"{shown} is not a SQLite database (its first bytes are not 'SQLite format 3')")


def _kind(mode: int) -> str:
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _shown(path: Path) -> str:
    text = str(path)
    if len(text) <= _SHOWN_PATH:
        return text
    return f"{text[: _SHOWN_PATH // 2]}…{text[-_SHOWN_PATH // 2 :]} ({len(text):,} characters)"
