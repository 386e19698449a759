"""``sqla-tui demo``: build once, say so afterwards, refuse other people's data."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from sqla_tui.cli import app
from sqla_tui.core.connect.engine import connect
from tests.databases import TestDatabase, run_async
from tests.schema_fixtures import execute

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


def test_an_explicit_new_sqlite_url_is_built_there(tmp_path: Path) -> None:
    """``--url sqlite:////new/file`` asks for a file like --path does: the demo command is the one that writes."""
    target = tmp_path / "new" / "demo.sqlite"
    built = runner.invoke(app, ["demo", "--url", f"sqlite:///{target}", "--scale", "0.05"])
    assert built.exit_code == 0, built.stderr
    assert built.stdout.startswith(f"demo database ready: {target} (")
    assert runner.invoke(app, ["schema", f"sqlite:///{target}", "--table", "users"]).exit_code == 0
    refused = runner.invoke(app, ["demo", "--url", f"sqlite:///{target}", "--scale", "0.05"])
    assert refused.exit_code == 2 and "use --replace" in refused.stderr


def test_url_and_path_together_are_one_line(tmp_path: Path) -> None:
    result = runner.invoke(app, ["demo", "--url", f"sqlite:///{tmp_path}/a.db", "--path", str(tmp_path / "b.db")])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == ["error: give --url or --path, not both"]
    assert list(tmp_path.iterdir()) == []


def _loaded(database: TestDatabase) -> None:
    result = runner.invoke(app, ["demo", "--url", database.url, "--scale", "0.05"])
    assert result.exit_code == 0, result.stderr


def test_replace_refuses_when_a_table_of_yours_references_the_demo(empty_db: TestDatabase) -> None:
    """Dropping users would fail (servers) or orphan your rows (SQLite): the table is named, nothing is dropped."""
    _loaded(empty_db)
    run_async(execute(
        empty_db.url,
        "CREATE TABLE my_orders (id INTEGER PRIMARY KEY, buyer_id INTEGER, FOREIGN KEY (buyer_id) REFERENCES users (id))",
        "INSERT INTO my_orders VALUES (1, 3)",
    ))  # fmt: skip
    result = runner.invoke(app, ["demo", "--url", empty_db.url, "--scale", "0.05", "--replace"])
    assert result.exit_code == 2, result.stdout
    [line] = result.stderr.splitlines()
    assert line.startswith("error: cannot replace the demo in ") and "your table my_orders (foreign key buyer_id -> users)" in line
    assert "drop or change it first" in line
    assert _scalar(empty_db, "SELECT count(*) FROM my_orders JOIN users ON users.id = my_orders.buyer_id") == 1


def test_replace_and_a_view_of_yours_over_the_demo(empty_db: TestDatabase) -> None:
    """PostgreSQL will not drop a table a view uses, so the view is named; MariaDB and SQLite keep it working."""
    _loaded(empty_db)
    run_async(execute(empty_db.url, "CREATE VIEW my_names AS SELECT name FROM users"))
    result = runner.invoke(app, ["demo", "--url", empty_db.url, "--scale", "0.05", "--replace"])
    if empty_db.backend == "postgresql":
        assert result.exit_code == 2
        assert result.stderr.splitlines() == [
            f"error: cannot replace the demo in {_shown(empty_db.url)}: your view my_names (on users) depends on its "
            "tables, and --replace drops only the demo's own; drop or change it first"
        ]
    else:
        assert result.exit_code == 0, result.stderr
    assert _scalar(empty_db, "SELECT count(*) FROM my_names") > 0


def _shown(url: str) -> str:
    return url.replace("postgresql://", "postgresql+asyncpg://")


def _scalar(database: TestDatabase, sql: str) -> object:
    async def read() -> object:
        engine, _ = await connect(database.url)
        try:
            async with engine.connect() as conn:
                return (await conn.execute(text(sql))).scalar()
        finally:
            await engine.dispose()

    return run_async(read())


@pytest.mark.parametrize("where", ["under a file", "name too long"])
def test_a_demo_path_that_cannot_be_written_is_one_line(tmp_path: Path, where: str) -> None:
    (tmp_path / "plain").write_text("not a directory")
    target = tmp_path / "plain" / "demo.sqlite" if where == "under a file" else tmp_path / ("d" * 300 + ".sqlite")
    result = runner.invoke(app, ["demo", "--path", str(target), "--scale", "0.05"])
    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert line.startswith(f"error: cannot build the demo at {target}: ") and line.endswith("; choose another path")
