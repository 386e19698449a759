"""How a command ends when something is wrong: one line on stderr and exit status 2, whatever the cause.

Usage errors (Click's own), hostile numbers in any numeric option, an
exception nothing else explained (the last resort), and Python warnings each
end in one line; ``SQLA_TUI_DEBUG=1`` shows the traceback.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from sqla_tui.cli import app
from tests.databases import PG_HOST, PG_PORT, TestDatabase, database_fixture, require_server, run_statements
from tests.seeded import seed

runner = CliRunner()
seeded_sqlite = database_fixture("seeded_sqlite", seed, backends=("sqlite",))

SECRET_URL = "postgresql://u:s3cret@db.example/x"


def _one_line(result: Any) -> str:
    assert result.exit_code == 2, (result.exit_code, result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: "), lines[0]
    return lines[0]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["schema", "sqlite://", "--bogus"], "error: no such option: --bogus; see 'sqla-tui schema --help'"),
        (["query", "sqlite://", "users", "--limit", "ten"], "'--limit'"),
        (["fanout", "sqlite://", "users"], "error: missing option '--path' / '-p'; see 'sqla-tui fanout --help'"),
        (["schema", "sqlite://", "extra"], "error: got unexpected extra argument(s) (extra); see 'sqla-tui schema --help'"),
        (["schema", "sqlite://", "--poolclass", "lifo"], "'--poolclass'"),
        (["pool", "sqlite://", "--tasks"], "error: option '--tasks' requires an argument; see 'sqla-tui pool --help'"),
    ],
)
def test_usage_errors_are_one_line_naming_the_option(args: list[str], expected: str) -> None:
    line = _one_line(runner.invoke(app, args, prog_name="sqla-tui"))
    assert expected in line
    assert "--help" in line


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:", "sqlite:///file:x?mode=memory&uri=true"])
@pytest.mark.parametrize(("flag", "value"), [("--pool-size", "3"), ("--max-overflow", "0"), ("--pool-timeout", "0.5")])
@pytest.mark.parametrize("command", ["pool", "schema"])
def test_queue_sizes_on_an_in_memory_sqlite_are_refused_in_one_line(url: str, flag: str, value: str, command: str) -> None:
    """An in-memory SQLite lives on one shared connection (StaticPool): was an 'unexpected TypeError, a bug' line."""
    line = _one_line(runner.invoke(app, [command, url, flag, value, "--json"], prog_name="sqla-tui"))
    assert line == (
        f"error: {flag} does not apply to an in-memory SQLite database, which lives on one shared connection; "
        "use a file (sqlite:///path/to/file.db) to size a pool"
    )


def _numeric_options() -> Iterator[tuple[str, str]]:
    """(command, option) for every int or float option, each option name once (shared flags are one declaration)."""
    group = typer.main.get_command(app)
    seen = set()
    for name, command in group.commands.items():
        if name == "open":
            continue  # it opens the app; its options are the pool flags every other command has
        for parameter in command.params:
            annotation = getattr(parameter, "type_descriptor", None) and parameter.type_descriptor.annotation
            if annotation in (int, float) and parameter.opts[-1] not in seen:
                seen.add(parameter.opts[-1])
                yield name, parameter.opts[-1]


NUMERIC_OPTIONS = list(_numeric_options())
HOSTILE_NUMBERS = ["nan", "inf", "-inf", "-1", "1e309", "99999999999999999999999"]


def _base_args(command: str, url: str, tmp_path: Path) -> list[str]:
    """A command line that runs with every other option valid."""
    return {
        "schema": ["schema", url],
        "query": ["query", url, "users", "--json"],
        "fanout": ["fanout", url, "users", "--path", "posts", "--runs", "0", "--json"],
        "explain": ["explain", url, "users", "--json"],
        "pool": ["pool", url, "--duration", "0.2", "--json"],
        "demo": ["demo", "--path", str(tmp_path / "demo.sqlite")],
        "serve": ["serve", url],  # only hostile ports here: each is refused before a server starts
        "attach": ["attach", "no-such-app", "--json"],  # a hostile --duration is refused before any lookup
    }[command]


def test_the_fuzz_covers_every_numeric_option() -> None:
    names = {option for _, option in NUMERIC_OPTIONS}
    assert {"--limit", "--offset", "--runs", "--tasks", "--hold-ms", "--duration", "--leak-threshold", "--scale",
            "--pool-size", "--max-overflow", "--pool-timeout", "--pool-recycle"} <= names  # fmt: skip


@pytest.mark.parametrize(("command", "option"), NUMERIC_OPTIONS)
def test_hostile_numbers_are_refused_in_one_line(seeded_sqlite: TestDatabase, tmp_path: Path, command: str, option: str) -> None:
    for value in HOSTILE_NUMBERS:
        result = runner.invoke(app, [*_base_args(command, seeded_sqlite.url, tmp_path), option, value])
        assert result.exit_code == 2, f"{option} {value} was accepted: {result.stdout[:300]}"
        line = _one_line(result)
        assert option in line, line


def _strict_json(text: str) -> Any:
    def refuse(constant: str) -> None:
        raise ValueError(f"{constant} is not JSON")

    return json.loads(text, parse_constant=refuse)


@pytest.mark.parametrize(
    "args",
    [
        ["schema", "{url}", "--json"],
        ["query", "{url}", "users", "--load", "posts=selectin", "--json"],
        ["fanout", "{url}", "users", "--path", "posts", "--runs", "1", "--json"],
        ["explain", "{url}", "users", "--json"],
        ["explain", "{url}", "--sql", "SELECT * FROM posts WHERE user_id = 1", "--analyze", "--json"],
        ["pool", "{url}", "--duration", "0.3", "--tasks", "3", "--leak-threshold", "0.05", "--hold-ms", "100", "--json"],
        ["pool", "{url}", "--duration", "0.3", "--poolclass", "null", "--json"],
    ],
    ids=lambda args: " ".join(args[:1] + args[2:4]),
)
def test_every_json_output_is_strict_json(seeded_sqlite: TestDatabase, args: list[str]) -> None:
    """No NaN or Infinity anywhere: a strict parser reads every --json document."""
    result = runner.invoke(app, [arg.format(url=seeded_sqlite.url) for arg in args])
    assert result.exit_code == 0, result.stderr
    _strict_json(result.stdout)


def test_json_output_refuses_a_number_that_is_not_one() -> None:
    from sqla_tui.cli.output import emit_json

    with pytest.raises(ValueError):
        emit_json({"leak_threshold_s": math.nan})


def _fail_in_catalog(monkeypatch: pytest.MonkeyPatch, message: str = f"cannot read catalog of {SECRET_URL}") -> None:
    """An exception no layer explains (a bug), carrying a URL with a password in its text."""
    import sqla_tui.core.catalog.schema as schema

    async def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError(f"{message}\nsecond line of detail")

    monkeypatch.setattr(schema, "load_catalog", broken)


def test_an_unexpected_exception_is_one_masked_line_and_exit_2(monkeypatch: pytest.MonkeyPatch, seeded_sqlite: TestDatabase) -> None:
    _fail_in_catalog(monkeypatch)
    result = runner.invoke(app, ["schema", seeded_sqlite.url], env={"SQLA_TUI_DEBUG": ""})
    line = _one_line(result)
    assert line.startswith("error: unexpected RuntimeError: cannot read catalog of postgresql://u:***@db.example/x;")
    assert "SQLA_TUI_DEBUG=1" in line
    assert "s3cret" not in result.stderr + result.stdout and "Traceback" not in result.stderr


def test_sqla_tui_debug_shows_the_traceback_too(monkeypatch: pytest.MonkeyPatch, seeded_sqlite: TestDatabase) -> None:
    _fail_in_catalog(monkeypatch)
    result = runner.invoke(app, ["schema", seeded_sqlite.url], env={"SQLA_TUI_DEBUG": "1"})
    assert result.exit_code == 2
    assert "Traceback (most recent call last)" in result.stderr and "in broken" in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("error: unexpected RuntimeError:")


def test_the_console_script_ends_an_unexpected_exception_in_one_line_without_typer() -> None:
    """``sqla-tui URL`` skips Typer; a failure there (here: the app cannot start) ends the same way."""
    probe = (
        "import sys; import sqla_tui.tui.app as tui_app\n"
        "def broken(self): raise OSError(5, 'terminal went away at " + SECRET_URL + "')\n"
        "tui_app.SqlaTuiApp.run = broken\n"
        "sys.argv = ['sqla-tui', 'sqlite://']\n"
        "from sqla_tui.launch import main; main()\n"
    )
    environment = {key: value for key, value in os.environ.items() if key != "SQLA_TUI_DEBUG"}
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, env=environment)
    assert result.returncode == 2, result.stderr
    [line] = result.stderr.splitlines()
    assert line.startswith("error: unexpected OSError: [Errno 5] terminal went away at postgresql://u:***@db.example/x;")


MODELS_WITH_A_WARNING = '''
from sqlalchemy import ForeignKey
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    posts = relationship("Post")  # and Post.user, neither naming the other: SQLAlchemy warns


class Post(Base):
    __tablename__ = "posts"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    user = relationship("User")
'''


def test_a_sqlalchemy_warning_is_one_clean_line(seeded_sqlite: TestDatabase, tmp_path: Path) -> None:
    """The warning about the user's own models is worth seeing: once, one line, no source line under it."""
    models = tmp_path / "warned_models.py"
    models.write_text(MODELS_WITH_A_WARNING)
    args = ["query", seeded_sqlite.url, "users", "--models", f"{models}:Base", "--load", "posts=selectin", "--touch", "posts"]
    result = runner.invoke(app, args, env={"SQLA_TUI_DEBUG": ""})
    assert result.exit_code == 0, result.stderr
    [line] = result.stderr.splitlines()
    assert line.startswith("warning: relationship 'Post.user' will copy column users.id to column posts.user_id")
    assert "overlaps=" in line


def test_explain_params_json_cannot_hold_are_text_as_typed(seeded_sqlite: TestDatabase) -> None:
    """``--param NaN`` or ``1e999`` is no JSON number; like any other non-JSON value it is bound as the text typed."""
    args = ["explain", seeded_sqlite.url, "--sql", "SELECT * FROM users WHERE name IN (?, ?, ?)", "--json"]
    result = runner.invoke(app, [*args, "--param", "NaN", "--param", "1e999", "--param", "[1, Infinity]"])
    assert result.exit_code == 0, result.stderr
    assert _strict_json(result.stdout)["params"] == ["NaN", "1e999", "[1, Infinity]"]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["query", "{url}", "users", "--where", "id = 99999999999999999999999"],
         "error: '99999999999999999999999' is out of range for column 'id': databases hold 64-bit integers"),
        (["explain", "{url}", "--sql", "SELECT * FROM users WHERE id = ?", "--param", "99999999999999999999999"],
         "error: --param 99999999999999999999999 is out of range: databases hold 64-bit integers"),
    ],
)
def test_an_integer_no_database_holds_is_one_line(seeded_sqlite: TestDatabase, args: list[str], expected: str) -> None:
    line = _one_line(runner.invoke(app, [arg.format(url=seeded_sqlite.url) for arg in args]))
    assert line.startswith(expected), line


def test_the_last_resort_hides_the_password_of_the_url_given_even_outside_a_url(monkeypatch: pytest.MonkeyPatch) -> None:
    """A message may quote the password alone; the URL on the command line says which text is secret.

    PostgreSQL here trusts local connections, so any password connects and the failure comes after.
    """
    require_server("postgresql")
    _fail_in_catalog(monkeypatch, "refused for password 'Sup3rS3cret'")
    url = f"postgresql://postgres:Sup3rS3cret@{PG_HOST}:{PG_PORT}/postgres"
    line = _one_line(runner.invoke(app, ["schema", url], env={"SQLA_TUI_DEBUG": ""}))
    assert line.startswith("error: unexpected RuntimeError: refused for password '***';"), line



async def _definer_gone(url: str) -> None:
    await run_statements(
        url,
        lambda _: [
            "CREATE TABLE t (id INT PRIMARY KEY)",
            "CREATE DEFINER=`ghost`@`localhost` SQL SECURITY DEFINER VIEW v_ghost AS SELECT id FROM t",
        ],
    )


definer_gone = database_fixture("definer_gone", _definer_gone, backends=("mariadb",))


def test_a_server_error_quoting_an_account_is_shown_whole(definer_gone: TestDatabase) -> None:
    """MariaDB names an account ``'ghost'@'localhost'``: the line's URL masking must not take it for a userinfo."""
    result = runner.invoke(app, ["query", definer_gone.url, "v_ghost"])
    assert result.exit_code == 2
    assert result.output.strip().endswith(
        "(1449, \"The user specified as a definer ('ghost'@'localhost') does not exist\")"
    ), result.output


async def _backticked_target(url: str) -> None:
    await run_statements(
        url,
        lambda _: [
            "CREATE TABLE `my``tab` (id INT PRIMARY KEY)",
            "CREATE TABLE p2 (id INT PRIMARY KEY, mt INT, FOREIGN KEY (mt) REFERENCES `my``tab` (id))",
        ],
    )


backticked_target = database_fixture("backticked_target", _backticked_target, backends=("mariadb",))


def test_a_foreign_key_sqlalchemy_cannot_parse_is_a_warning_not_silence(backticked_target: TestDatabase) -> None:
    """SQLAlchemy's MySQL parse of SHOW CREATE TABLE cannot read a target named with a doubled backtick, and leaves
    the key out with a warning: the warning reaches the user, who would otherwise see a table without its key."""
    result = subprocess.run(
        [sys.executable, "-m", "sqla_tui", "schema", backticked_target.url, "--table", "p2"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == (
        "warning: Unknown schema content: ' CONSTRAINT `p2_ibfk_1` FOREIGN KEY (`mt`) REFERENCES `my``tab` (`id`)'\n"
    )


async def test_the_app_shows_that_warning_as_a_notification(backticked_target: TestDatabase) -> None:
    """In the app the warning went to a stderr Textual keeps off the screen: the schema screen showed p2 without its
    key and said nothing."""
    from sqla_tui.tui.app import SqlaTuiApp
    from tests.tui_helpers import make_app, screen_text, settle

    app: SqlaTuiApp = make_app(backticked_target.url)
    before = warnings.showwarning
    async with app.run_test(size=(160, 40), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        shown = screen_text(app)
        assert "SQLAlchemy warns" in shown and "Unknown schema content: ' CONSTRAINT `p2_ibfk_1`" in shown
        assert "REFERENCES `my``tab` (`id`)'" in shown  # the toast's second line
        await pilot.press("q")
    assert warnings.showwarning is before  # given back as the app ends
