"""``sqla-tui demo``: build once, say so afterwards, refuse other people's data."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from sqla_tui.cli import app
from tests.databases import TestDatabase

runner = CliRunner()


def test_default_demo_is_built_once_then_reported_ready(tmp_path: Path) -> None:
    env = {"XDG_CACHE_HOME": str(tmp_path)}
    first = runner.invoke(app, ["demo", "--scale", "0.05"], env=env)
    assert first.exit_code == 0, first.stderr
    assert first.stdout.startswith(f"demo database ready: {tmp_path}/sqla-tui/demo.sqlite (")
    again = runner.invoke(app, ["demo"], env=env)
    assert again.exit_code == 0
    assert "already built; --replace rebuilds it" in again.stdout


def test_an_existing_path_is_refused_without_replace(tmp_path: Path) -> None:
    target = tmp_path / "mine.db"
    assert runner.invoke(app, ["demo", "--path", str(target), "--scale", "0.05"]).exit_code == 0
    refused = runner.invoke(app, ["demo", "--path", str(target), "--scale", "0.05"])
    assert refused.exit_code == 2
    assert "is not empty" in refused.stderr and "use --replace" in refused.stderr
    assert runner.invoke(app, ["demo", "--path", str(target), "--scale", "0.05", "--replace"]).exit_code == 0


def test_load_into_a_database_url(empty_db: TestDatabase) -> None:
    loaded = runner.invoke(app, ["demo", "--url", empty_db.url, "--scale", "0.05"])
    assert loaded.exit_code == 0, loaded.stderr
    assert loaded.stdout.startswith("demo database ready: ")
    refused = runner.invoke(app, ["demo", "--url", empty_db.url, "--scale", "0.05"])
    assert refused.exit_code == 2 and "use --replace" in refused.stderr
