"""Every spelling of a SQLite URL opens the file it names read-only, never creates one, and fails in one line."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from sqla_tui.cli import app
from sqla_tui.core.connect.engine import connect
from sqla_tui.core.errors import UserError
from tests.databases import run_async, sqlite_file, truncated_sqlite_file

runner = CliRunner()

FILE_SPELLINGS = [
    "sqlite:///{path}",
    "sqlite:////{path}",  # five slashes, as sqlite:////$PWD/x.db gives: a "file: URI naming host 'tmp'" before
    "sqlite:///file:{path}?uri=true",
    "sqlite+aiosqlite:///file:{path}?uri=true",
    "sqlite:///file:{path}?uri=true&mode=rwc",
    "sqlite:///file:{path}?uri=true&mode=rw",
    "sqlite:///file:{path}%3Fmode%3Drwc?uri=true",
    "sqlite:///file://localhost{path}?uri=true",
    "sqlite:///file:{encoded}?uri=true",
    "sqlite:///file:{relative}?uri=true",
    "sqlite:///{path}?uri=true&mode=rwc",
    "sqlite:///{path}?mode=rwc",
    "sqlite:///file:{path}?uri=true&vfs=unix-dotfile",
    "sqlite:///file:{path}?uri=true&immutable=1",
    "sqlite:///file:{path}?uri=true&cache=private&nolock=1&timeout=1",
]
"""A path; a URI filename (options after it, inside it percent-encoded, an authority, percent-encoded path,
relative); URI options without ``uri=true``; options that change how, never which file, is read."""


def _spell(template: str, path: Path) -> str:
    return template.format(path=path, encoded=quote(str(path)), relative=path.name)


def _write_refused(url: str) -> tuple[int, str]:
    """Rows of ``t`` as read through the tool's engine, and how a write on it ended."""

    async def scenario() -> tuple[int, str]:
        engine, _ = await connect(url)
        try:
            async with engine.connect() as conn:
                rows = len((await conn.execute(text("SELECT * FROM t"))).all())
            try:
                async with engine.begin() as conn:
                    await conn.execute(text("INSERT INTO t VALUES (99)"))
                return rows, "written"
            except Exception as error:  # noqa: BLE001 - the refusal is what is asserted
                return rows, str(error).splitlines()[0]
        finally:
            await engine.dispose()

    return run_async(scenario())


@pytest.mark.parametrize("template", FILE_SPELLINGS)
def test_no_spelling_creates_a_missing_file(template: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    missing = tmp_path / "missing db.sqlite"
    with pytest.raises(UserError, match="does not exist"):
        run_async(connect(_spell(template, missing)))
    with pytest.raises(UserError, match="does not exist"):
        run_async(connect(_spell(template, missing), read_only=False))
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("template", FILE_SPELLINGS)
def test_every_spelling_opens_the_named_file_read_only(
    template: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    path = sqlite_file(tmp_path / "data base.sqlite", "CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1), (2);")
    rows, write = _write_refused(_spell(template, path))
    assert rows == 2
    assert "readonly database" in write
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data base.sqlite"]


def test_mode_ro_in_the_url_holds_even_where_writing_is_allowed(tmp_path: Path) -> None:
    path = sqlite_file(tmp_path / "x.db", "CREATE TABLE t (x INTEGER);")

    async def write(url: str) -> str:
        engine, _ = await connect(url, read_only=False)
        try:
            async with engine.begin() as conn:
                await conn.execute(text("INSERT INTO t VALUES (1)"))
            return "written"
        except Exception as error:  # noqa: BLE001 - the refusal is what is asserted
            return str(error)
        finally:
            await engine.dispose()

    assert "readonly database" in run_async(write(f"sqlite:///file:{path}?uri=true&mode=ro"))
    assert run_async(write(f"sqlite:///{path}")) == "written"


@pytest.mark.parametrize(
    "template",
    ["sqlite://", "sqlite:///:memory:", "sqlite:///file::memory:?uri=true", "sqlite:///{path}?mode=memory",
     "sqlite:///file:{path}?uri=true&mode=memory&cache=shared"],
)  # fmt: skip
def test_memory_spellings_open_an_empty_database_and_touch_no_file(template: str, tmp_path: Path) -> None:
    url = _spell(template, tmp_path / "named.db")

    async def tables() -> list[str]:
        engine, _ = await connect(url)
        try:
            async with engine.connect() as conn:
                return list((await conn.execute(text("SELECT name FROM sqlite_master"))).scalars())
        finally:
            await engine.dispose()

    assert run_async(tables()) == []
    assert list(tmp_path.iterdir()) == []


def _one_line_failure(url: str) -> str:
    result = runner.invoke(app, ["schema", url])
    assert result.exit_code == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("error: ")
    return line


def _header_only(path: Path) -> None:
    path.write_bytes(b"SQLite format 3\x00")


def _corrupt(path: Path) -> None:
    sqlite_file(path, "CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1);")
    data = bytearray(path.read_bytes())
    data[100:600] = b"\xff" * 500  # page 1's b-tree header and cell pointers: the schema is unreadable
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(
    ("damage", "expected"),
    [
        (_header_only, "is not a SQLite database (SQLite: file is not a database); check the path"),
        (truncated_sqlite_file, "is damaged (SQLite: database disk image is malformed); open a backup"),
        (_corrupt, "is damaged (SQLite: database disk image is malformed); open a backup"),
    ],
    ids=["header-only", "truncated", "corrupt"],
)
def test_damaged_files_are_one_line(damage, expected: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "damaged.db"
    damage(path)
    assert expected in _one_line_failure(f"sqlite:///{path}")


def test_file_locked_by_a_writer_is_one_line(tmp_path: Path) -> None:
    path = sqlite_file(tmp_path / "busy.db", "CREATE TABLE t (x INTEGER);")
    writer = sqlite3.connect(path, isolation_level=None)
    try:
        writer.execute("BEGIN EXCLUSIVE")
        line = _one_line_failure(f"sqlite:///{path}")
    finally:
        writer.close()
    assert f"SQLite file {path} is locked by another connection writing to it" in line
    assert "add ?timeout=SECONDS to the URL to wait longer" in line


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda tmp: Path("/dev/null"), "/dev/null is a character device, not a SQLite database file"),
        (lambda tmp: Path("/dev/zero"), "/dev/zero is a character device, not a SQLite database file"),
        (lambda tmp: _socket(tmp / "s.db"), "s.db is a socket, not a SQLite database file"),
        (lambda tmp: tmp / ("a" * 300) / "x.db", "the path is too long; check the path"),
        (lambda tmp: tmp / ("a/" * 3000), "characters): the path is too long; check the path"),
    ],
    ids=["dev-null", "dev-zero", "socket", "long-name", "long-path"],
)
def test_paths_that_are_not_database_files_are_refused(make, expected: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert expected in _one_line_failure(f"sqlite:///{make(tmp_path)}")


def _socket(path: Path) -> Path:
    listener = socket.socket(socket.AF_UNIX)
    listener.bind(str(path))
    listener.close()
    return path


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    """Reading a FIFO blocks until something writes to it, so this runs in a process that can be timed out."""
    fifo = tmp_path / "pipe.db"
    os.mkfifo(fifo)
    command = [sys.executable, "-m", "sqla_tui", "schema", f"sqlite:///{fifo}"]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired:
        pytest.fail("reading the FIFO hung")
    assert result.returncode == 2
    assert result.stderr.strip() == f"error: {fifo} is a FIFO (named pipe), not a SQLite database file"


def test_the_demo_opens_wherever_its_cache_directory_is(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The demo's path is put into a URL: ``?``, ``#`` and ``%41`` in a directory name must not change the file."""
    from sqla_tui.demo_db.load import build_demo_sqlite

    cache = tmp_path / "we?rd #dir%41"
    run_async(build_demo_sqlite(cache / "sqla-tui" / "demo.sqlite", scale=0.02))
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    result = runner.invoke(app, ["schema", "demo", "--json"])
    assert result.exit_code == 0, result.stderr
    assert "users" in [table["name"] for table in json.loads(result.stdout)["tables"]]
