"""A database's text cannot drive the user's terminal: an escape sequence in a name, a comment or a value is shown
(the CLI on a terminal), kept exact (the CLI into a pipe), or not drawn (the TUI)."""

from __future__ import annotations

import os
import re
import select
import subprocess
import sys
from pathlib import Path

import pytest

from sqla_tui.tui.screens.schema_screen import SchemaScreen
from tests.databases import TestDatabase, sqlite_file
from tests.tui_helpers import make_app, open_screen, run_ddl, screen_text

ROOT = Path(__file__).resolve().parent.parent
CLIPBOARD = "\x1b]52;c;cm0gLXJmIH4K\x07"
"""OSC 52: puts "rm -rf ~" on the clipboard of a terminal that obeys it."""
TITLE = "\x1b]0;pwned\x07"
CLEAR = "\x1b[2J"
COLOUR = re.compile(r"\x1b\[[0-9;]*m")


def build(database: TestDatabase) -> None:
    """``notes``: a column whose name clears the screen, a row whose value sets the window title, and (where the
    database keeps comments) a comment that writes the clipboard."""
    quote = "`" if database.backend == "mariadb" else '"'
    column = f"{quote}v{CLEAR}x{quote}"
    create = f"CREATE TABLE notes (id INTEGER PRIMARY KEY, {column} VARCHAR(40))"
    statements = [create + (f" COMMENT '{CLIPBOARD}'" if database.backend == "mariadb" else "")]
    if database.backend == "postgresql":
        statements.append(f"COMMENT ON TABLE notes IS '{CLIPBOARD}'")
    statements.append(f"INSERT INTO notes VALUES (1, 'a{TITLE}b')")
    run_ddl(database, *statements)


def in_a_terminal(*args: str) -> str:
    """What ``sqla-tui ARGS`` writes to a terminal (a pseudo-terminal of its own: stdout and stderr)."""
    controller, terminal = os.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "sqla_tui", *args],
        cwd=ROOT,
        stdin=terminal,
        stdout=terminal,
        stderr=terminal,
        env={**os.environ, "COLUMNS": "200", "TERM": "xterm-256color"},
    )
    os.close(terminal)
    written = b""
    try:
        while select.select([controller], [], [], 60)[0]:
            try:
                chunk = os.read(controller, 65536)
            except OSError:  # EIO: the command has exited and its terminal has nothing more
                break
            if not chunk:
                break
            written += chunk
        assert process.wait(timeout=60) == 0, written.decode(errors="replace")
    finally:
        process.kill()
        os.close(controller)
    return written.decode()


def test_the_cli_shows_escape_sequences_on_a_terminal_and_passes_them_to_a_pipe(empty_db: TestDatabase) -> None:
    build(empty_db)
    shown = in_a_terminal("schema", empty_db.url, "--table", "notes") + in_a_terminal(
        "query", empty_db.url, "notes", "--format", "markdown"
    )
    obeyed = COLOUR.sub("", shown)  # sqla-tui's own colours: the only sequences it may send
    assert "\x1b" not in obeyed and "\x07" not in obeyed
    assert r"v\x1b[2Jx" in shown  # the column's name, in the schema and as the table's header
    assert r"| 1 | a\x1b]0;pwned\x07b |" in shown
    if empty_db.backend != "sqlite":  # SQLite keeps no comments
        assert r"-- \x1b]52;c;cm0gLXJmIH4K" in shown  # (Rich drops the BEL itself)
    piped = subprocess.run(
        [sys.executable, "-m", "sqla_tui", "query", empty_db.url, "notes", "--format", "csv"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert piped.stdout.splitlines()[1] == f"1,a{TITLE}b"  # a file gets the database's text exactly


async def test_the_tui_draws_no_control_characters(empty_db: TestDatabase) -> None:
    build(empty_db)
    app = make_app(empty_db.url)
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await open_screen(pilot, "s", SchemaScreen)
        screen.reveal("notes")
        await pilot.pause()
        drawn = app.export_screenshot()
        assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", drawn)
        assert "v[2Jx" in screen_text(app)  # the name, less its control character
        if empty_db.backend != "sqlite":
            assert "]52;c;cm0gLXJmIH4K" in screen_text(app)


def test_typer_echos_lines_are_shown_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``history`` printed a filter's escape sequences raw (the window title became "pwned"): Click found no
    encoding on the wrapper, so typer.echo wrote to the terminal's binary buffer round it."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    url = f"sqlite:///{sqlite_file(tmp_path / 'typed.db', 'CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)')}"
    subprocess.run(
        [sys.executable, "-m", "sqla_tui", "query", url, "t", "--where", f"name = a{TITLE}{CLEAR}"],
        cwd=ROOT, capture_output=True, check=True,
    )  # fmt: skip
    shown = in_a_terminal("history", url)
    assert "\x1b" not in COLOUR.sub("", shown) and "\x07" not in shown
    assert r"name = a\x1b]0;pwned\x07\x1b[2J" in shown
