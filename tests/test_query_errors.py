"""A query the database refuses is one line, in the CLI and in core."""

from __future__ import annotations

import uuid

from typer.testing import CliRunner

from sqla_tui.cli import app
from tests.databases import (
    PG_ADMIN_URL,
    TestDatabase,
    _admin,
    database_fixture,
    run_async,
)
from tests.seeded import seed

runner = CliRunner()
pg_seeded = database_fixture("pg_seeded", seed, backends=("postgresql",))


def test_a_missing_privilege_is_one_line_exit_2(pg_seeded: TestDatabase) -> None:
    role = f"sqla_tui_ro_{uuid.uuid4().hex[:8]}"
    run_async(_admin(PG_ADMIN_URL, f'CREATE ROLE "{role}" LOGIN'))
    try:
        url = pg_seeded.url.replace("postgresql://postgres@", f"postgresql://{role}@")
        for command in (["query", url, "users"], ["fanout", url, "users", "--path", "posts", "--runs", "1"]):
            result = runner.invoke(app, command)
            assert result.exit_code == 2, result.stdout + result.stderr
            [line] = result.stderr.strip().splitlines()
            assert line.startswith("error: ") and ": permission denied for table " in line
    finally:
        run_async(_admin(PG_ADMIN_URL, f'DROP ROLE "{role}"'))
