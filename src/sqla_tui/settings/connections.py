"""Saved connections: a name for a URL, and where its password comes from (never the file itself).

``[connections.NAME]`` tables in the config file hold ``url`` (without a
password) and at most one of ``password = "keyring"`` (the OS keyring holds
it), ``password_env = "VAR"`` (read from the environment at connect time)
or ``password = "prompt"`` (asked at connect time). ``resolve`` turns what a
user typed where a URL goes (a URL, ``demo``, or a saved name) into a Target.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path

from sqla_tui.core.connect.masking import mask_url
from sqla_tui.core.connect.target import DEMO_ALIAS, PoolOptions, Target
from sqla_tui.core.errors import UserError
from sqla_tui.settings import config_file, secrets

KEYRING = "keyring"
PROMPT = "prompt"

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}\Z")
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,127}\Z")
_LIST = "'sqla-tui connections list' shows the saved ones"

class PasswordNeeded(UserError):
    """A saved connection's password must be typed, and ``resolve`` was given nobody to ask."""

    def __init__(self, name: str, why: str) -> None:
        super().__init__(f"connection {name!r}: {why}, and there is no terminal to ask on")
        self.name = name
        self.why = why


Ask = Callable[[str], str]
"""Asks the user for a password, given the question; raises UserError when none is typed (end of input), and
``NoTerminal`` when there is no terminal to ask on and nothing was piped in."""


class NoTerminal(UserError):
    """No controlling terminal to ask a password on, and nothing on standard input either (cron, CI, a service)."""

    def __init__(self) -> None:
        super().__init__("there is no terminal to ask on")


def has_terminal() -> bool:
    """Whether this process has a controlling terminal, where ``getpass`` asks without echo (``/dev/tty``)."""
    try:
        os.close(os.open("/dev/tty", os.O_RDWR | os.O_NOCTTY))
    except OSError:
        return False
    return True


def piped_password() -> str:
    """Without a terminal, the password piped in on standard input, one line (``echo "$PW" | sqla-tui schema shop``).

    ``getpass`` would read it too, after two lines of warnings about echo;
    with nothing piped in (``</dev/null``) there is no one to ask: ``NoTerminal``.
    """
    import sys

    line = sys.stdin.readline()
    if not line:
        raise NoTerminal
    return line.rstrip("\r\n")


@dataclass(frozen=True)
class SavedConnection:
    """One ``[connections.NAME]`` entry."""

    name: str
    url: str
    """The URL without its password."""
    password: str | None = None
    """``keyring``, ``prompt`` or None."""
    password_env: str | None = None

    @property
    def password_from(self) -> str:
        """Where the password comes from, as ``connections list`` shows it."""
        if self.password_env:
            return f"${self.password_env}"
        return {KEYRING: "keyring", PROMPT: "asked when connecting"}.get(self.password or "", "none")


def looks_like_name(text: str) -> bool:
    """True when ``text`` can only be a saved name: not empty (no URL given), not a URL, not the demo."""
    return bool(text.strip()) and "://" not in text and text != DEMO_ALIAS


def saved() -> list[SavedConnection]:
    """Every saved connection, in the file's order; a malformed entry is a one-line error naming it."""
    entries = config_file.table(config_file.read(), "connections")
    return [_entry(name, fields) for name, fields in entries.items()]


def lookup(name: str) -> SavedConnection | None:
    return next((entry for entry in saved() if entry.name == name), None)


def _entry(name: str, fields: object) -> SavedConnection:
    fix = "fix it with 'sqla-tui config edit'"
    if not isinstance(fields, dict) or not isinstance(fields.get("url"), str):
        raise UserError(f"saved connection {name!r} needs url = \"...\" in the config file; {fix}")
    password, env = fields.get("password"), fields.get("password_env")
    if password not in (None, KEYRING, PROMPT):
        raise UserError(
            f"saved connection {name!r} has a password written in the config file: only "
            f"password = \"keyring\" or \"prompt\" belong there; move it to the keyring or password_env; {fix}"
        )
    if env is not None and not (isinstance(env, str) and _ENV_NAME.match(env)):
        raise UserError(f"saved connection {name!r} has a password_env that is not a variable name; {fix}")
    return SavedConnection(name, fields["url"], password, env)


def check_name(name: str, reserved: Collection[str]) -> None:
    if not _NAME.match(name):
        raise UserError(
            f"{name!r} cannot name a connection: use letters, digits, '.', '_' or '-' "
            "(64 at most, starting with a letter or digit)"
        )
    if name == DEMO_ALIAS or name in reserved:
        raise UserError(f"{name!r} is taken by a sqla-tui command; choose another name")


def add(
    name: str,
    url: str,
    *,
    password_env: str | None = None,
    prompt: bool = False,
    reserved: Collection[str] = (),
) -> tuple[SavedConnection, str]:
    """Save ``url`` as ``name``, its password (if any) in the keyring, or else not at all; return the entry and a note.

    The note says where the password went: a URL password with no keyring
    here is dropped and asked for at connect time, unless ``password_env``
    names where to read it.
    """
    from sqla_tui.core.connect.url import split_password

    check_name(name, reserved)
    if password_env is not None and not _ENV_NAME.match(password_env):
        raise UserError(f"--password-env {password_env!r} is not an environment variable name, e.g. PGPASSWORD")
    bare, password = split_password(url)
    bare = _absolute_sqlite(bare)
    if mask_url(bare) != bare:
        raise UserError(
            "the URL carries a credential in its options; remove it and use --password-env VAR "
            "(or put the password in the URL to keep it in the keyring)"
        )
    note = ""
    stored: str | None = None
    if password_env is not None:
        note = f"the password is read from ${password_env} when connecting"
        if password is not None:
            note += " (the one in the URL was not saved)"
    elif password is not None and secrets.keyring_available():
        secrets.store(name, password)
        stored, note = KEYRING, "the password is in the system keyring"
    elif password is not None or prompt:
        stored, note = PROMPT, "the password will be asked for when connecting"
        if password is not None:
            note = "no system keyring here, so the password was not saved: it will be asked for when connecting (or use --password-env VAR)"
    entry = SavedConnection(name, bare, stored, password_env)
    replaced = lookup(name)
    _write(entry)
    if replaced is not None and replaced.password == KEYRING and stored != KEYRING:
        secrets.forget(name)  # the keyring must not keep a password the file no longer points at
    if replaced is not None:
        note = "; ".join(part for part in (f"it replaces the {name!r} saved before ({mask_url(replaced.url)})", note) if part)
    return entry, note


def _absolute_sqlite(url: str) -> str:
    """A SQLite URL with a relative file path made absolute: a saved name opens the same file from any directory
    (``sqlite:///shop.db`` saved in one directory opened ``./shop.db`` of wherever it was used)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except ArgumentError:
        return url  # not a URL SQLAlchemy reads: connecting says why
    database = parsed.database
    if parsed.get_backend_name() != "sqlite" or not database or database == ":memory:" or database.startswith("file:"):
        return url
    if Path(database).is_absolute():
        return url
    query = url.partition("?")[2]
    return f"{parsed.drivername}:///{Path(database).absolute()}" + (f"?{query}" if query else "")


def _write(entry: SavedConnection) -> None:
    import tomlkit

    with config_file.editing() as document:
        connections = document.get("connections")
        if connections is None:
            connections = tomlkit.table(is_super_table=True)
            document["connections"] = connections
        fields = tomlkit.table()
        fields["url"] = entry.url
        if entry.password is not None:
            fields["password"] = entry.password
        if entry.password_env is not None:
            fields["password_env"] = entry.password_env
        connections[entry.name] = fields


def remove(name: str) -> SavedConnection:
    """Forget ``name`` and its keyring entry; an unknown name is a one-line error."""
    entry = lookup(name)
    if entry is None:
        raise UserError(f"no saved connection named {name!r}; {_LIST}")
    with config_file.editing() as document:
        del document["connections"][name]
    if entry.password == KEYRING:
        secrets.forget(name)
    return entry


def resolve(text: str | None, pool: PoolOptions = PoolOptions(), *, ask: Ask | None = None) -> Target:
    """The Target for what a user gave where a URL goes: a URL, ``demo``, nothing (the demo) or a saved name.

    A saved name's password is fetched now, for this connection only: from
    the keyring, the environment variable, or ``ask``.
    """
    if text is None or not looks_like_name(text):
        return Target(text, pool)
    entry = lookup(text)
    if entry is None:
        raise UserError(f"{mask_url(text)!r} is neither a database URL nor a saved connection; {_LIST}")
    return target_of(entry, pool, ask=ask)


def target_of(entry: SavedConnection, pool: PoolOptions = PoolOptions(), *, ask: Ask | None = None) -> Target:
    """The Target of a saved connection, its password fetched now (keyring, environment variable or ``ask``)."""
    password = _password(entry, ask)
    if password is None:
        return Target(entry.url, pool, name=entry.name)
    from sqla_tui.core.connect.url import with_password

    return Target(with_password(entry.url, password), pool, name=entry.name)


def _password(entry: SavedConnection, ask: Ask | None) -> str | None:
    """The entry's password from where it says, asking only when that source has none."""
    if entry.password_env:
        value = os.environ.get(entry.password_env)
        if value:
            return value
        why = f"${entry.password_env} is not set"
    elif entry.password == KEYRING:
        value = secrets.fetch(entry.name)
        if value is not None:
            return value
        why = "the keyring has no password for it"
    elif entry.password == PROMPT:
        why = "it asks for its password"
    else:
        return None
    if ask is None:
        raise PasswordNeeded(entry.name, why)
    try:
        return ask(f"password for {entry.name}")
    except NoTerminal:
        raise PasswordNeeded(entry.name, why) from None
    except UserError:
        raise UserError(f"connection {entry.name!r}: {why}, and no password was typed; nothing was connected") from None
