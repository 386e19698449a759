"""Saved connections: add, list, remove; the file kept private and commented; never a password in it."""

from __future__ import annotations

import json
import os
import re
import socket
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from sqla_tui.cli import app
from sqla_tui.core.connect.target import Target
from sqla_tui.launch import plain_launch
from sqla_tui.settings import connections
from tests.databases import TestDatabase
from tests.seeded import seeded_db
from tests.settings_helpers import (
    PASSWORD,
    mariadb_user_with_password,
    memory_keyring,
    no_keyring,
    settings_home,
)

runner = CliRunner()
ON_MARIADB = pytest.mark.parametrize("seeded_db", ["mariadb"], indirect=True)
"""Passwords are checked on the MariaDB server: PostgreSQL trusts every local user here."""


def invoke(*args: str, input: str | None = None, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), input=input, env=env)


def one_error_line(result) -> str:  # type: ignore[no-untyped-def]
    """The one error line, after the password prompt when there was one (a terminal would end it with the Enter typed)."""
    assert result.exit_code == 2, result.output
    lines = re.sub(r"^password for [\w.-]+: ?", "", result.stderr).strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "Traceback" not in result.output + result.stderr
    return lines[0]


def test_add_list_remove(settings_home: Path, tmp_path: Path) -> None:
    first = invoke("connections", "add", "local", f"sqlite:///{tmp_path}/a.db")
    assert first.exit_code == 0 and first.stdout == f"saved local: sqlite:///{tmp_path}/a.db\n"
    assert invoke("connections", "add", "other", "postgresql://app@db.example.com:5433/shop").exit_code == 0
    listed = invoke("connections", "list")
    assert listed.stdout.splitlines() == [
        f"local  sqlite:///{tmp_path}/a.db  (password: none)",
        "other  postgresql://app@db.example.com:5433/shop  (password: none)",
    ]
    assert [entry["name"] for entry in json.loads(invoke("connections", "list", "--json").stdout)] == ["local", "other"]
    assert invoke("connections", "remove", "local").stdout == "removed local\n"
    assert [entry["name"] for entry in json.loads(invoke("connections", "list", "--json").stdout)] == ["other"]
    assert "remove it" not in settings_home.read_text() and "[connections.local]" not in settings_home.read_text()


def test_a_relative_sqlite_path_is_saved_whole_and_opens_from_anywhere(
    settings_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Saved as typed, ``sqlite:///shop.db`` opened ``./shop.db`` of wherever the name was used."""
    (tmp_path / "here").mkdir()
    sqlite3.connect(tmp_path / "here" / "shop ü.db").execute("CREATE TABLE t (id INTEGER PRIMARY KEY)")
    monkeypatch.chdir(tmp_path / "here")
    assert invoke("connections", "add", "shop", "sqlite:///shop ü.db?mode=ro").stdout == (
        f"saved shop: sqlite:///{tmp_path}/here/shop ü.db?mode=ro\n"
    )
    monkeypatch.chdir(tmp_path)
    opened = invoke("schema", "shop", "--json")
    assert opened.exit_code == 0, opened.stderr
    assert [table["name"] for table in json.loads(opened.stdout)["tables"]] == ["t"]
    again = invoke("connections", "add", "shop", "sqlite:///other.db")
    assert again.stdout == f"saved shop: sqlite:///{tmp_path}/other.db; it replaces the 'shop' saved before (sqlite:///{tmp_path}/here/shop ü.db?mode=ro)\n"


def test_the_file_is_private_whatever_the_umask(settings_home: Path, tmp_path: Path) -> None:
    previous = os.umask(0o022)
    try:
        invoke("connections", "add", "local", f"sqlite:///{tmp_path}/a.db")
    finally:
        os.umask(previous)
    assert stat.S_IMODE(settings_home.stat().st_mode) == 0o600


def test_comments_survive_an_add_and_a_remove(settings_home: Path, tmp_path: Path) -> None:
    settings_home.parent.mkdir(parents=True)
    settings_home.write_text(
        "# my settings, by hand\n[ui]\ntheme = \"nord\"  # the one I like\n\n"
        "[connections.kept]\n# the reporting replica\nurl = \"sqlite:///kept.db\"\n"
    )
    invoke("connections", "add", "new", f"sqlite:///{tmp_path}/n.db")
    invoke("connections", "remove", "new")
    text = settings_home.read_text()
    assert "# my settings, by hand" in text and "# the one I like" in text and "# the reporting replica" in text
    assert "[connections.new]" not in text and 'url = "sqlite:///kept.db"' in text


@ON_MARIADB
def test_a_password_with_no_keyring_is_not_saved_and_asked_for_when_connecting(
    settings_home: Path, no_keyring: None, mariadb_user_with_password: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without a terminal (as in CI, cron, a service) the password is read from what is piped in."""
    monkeypatch.setattr(connections, "has_terminal", lambda: False)
    user_url = mariadb_user_with_password
    typed = user_url.replace("@", ":s3cr%3Aet%40pw@", 1)  # PASSWORD, percent-encoded as a URL carries it
    added = invoke("connections", "add", "shop", typed)
    assert added.exit_code == 0 and "the password was not saved: it will be asked for when connecting" in added.stdout
    assert PASSWORD not in settings_home.read_text() and "s3cr%3Aet" not in settings_home.read_text()
    assert 'password = "prompt"' in settings_home.read_text()
    schema = invoke("schema", "shop", "--json", input=f"{PASSWORD}\n")
    assert schema.exit_code == 0, schema.stderr
    assert sorted(table["name"] for table in json.loads(schema.stdout)["tables"]) == ["comments", "post_tags", "posts", "tags", "users"]
    wrong = one_error_line(invoke("schema", "shop", "--json", input="not-it\n"))
    assert "access denied" in wrong.lower() or "password" in wrong.lower()
    assert "not-it" not in wrong
    nothing = one_error_line(invoke("schema", "shop", "--json", input=""))
    assert nothing == "error: connection 'shop': it asks for its password, and there is no terminal to ask on"


@ON_MARIADB
def test_a_password_from_the_environment(settings_home: Path, mariadb_user_with_password: str) -> None:
    added = invoke("connections", "add", "shop", mariadb_user_with_password, "--password-env", "SHOP_PASSWORD")
    assert added.stdout.endswith("the password is read from $SHOP_PASSWORD when connecting\n")
    assert 'password_env = "SHOP_PASSWORD"' in settings_home.read_text()
    schema = invoke("schema", "shop", "--json", env={"SHOP_PASSWORD": PASSWORD})
    assert schema.exit_code == 0, schema.stderr
    assert len(json.loads(schema.stdout)["tables"]) == 5
    assert "$SHOP_PASSWORD is not set" in one_error_line(invoke("schema", "shop", input=""))


@ON_MARIADB
def test_a_password_in_the_keyring(
    settings_home: Path, memory_keyring: dict[tuple[str, str], str], mariadb_user_with_password: str
) -> None:
    typed = mariadb_user_with_password.replace("@", ":s3cr%3Aet%40pw@", 1)
    added = invoke("connections", "add", "shop", typed)
    assert added.stdout.endswith("the password is in the system keyring\n")
    assert memory_keyring == {("sqla-tui", "shop"): PASSWORD}
    assert PASSWORD not in settings_home.read_text() and 'password = "keyring"' in settings_home.read_text()
    schema = invoke("schema", "shop", "--json")
    assert schema.exit_code == 0, schema.stderr
    invoke("connections", "remove", "shop")
    assert memory_keyring == {}
    invoke("connections", "add", "shop", typed)
    invoke("connections", "add", "shop", mariadb_user_with_password, "--password-env", "SHOP_PASSWORD")  # replaced
    assert memory_keyring == {}


def test_schema_by_name_on_every_backend(settings_home: Path, seeded_db: TestDatabase) -> None:
    assert invoke("connections", "add", "seeded", seeded_db.url).exit_code == 0
    by_name = invoke("schema", "seeded", "--json")
    assert by_name.exit_code == 0, by_name.stderr
    by_url = invoke("schema", seeded_db.url, "--json")
    assert _own_part(json.loads(by_name.stdout)) == _own_part(json.loads(by_url.stdout))
    assert sorted(table["name"] for table in json.loads(by_name.stdout)["tables"]) == ["comments", "post_tags", "posts", "tags", "users"]


def _own_part(schema: dict[str, Any]) -> dict[str, Any]:
    """What two reads of one database must agree on: not the server's list of schemas (other tests create and drop
    theirs meanwhile), nor row estimates (the server's statistics, refreshed in the background after seeding)."""
    tables = [{key: value for key, value in table.items() if key != "row_estimate"} for table in schema["tables"]]
    return {**{key: value for key, value in schema.items() if key != "schemas"}, "tables": tables}


def test_a_saved_name_opens_the_app_without_typer(
    settings_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    invoke("connections", "add", "local", f"sqlite:///{tmp_path}/a.db")
    assert plain_launch(["local"]) == Target(f"sqlite:///{tmp_path}/a.db", name="local")
    assert plain_launch(["nosuch"]) is None  # Typer then says what is wrong
    assert plain_launch(["history"]) is None
    invoke("connections", "add", "shop", "mysql://me@db.example.com/shop", "--password-env", "SHOP_PASSWORD")
    monkeypatch.setenv("SHOP_PASSWORD", "p@ss:word")
    assert plain_launch(["shop"]) == Target("mysql://me:p%40ss%3Aword@db.example.com/shop", name="shop")


def test_a_password_nobody_types_ends_the_launch_in_one_line(settings_home: Path) -> None:
    invoke("connections", "add", "shop", "mysql://me@db.example.com/shop", "--ask-password")
    launched = subprocess.run(
        [sys.executable, "-m", "sqla_tui", "shop"],
        stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60, start_new_session=True,
    )  # fmt: skip  # a session of its own has no controlling terminal, as under cron or a service manager
    assert (launched.returncode, launched.stdout) == (2, "")
    assert launched.stderr == "error: connection 'shop': it asks for its password, and there is no terminal to ask on\n"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["add", "../etc", "sqlite:///x.db"], "'../etc' cannot name a connection"),
        (["add", "a b", "sqlite:///x.db"], "'a b' cannot name a connection"),
        (["add", "x\nimport os", "sqlite:///x.db"], "cannot name a connection"),
        (["add", "x" * 65, "sqlite:///x.db"], "cannot name a connection"),
        (["add", "schema", "sqlite:///x.db"], "'schema' is taken by a sqla-tui command"),
        (["add", "demo", "sqlite:///x.db"], "'demo' is taken"),
        (["add", "ok", "notaurl"], "not a database URL: 'notaurl'"),
        (["add", "ok", "nosuch://u:s3cret@h/x"], "unknown database dialect 'nosuch'"),
        (["add", "ok", "postgresql://u@h/x?password=s3cret"], "the URL carries a credential in its options"),
        (["add", "ok", "postgresql://u@h/x", "--password-env", "$(rm -rf /)"], "is not an environment variable name"),
        (["remove", "nosuch"], "no saved connection named 'nosuch'"),
    ],
)
def test_hostile_names_and_urls_are_one_line(settings_home: Path, args: list[str], expected: str) -> None:
    result = invoke("connections", *args)
    assert expected in one_error_line(result)
    assert "s3cret" not in result.output + result.stderr
    assert not settings_home.exists() or "ok" not in settings_home.read_text().split("# [ui]")[-1]


def test_an_unknown_name_where_a_url_goes_is_one_line(settings_home: Path) -> None:
    assert "'nosuch' is neither a database URL nor a saved connection" in one_error_line(invoke("schema", "nosuch"))
    launched = subprocess.run(
        [sys.executable, "-m", "sqla_tui", "nosuch"], capture_output=True, text=True, timeout=60, env={**os.environ}
    )
    assert launched.returncode == 2 and launched.stderr.count("\n") == 1
    assert "'nosuch' is neither a database URL nor a saved connection" in launched.stderr


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[connections\n", "is not valid TOML"),
        ('[connections.x]\nurl = "postgresql://u@h/db"\npassword = "hunter2"\n', "has a password written in the config file"),
        ("connections = 3\n", "'connections' in the config file must be a table"),
        ("[connections.x]\nuser = 1\n", "saved connection 'x' needs url"),
    ],
)
def test_a_broken_config_file_is_one_line(settings_home: Path, text: str, expected: str) -> None:
    settings_home.parent.mkdir(parents=True)
    settings_home.write_text(text)
    result = invoke("connections", "list")
    line = one_error_line(result)
    assert expected in line and "hunter2" not in result.output + result.stderr
    assert expected in one_error_line(invoke("schema", "x"))


def test_config_path_and_edit(settings_home: Path, tmp_path: Path) -> None:
    assert invoke("config", "path").stdout == f"{settings_home}\n"
    edited = invoke("config", "edit", env={"VISUAL": "", "EDITOR": "true"})
    assert edited.exit_code == 0, edited.stderr
    assert settings_home.read_text().startswith("# sqla-tui settings.")
    assert stat.S_IMODE(settings_home.stat().st_mode) == 0o600
    breaker = tmp_path / "break.sh"
    breaker.write_text('#!/bin/sh\nprintf "[oops\\n" > "$1"\n')
    breaker.chmod(0o755)
    assert "is not valid TOML" in one_error_line(invoke("config", "edit", env={"VISUAL": "", "EDITOR": str(breaker)}))


def _complete(words: str) -> list[str]:
    environment = {**os.environ, "_SQLA_TUI_COMPLETE": "complete_bash", "COMP_WORDS": words, "COMP_CWORD": str(len(words.split(" ")) - 1)}
    done = subprocess.run([sys.executable, "-m", "sqla_tui"], env=environment, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_shell_completion_offers_commands_and_saved_names(settings_home: Path, tmp_path: Path) -> None:
    invoke("connections", "add", "local", f"sqlite:///{tmp_path}/a.db")
    invoke("connections", "add", "live", "postgresql://app@db.example.com/shop")
    assert _complete("sqla-tui schema l") == ["local", "live"]
    assert _complete("sqla-tui schema ") == ["local", "live", "demo"]
    assert _complete("sqla-tui h") == ["history"]
    assert _complete("sqla-tui connections r") == ["remove"]
    # the shell named, not guessed from the parent processes (shellingham), which differ under CI and in a pipeline
    named = {**os.environ, "_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"}
    script = subprocess.run([sys.executable, "-m", "sqla_tui", "--show-completion", "bash"], capture_output=True, text=True, timeout=60, env=named)
    assert script.returncode == 0 and "_SQLA_TUI_COMPLETE=complete_bash" in script.stdout


def test_serve_demo_and_learn_take_a_saved_connections_name(settings_home: Path, tmp_path: Path) -> None:
    """'sqla-tui serve shop' and 'demo --url shop' said "not a database URL: 'shop'", and 'learn --check shop'
    "no lesson 'shop'", though every command that takes a URL takes a name."""
    demo = tmp_path / "named demo.db"
    assert invoke("connections", "add", "shop", f"sqlite:///{demo}").exit_code == 0
    built = invoke("demo", "--url", "shop", "--scale", "0.05")
    assert built.exit_code == 0, built.stderr
    assert built.stdout.startswith(f"demo database ready: {demo} (")
    checked = invoke("learn", "n-plus-one", "shop", "--check", "--json")
    assert checked.exit_code == 0, checked.stderr
    assert [lesson["name"] for lesson in json.loads(checked.stdout)["lessons"]] == ["n-plus-one"]
    with socket.socket() as taken:  # a port in use: serve gets as far as the port, past reading its target
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        served = invoke("serve", "shop", "--port", str(taken.getsockname()[1]))
    assert served.exit_code == 2 and "not a database URL" not in served.stderr
    assert "already in use" in served.stderr
