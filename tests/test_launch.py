"""The console script: plain launches open the app without Typer, and fail exactly as the Typer path does."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from sqla_tui.core.connect.target import Target
from sqla_tui.launch import plain_launch


def test_only_no_argument_or_a_lone_url_skips_typer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert plain_launch([]) == Target(None)
    monkeypatch.setenv("DATABASE_URL", "sqlite:///from/env.db")
    assert plain_launch([]) == Target("sqlite:///from/env.db")
    assert plain_launch(["postgresql://u@h/db"]) == Target("postgresql://u@h/db")
    for args in (["schema"], ["demo"], ["--help"], ["--version"], ["-p=x://y"], ["sqlite://", "--pool-size", "3"]):
        assert plain_launch(args) is None, args


def _launch(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    return subprocess.run(
        [sys.executable, "-m", "sqla_tui", *args], env={**environment, **(env or {})},
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("garbage://u:s3cret@::", "not a database URL: 'garbage://u:***@::'"),
        ("nosuchdb://u:s3cret@h/x", "unknown database dialect 'nosuchdb'"),
    ],
)
def test_a_bad_url_is_the_same_one_line_and_exit_2_with_or_without_typer(url: str, expected: str) -> None:
    plain, through_typer, from_env = _launch(url), _launch("open", url), _launch(env={"DATABASE_URL": url})
    for result in (plain, through_typer, from_env):
        assert result.returncode == 2
        assert result.stdout == "" and result.stderr == plain.stderr
    [line] = plain.stderr.splitlines()
    assert line.startswith("error: ") and expected in line and "s3cret" not in line


def test_pool_flags_still_go_through_typer() -> None:
    result = _launch("--poolclass", "null", "--pool-size", "3", "sqlite://")
    assert result.returncode == 2
    assert result.stderr.splitlines() == ["error: --pool-size does not apply to --poolclass null, which keeps no queue; drop one of the two"]


def test_a_url_launch_loads_no_settings_writer_or_keyring() -> None:
    """tomlkit and keyring are for saved names only; a URL or no argument never pays for them."""
    probe = (
        "import sys; from sqla_tui.launch import plain_launch\n"
        "plain_launch(['sqlite:///x.db']); plain_launch([]); plain_launch(['not-saved'])\n"
        "print(sorted(name for name in sys.modules if name.split('.')[0] in ('tomlkit', 'keyring')))"
    )
    output = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert output == "[]\n"
