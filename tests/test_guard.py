"""The guard for typed SQL, attacked on all three backends: each hostile input gets its exact one-line answer.

Every row of ``HOSTILE`` is run as a user would run it (``sqla-tui explain URL
--sql ...``), on a database holding a ``victim`` table (and on MariaDB
MyISAM tables, a view, a trigger and a stored function around it). A refused
input must exit 2 with exactly its one line; an allowed one must exit 0; and
either way every table must hold what it held, the schema must be the same
and no file may have appeared where the statement tried to write one.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError
from typer.testing import CliRunner

from sqla_tui.cli import app
from sqla_tui.core.connect.engine import connect, create_engine
from sqla_tui.core.errors import UserError
from sqla_tui.core.plans.explain import explain
from sqla_tui.core.plans.guard import NOT_A_SELECT
from tests.databases import BACKENDS, TestDatabase, create_database, run_async
from tests.schema_fixtures import execute

runner = CliRunner()
VICTIM_ROWS = 3
ANALYZE = ("--analyze",)
ANALYZE_WRITE = ("--analyze", "--allow-write")
ONLY_KINDS = "cannot be explained: sqla-tui explains only SELECT, INSERT, UPDATE, DELETE, REPLACE and MERGE statements"
SPOKEN = {"sqlite": "SQLite", "postgresql": "PostgreSQL", "mariadb": "MariaDB"}


def many(count: int) -> str:
    return f"EXPLAIN takes exactly one statement, got {count}; explain them one at a time"


def undoable(reason: str) -> str:
    return f"EXPLAIN ANALYZE {reason}: a rollback cannot undo that, so it is not run; explain it without --analyze"


FILE_WRITE = undoable("would run SELECT ... INTO OUTFILE/DUMPFILE, which writes a file on the server")
NON_TRANSACTIONAL_M = undoable("of this write involves m (MyISAM), a storage engine without transactions")
SPILLS = undoable("would call replace(), defined in this database and free to act outside the transaction")
SPILLS_BEHIND = undoable("would call replace() through the view spill_view, defined in this database and free to act outside the transaction")


@dataclass(frozen=True)
class Hostile:
    """One attack: the SQL typed (``{outfile}``/``{other}`` filled in), the flags, the answer per backend (None: runs)."""

    name: str
    sql: str
    flags: tuple[str, ...]
    expected: dict[str, str | None]
    params: tuple[str, ...] = ()
    """``--param`` values: MariaDB's driver splices them into the text before the server reads it."""


def everywhere(answer: str | None) -> dict[str, str | None]:
    return dict.fromkeys(BACKENDS, answer)


HOSTILE = [
    # stacked statements: what ends a statement is the dialect's business
    Hostile("two statements", "SELECT 1; DELETE FROM victim", (), everywhere(many(2))),
    Hostile("--1 is not a comment to MariaDB",
            "SELECT 1 --1; COMMIT; SET SESSION TRANSACTION READ WRITE; DELETE FROM victim; COMMIT", (),
            {"mariadb": many(5), "postgresql": None, "sqlite": None}),
    Hostile("--1 then DROP", "SELECT 1 --1; DROP TABLE victim", ANALYZE_WRITE, {"mariadb": many(2), "postgresql": None, "sqlite": None}),
    Hostile("# is a comment to MariaDB only", "SELECT 1 # ; DELETE FROM victim", (),
            {"mariadb": None, "postgresql": many(2), "sqlite": many(2)}),
    Hostile("doubled quote", "SELECT 'it''s; DELETE FROM victim'", ANALYZE, everywhere(None)),
    Hostile("backslash escapes a quote in MariaDB only", "SELECT 'a\\'; DELETE FROM victim; -- '", ANALYZE,
            {"mariadb": None, "postgresql": many(2), "sqlite": many(2)}),
    Hostile("dollar quotes", "SELECT $q$;DELETE FROM victim;$q$", ANALYZE, {"postgresql": None, "mariadb": many(3), "sqlite": many(3)}),
    Hostile("nested comments in PostgreSQL only", "SELECT 1 /* /* */ ; DELETE FROM victim */", (),
            {"postgresql": None, "mariadb": many(2), "sqlite": many(2)}),
    Hostile("MariaDB runs an executable comment", "SELECT 1 /*! ; DELETE FROM victim */", (),
            {"mariadb": many(2), "postgresql": None, "sqlite": None}),
    Hostile("trailing semicolon", "SELECT 1; ", ANALYZE, everywhere(None)),
    Hostile("trailing semicolons and a comment", "SELECT 1;; -- done", ANALYZE, everywhere(None)),
    Hostile("not UTF-8", "SELECT '\udcff\udcfe'", ANALYZE, everywhere("the statement is not valid UTF-8 (character 9); save or type it as UTF-8")),
    Hostile("unterminated string", "SELECT 'a", (), {b: f"cannot read the statement as {SPOKEN[b]} SQL: a quote or comment is not closed" for b in BACKENDS}),
    # only statements EXPLAIN takes, whatever the flags
    Hostile("DROP TABLE", "DROP TABLE victim", ANALYZE_WRITE, everywhere(f"DROP {ONLY_KINDS}")),
    Hostile("misspelt", "SELEC 1", (), everywhere(f"SELEC {ONLY_KINDS}")),
    Hostile("CREATE TABLE", "CREATE TABLE t2 (a INTEGER)", ANALYZE_WRITE, everywhere(f"CREATE {ONLY_KINDS}")),
    Hostile("ALTER TABLE", "ALTER TABLE victim ADD COLUMN b INTEGER", ANALYZE_WRITE, everywhere(f"ALTER {ONLY_KINDS}")),
    Hostile("CREATE INDEX", "CREATE INDEX ix_victim ON victim (id)", ANALYZE_WRITE, everywhere(f"CREATE {ONLY_KINDS}")),
    Hostile("PRAGMA", "PRAGMA user_version = 7", ANALYZE_WRITE, {"sqlite": f"PRAGMA {ONLY_KINDS}"}),
    Hostile("ATTACH", "ATTACH '{outfile}' AS stolen", ANALYZE_WRITE, {"sqlite": f"ATTACH {ONLY_KINDS}"}),
    Hostile("VACUUM INTO", "VACUUM INTO '{outfile}'", ANALYZE_WRITE, {"sqlite": f"VACUUM {ONLY_KINDS}"}),
    Hostile("COPY TO a file", "COPY victim TO '{outfile}'", ANALYZE_WRITE, {"postgresql": f"COPY {ONLY_KINDS}"}),
    Hostile("SET read-write", "SET default_transaction_read_only = off", (), {"postgresql": f"SET {ONLY_KINDS}"}),
    Hostile("LOAD DATA", "LOAD DATA INFILE '{outfile}' INTO TABLE victim", ANALYZE_WRITE, {"mariadb": f"LOAD {ONLY_KINDS}"}),
    Hostile("HANDLER", "HANDLER victim OPEN", (), {"mariadb": f"HANDLER {ONLY_KINDS}"}),
    Hostile("SET STATEMENT", "SET STATEMENT tx_read_only = 0 FOR DELETE FROM victim", ANALYZE_WRITE, {"mariadb": f"SET {ONLY_KINDS}"}),
    Hostile("DO", "DO GET_LOCK('sqla_tui_guard', 0)", (), {"mariadb": f"DO {ONLY_KINDS}"}),
    # writes need --allow-write, wherever they hide
    Hostile("DELETE", "DELETE FROM victim", ANALYZE, everywhere(NOT_A_SELECT)),
    Hostile("data-modifying CTE", "WITH d AS (DELETE FROM victim RETURNING *) SELECT * FROM d", ANALYZE, {"postgresql": NOT_A_SELECT}),
    Hostile("WITH ... DELETE", "WITH x AS (SELECT 1) DELETE FROM victim", ANALYZE, {"sqlite": NOT_A_SELECT, "mariadb": NOT_A_SELECT}),
    Hostile("SELECT INTO a table", "SELECT * INTO stolen FROM victim", ANALYZE, {"postgresql": NOT_A_SELECT}),
    Hostile("SELECT INTO a variable", "SELECT 1 INTO @stolen", ANALYZE, {"mariadb": NOT_A_SELECT}),
    # a rollback does not reach files, other sessions, locks
    Hostile("INTO OUTFILE", "SELECT * FROM victim INTO OUTFILE '{outfile}'", ANALYZE, {"mariadb": FILE_WRITE}),
    Hostile("INTO OUTFILE, allowed to write", "SELECT * FROM victim INTO OUTFILE '{outfile}'", ANALYZE_WRITE, {"mariadb": FILE_WRITE}),
    Hostile("INTO OUTFILE, only planned", "SELECT * FROM victim INTO OUTFILE '{outfile}'", (), {"mariadb": None}),
    Hostile("executable comment", "SELECT * FROM victim /*! INTO OUTFILE '{outfile}' */", ANALYZE, {"mariadb": FILE_WRITE}),
    Hostile("versioned executable comment", "SELECT * FROM victim /*!40000 INTO OUTFILE '{outfile}' */", ANALYZE, {"mariadb": FILE_WRITE}),
    Hostile("MariaDB executable comment", "SELECT * FROM victim /*M!100000 INTO DUMPFILE '{outfile}' */", ANALYZE_WRITE, {"mariadb": FILE_WRITE}),
    Hostile("executable comment with a comment inside", "SELECT * FROM `victim` /*!INTO/**/OUTFILE '{outfile}'*/", ANALYZE, {"mariadb": FILE_WRITE}),
    Hostile("executable comment holding '*/'", "SELECT 1 /*! , '*/' ; DELETE FROM victim */", (),
            {"mariadb": many(2), **{b: f"cannot read the statement as {SPOKEN[b]} SQL: a quote or comment is not closed" for b in ("postgresql", "sqlite")}}),
    Hostile("a parameter that closes a comment", "SELECT 1 /* %s */ '{outfile}'", ANALYZE, {"mariadb": FILE_WRITE}, ("*/ INTO OUTFILE /*",)),
    Hostile("a parameter inside a string", "SELECT '%s' AS a", ANALYZE,
            {"mariadb": "cannot read the statement as MariaDB SQL: a quote or comment is not closed"}, ("'; DELETE FROM victim; -- ",)),
    Hostile("lo_export", "SELECT lo_export(0, '{outfile}')", ANALYZE_WRITE, {"postgresql": undoable("would call lo_export(), which acts outside the transaction")}),
    Hostile("session advisory lock", "SELECT pg_advisory_lock(7)", ANALYZE, {"postgresql": undoable("would call pg_advisory_lock(), which acts outside the transaction")}),
    Hostile("terminate a backend", "SELECT pg_catalog.pg_terminate_backend(1)", ANALYZE, {"postgresql": undoable("would call pg_terminate_backend(), which acts outside the transaction")}),
    Hostile("a WAL message no rollback takes back", "SELECT pg_logical_emit_message(false, 'sqla_tui', 'x')", ANALYZE,
            {"postgresql": undoable("would call pg_logical_emit_message(), which acts outside the transaction")}),
    # a query given as text runs unseen: whatever it calls
    Hostile("a backend terminated from a query in a string", "SELECT query_to_xml('SELECT pg_terminate_backend(0)', true, false, '')",
            ANALYZE, {"postgresql": undoable("would call query_to_xml(), which runs SQL given to it as text that sqla-tui cannot check")}),
    Hostile("a lock taken from a query in a string", "SELECT * FROM pg_catalog.ts_stat('SELECT to_tsvector(pg_advisory_lock(7)::text)')",
            ANALYZE_WRITE, {"postgresql": undoable("would call ts_stat(), which runs SQL given to it as text that sqla-tui cannot check")}),
    Hostile("a query in a string, only planned", "SELECT query_to_xml('SELECT 1', true, false, '')", (), {"postgresql": None}),
    Hostile("GET_LOCK", "SELECT GET_LOCK('sqla_tui_guard', 0)", ANALYZE, {"mariadb": undoable("would call get_lock(), which acts outside the transaction")}),
    Hostile("a function defined in the database", "SELECT bump()", ANALYZE,
            {b: undoable("would call bump(), defined in this database and free to act outside the transaction") for b in ("postgresql", "mariadb")}),
    # a name sqlglot reads as a keyword still calls the database's function of that name
    Hostile("a function named like a keyword", "SELECT public.replace(1)", ANALYZE, {"postgresql": SPILLS}),
    Hostile("a function named like a keyword, allowed to write", "SELECT `{database}`.replace(1)", ANALYZE_WRITE, {"mariadb": SPILLS}),
    # a view runs what it calls, though the statement names no function; views within views too
    Hostile("a view calling the database's function", "SELECT * FROM spill_outer", ANALYZE, {"postgresql": SPILLS_BEHIND}),
    Hostile("a view calling the database's function, allowed to write", "SELECT * FROM spill_outer", ANALYZE_WRITE,
            {"postgresql": SPILLS_BEHIND, "mariadb": SPILLS_BEHIND}),
    # MariaDB: a write that touches a non-transactional table, however it is named
    Hostile("MyISAM", "DELETE FROM m", ANALYZE_WRITE, {"mariadb": NON_TRANSACTIONAL_M}),
    Hostile("MyISAM, comment for a space", "DELETE FROM/**/m", ANALYZE_WRITE, {"mariadb": NON_TRANSACTIONAL_M}),
    Hostile("MyISAM, backquoted", "DELETE FROM `m`", ANALYZE_WRITE, {"mariadb": NON_TRANSACTIONAL_M}),
    Hostile("MyISAM in another database", "DELETE FROM {other}.m", ANALYZE_WRITE,
            {"mariadb": undoable("of this write involves {other}.m (MyISAM), a storage engine without transactions")}),
    Hostile("MyISAM in a multi-table DELETE", "DELETE m FROM victim, m WHERE m.id = victim.id", ANALYZE_WRITE, {"mariadb": NON_TRANSACTIONAL_M}),
    Hostile("MyISAM in a multi-table UPDATE", "UPDATE victim, m SET m.id = m.id + 10", ANALYZE_WRITE, {"mariadb": NON_TRANSACTIONAL_M}),
    Hostile("MyISAM only read", "INSERT INTO victim SELECT id + 100 FROM m", ANALYZE_WRITE, {"mariadb": NON_TRANSACTIONAL_M}),
    Hostile("a view over MyISAM", "DELETE FROM m_view", ANALYZE_WRITE,
            {"mariadb": undoable("of this write involves the view m_view, whose tables sqla-tui does not check")}),
    Hostile("a trigger writing MyISAM", "DELETE FROM audited", ANALYZE_WRITE,
            {"mariadb": undoable("of this write would fire trigger audited_to_m on audited, which may write where a rollback does not reach")}),
    Hostile("a foreign table", "DELETE FROM far_victim", ANALYZE_WRITE,
            {"postgresql": undoable("of this write involves the foreign table far_victim, whose server this rollback may not reach")}),
    Hostile("a foreign table, upper case and schema", "UPDATE public.FAR_VICTIM SET id = id", ANALYZE_WRITE,
            {"postgresql": undoable("of this write involves the foreign table far_victim, whose server this rollback may not reach")}),
    Hostile("a foreign table only read", "INSERT INTO victim SELECT id + 100 FROM far_victim", ANALYZE_WRITE,
            {"postgresql": undoable("of this write involves the foreign table far_victim, whose server this rollback may not reach")}),
    Hostile("a foreign partition under its parent", "DELETE FROM events", ANALYZE_WRITE,
            {"postgresql": undoable("of this write involves the foreign table events_far, whose server this rollback may not reach")}),
    Hostile("a view on PostgreSQL", "DELETE FROM victim_view", ANALYZE_WRITE,
            {"postgresql": undoable("of this write involves the view victim_view, whose rules and triggers sqla-tui does not check")}),
    Hostile("a trigger on PostgreSQL", "DELETE FROM audited", ANALYZE_WRITE,
            {"postgresql": undoable("of this write would fire trigger audited_keep on audited, which may act where a rollback does not reach")}),
    Hostile("a quoted mixed-case table rolled back", 'DELETE FROM "Mixed"', ANALYZE_WRITE, {"postgresql": None}),
    Hostile("a write rolled back", "DELETE FROM victim", ANALYZE_WRITE, everywhere(None)),
    Hostile("REPLACE rolled back", "REPLACE INTO victim VALUES (1)", ANALYZE_WRITE, {"sqlite": None, "mariadb": None}),
    Hostile("a WITH ... DELETE really rolled back", "WITH x AS (SELECT 1) DELETE FROM victim", ANALYZE_WRITE, {"sqlite": None}),
    # too big or too deep for a parser: one line, never a traceback
    Hostile("IN of 5,000 values", "SELECT * FROM victim WHERE id IN ({in_list})", ANALYZE, everywhere(None)),
    Hostile("1,200 columns", "SELECT {columns} FROM victim a JOIN victim b ON a.id = b.id", ANALYZE, everywhere(None)),
    Hostile("nested 600 deep", "SELECT {nested}", ANALYZE, everywhere("the statement is nested too deeply for sqla-tui to read; explain it without --analyze")),
]  # fmt: skip

_FILLERS = {
    "in_list": ", ".join(str(n) for n in range(5000)),
    "columns": ", ".join(f"a.id AS c{n}" for n in range(1200)),
    "nested": "(" * 600 + "1" + ")" * 600,
}

_MARIADB_SETUP = (
    "CREATE TABLE m (id INTEGER PRIMARY KEY) ENGINE=MyISAM",
    "INSERT INTO m VALUES (1), (2)",
    "CREATE VIEW m_view AS SELECT id FROM m",
    "CREATE TABLE audited (id INTEGER PRIMARY KEY) ENGINE=InnoDB",
    "INSERT INTO audited VALUES (1)",
    "CREATE TRIGGER audited_to_m AFTER DELETE ON audited FOR EACH ROW INSERT INTO m VALUES (OLD.id + 1000)",
    "CREATE FUNCTION bump() RETURNS INTEGER MODIFIES SQL DATA BEGIN INSERT INTO m VALUES (99); RETURN 1; END",
    "CREATE FUNCTION `replace`(n INTEGER) RETURNS INTEGER MODIFIES SQL DATA BEGIN INSERT INTO m VALUES (1000 + n); RETURN n; END",
    "CREATE VIEW spill_view AS SELECT `{database}`.replace(id) AS r FROM victim",
    "CREATE VIEW spill_outer AS SELECT r FROM spill_view",
)
_POSTGRESQL_SETUP = (
    "CREATE FUNCTION bump() RETURNS INTEGER LANGUAGE sql VOLATILE AS 'SELECT 1'",
    # writes a file on the server from a read-only transaction: COPY TO is a read
    'CREATE FUNCTION public."replace"(n INTEGER) RETURNS INTEGER LANGUAGE plpgsql VOLATILE '
    "AS $f$ BEGIN EXECUTE 'COPY (SELECT 1) TO ''{outfile}'''; RETURN n; END $f$",
    'CREATE VIEW spill_view AS SELECT public."replace"(id) AS r FROM victim',
    "CREATE VIEW spill_outer AS SELECT r FROM spill_view",
    # a foreign table over this same database's victim: a write through it lands on the victim
    "CREATE EXTENSION postgres_fdw",
    "CREATE SERVER loopback FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host '127.0.0.1', port '5432', dbname '{database}')",
    "CREATE USER MAPPING FOR CURRENT_USER SERVER loopback OPTIONS (user 'postgres')",
    "CREATE FOREIGN TABLE far_victim (id INTEGER) SERVER loopback OPTIONS (table_name 'victim')",
    'CREATE TABLE "Mixed" (id INTEGER PRIMARY KEY)',
    "CREATE VIEW victim_view AS SELECT id FROM victim",
    "CREATE TABLE audited (id INTEGER PRIMARY KEY)",
    "CREATE FUNCTION keep_audit() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN OLD; END'",
    "CREATE TRIGGER audited_keep AFTER DELETE ON audited FOR EACH ROW EXECUTE FUNCTION keep_audit()",
    "CREATE TABLE events (id INTEGER, day DATE) PARTITION BY RANGE (day)",
    "CREATE FOREIGN TABLE events_far PARTITION OF events FOR VALUES FROM ('2020-01-01') TO ('2021-01-01') SERVER loopback OPTIONS (table_name 'victim')",
)


@dataclass
class Attacked:
    """A database to attack: its URL, a second database (MariaDB) and a directory the server can write into."""

    database: TestDatabase
    other: TestDatabase | None
    outdir: Path

    @property
    def outfile(self) -> Path:
        return self.outdir / "stolen.txt"


def _writable_directory() -> Path:
    """A directory the database server's own user can write into, so a file write would really happen."""
    path = Path(tempfile.mkdtemp(prefix="sqla_tui_guard_"))
    os.chmod(path, 0o777)
    return path


@pytest.fixture(scope="module")
def attacked(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Attacked]]:
    """One attacked database per backend, made on first use and dropped at the end."""
    made: dict[str, Attacked] = {}

    class Lazy(dict):  # type: ignore[type-arg]
        def __missing__(self, backend: str) -> Attacked:
            database = create_database(backend, tmp_path_factory.mktemp("attacked"))
            other = create_database(backend, tmp_path_factory.mktemp("other")) if backend == "mariadb" else None
            made[backend] = self[backend] = Attacked(database, other, _writable_directory())
            statements = ["CREATE TABLE victim (id INTEGER PRIMARY KEY)", "INSERT INTO victim VALUES (1), (2), (3)"]
            statements += [
                statement.format(database=database.name, outfile=made[backend].outfile)
                for statement in {"mariadb": _MARIADB_SETUP, "postgresql": _POSTGRESQL_SETUP}.get(backend, ())
            ]
            run_async(execute(database.url, *statements))
            if other is not None:
                run_async(execute(other.url, "CREATE TABLE m (id INTEGER PRIMARY KEY) ENGINE=MyISAM", "INSERT INTO m VALUES (1)"))
            return made[backend]

    yield Lazy()
    for attacked in made.values():
        for database in (attacked.database, attacked.other):
            if database is not None:
                database.drop()
        shutil.rmtree(attacked.outdir, ignore_errors=True)


async def _state(url: str) -> dict[str, Any]:
    """Every table with its row count, every view, plus SQLite's user_version: what an attack could change.

    A view's rows are its tables'; counting them would run what the views call (``spill_view`` writes).
    """
    engine, _ = await connect(url)
    try:
        async with engine.connect() as conn:
            names = await conn.run_sync(lambda sync: sorted(inspect(sync).get_table_names()))
            state: dict[str, Any] = {"views": await conn.run_sync(lambda sync: sorted(inspect(sync).get_view_names()))}
            for name in names:
                quoted = engine.dialect.identifier_preparer.quote(name)
                state[name] = await conn.scalar(text(f"SELECT COUNT(*) FROM {quoted}"))
            if engine.dialect.name == "sqlite":
                state["user_version"] = await conn.scalar(text("PRAGMA user_version"))
                state["columns"] = await conn.run_sync(lambda sync: [c["name"] for c in inspect(sync).get_columns("victim")])
            return state
    finally:
        await engine.dispose()


def _cases() -> list[Any]:
    return [
        pytest.param(backend, case, id=f"{backend}-{case.name}")
        for case in HOSTILE
        for backend in BACKENDS
        if backend in case.expected
    ]


@pytest.mark.parametrize(("backend", "case"), _cases())
def test_hostile_input_gets_its_one_line_and_changes_nothing(attacked: dict[str, Attacked], backend: str, case: Hostile) -> None:
    target = attacked[backend]
    names = {"outfile": target.outfile, "other": target.other.name if target.other else "", "database": target.database.name, **_FILLERS}
    sql = case.sql.format(**names)
    before = run_async(_state(target.database.url)), run_async(_state(target.other.url)) if target.other else None
    params = [option for value in case.params for option in ("--param", value)]
    result = runner.invoke(app, ["explain", target.database.url, "--sql", sql, *case.flags, *params])
    expected = case.expected[backend]
    if expected is None:
        assert result.exit_code == 0, result.stderr
        assert result.stderr == ""
    else:
        assert (result.exit_code, result.stderr) == (2, f"error: {expected.format(**names)}\n")
    after = run_async(_state(target.database.url)), run_async(_state(target.other.url)) if target.other else None
    assert after == before
    assert not target.outfile.exists()


def test_the_server_could_write_the_file_the_attacks_aim_at(attacked: dict[str, Attacked]) -> None:
    """The INTO OUTFILE rows above prove something only if the server can write there when it is really asked."""
    target = attacked["mariadb"]
    probe = target.outdir / "probe.txt"
    run_async(execute(target.database.url, f"SELECT 1 INTO OUTFILE '{probe}'"))
    assert probe.read_text() == "1\n"
    probe.unlink()


def test_a_trigger_really_writes_the_myisam_table(attacked: dict[str, Attacked]) -> None:
    """Without the guard the trigger row above would survive the rollback: show that it does."""
    target = attacked["mariadb"]
    before = run_async(_state(target.database.url))["m"]

    async def delete_and_roll_back() -> None:
        engine, _ = await connect(target.database.url, read_only=False)
        try:
            async with engine.connect() as conn:
                await conn.execute(text("DELETE FROM audited"))
                await conn.rollback()
        finally:
            await engine.dispose()

    run_async(delete_and_roll_back())
    try:
        assert run_async(_state(target.database.url))["m"] == before + 1
    finally:
        run_async(execute(target.database.url, "DELETE FROM m WHERE id >= 1000"))


@pytest.mark.parametrize("read_only", [True, False])
def test_no_connection_runs_two_statements_in_one_call(attacked: dict[str, Attacked], backend: str, read_only: bool) -> None:
    """The driver layer on its own, under the guard: read-only or writable, a second statement never runs."""
    target = attacked[backend]

    async def scenario() -> str:
        engine = create_engine(target.database.url, read_only=read_only)
        try:
            async with engine.connect() as conn:
                with pytest.raises(DBAPIError) as caught:
                    await conn.exec_driver_sql("SELECT 1; DELETE FROM victim")
                await conn.rollback()
                return str(caught.value.orig)
        finally:
            await engine.dispose()

    message = run_async(scenario())
    expected = {
        "mariadb": "You have an error in your SQL syntax",
        "postgresql": "cannot insert multiple commands into a prepared statement",
        "sqlite": "You can only execute one statement at a time",
    }
    assert expected[backend] in message
    assert run_async(_state(target.database.url))["victim"] == VICTIM_ROWS


def test_a_setting_changed_on_a_pooled_connection_does_not_make_it_writable(attacked: dict[str, Attacked]) -> None:
    """set_config() persists for the session if committed; the guard rolls it back and begins every transaction read-only."""
    target = attacked["postgresql"]

    async def scenario() -> str:
        engine = create_engine(target.database.url, read_only=False)  # writable, as a library caller may pass
        try:
            await explain(engine, "SELECT set_config('default_transaction_read_only', 'off', false)", analyze=True)
            with pytest.raises(UserError) as caught:
                await explain(engine, "SELECT * FROM victim FOR UPDATE", analyze=True)
            return str(caught.value)
        finally:
            await engine.dispose()

    refusal = run_async(scenario())
    assert refusal.startswith("EXPLAIN ANALYZE of a write needs a writable connection, and this one is read-only (")
    assert "cannot execute SELECT FOR UPDATE in a read-only transaction" in refusal


@pytest.mark.parametrize("backend", ["postgresql", "mariadb"])
def test_a_sequences_next_value_is_not_taken_whatever_the_flags(empty_db: TestDatabase) -> None:
    """A rollback gives no sequence value back: nextval() ran for good under --analyze --allow-write."""
    run_async(execute(empty_db.url, "CREATE SEQUENCE counter START WITH 1000"))
    calls = ["SELECT nextval('counter')"] if empty_db.backend == "postgresql" else [
        "SELECT nextval(counter)", "SELECT NEXT VALUE FOR counter", "SELECT 1 + next value for counter",
    ]  # fmt: skip
    for sql in calls:
        refused = runner.invoke(app, ["explain", empty_db.url, "--sql", sql, *ANALYZE_WRITE])
        assert refused.exit_code == 2, (sql, refused.output)
        reason = "call nextval()" if "nextval" in sql else "take a sequence's NEXT VALUE"
        assert refused.stderr.startswith(f"error: EXPLAIN ANALYZE would {reason}"), refused.stderr
    if empty_db.backend == "postgresql":  # MariaDB will not even plan it in a read-only transaction
        assert runner.invoke(app, ["explain", empty_db.url, "--sql", calls[0]]).exit_code == 0  # planned, never run
    taken = "SELECT nextval('counter')" if empty_db.backend == "postgresql" else "SELECT NEXT VALUE FOR counter"
    assert run_async(_scalar(empty_db.url, taken)) == 1000  # the first value: none was taken before


@pytest.mark.parametrize(
    ("backend", "setting", "message"),
    [
        ("postgresql", "ALTER DATABASE {name} SET standard_conforming_strings = off", "standard_conforming_strings=off"),
        ("mariadb", None, "sql_mode NO_BACKSLASH_ESCAPES or ANSI_QUOTES"),
    ],
)
def test_a_backslash_under_other_string_rules_is_refused(tmp_path: Path, backend: str, setting: str | None, message: str) -> None:
    """Where the server reads backslashes otherwise than sqlglot, text hidden in a 'string' could run: refuse."""
    database = create_database(backend, tmp_path)
    outdir = _writable_directory()
    try:
        url = database.url
        if setting is not None:
            run_async(execute(url, setting.format(name=f'"{database.name}"')))
        else:
            url += "?sql_mode=NO_BACKSLASH_ESCAPES"
        hidden = {  # the server sees the call or the INTO OUTFILE outside any string; sqlglot sees it inside one
            "postgresql": "SELECT '\\', ' , pg_advisory_lock(1) , ' AS x --'",
            "mariadb": f"SELECT '\\' AS a, 1 INTO OUTFILE '{outdir / 'x.txt'}' -- '",
        }[backend]
        result = runner.invoke(app, ["explain", url, "--sql", hidden, "--analyze"])
        expected = (
            f"the statement has a backslash, and this server's {message} reads strings differently "
            "from sqla-tui's parser; write it without backslashes"
        )
        assert (result.exit_code, result.stderr) == (2, f"error: {expected}\n")
        assert not (outdir / "x.txt").exists()
    finally:
        database.drop()
        shutil.rmtree(outdir, ignore_errors=True)


@pytest.mark.parametrize(
    ("setup", "sql", "through"),
    [
        ("CREATE DOMAIN spilling AS INTEGER CHECK (spill(VALUE) > 0)", "SELECT CAST(1 AS spilling)", "the domain spilling"),
        ("CREATE OPERATOR <-> (FUNCTION = spill, LEFTARG = INTEGER, RIGHTARG = INTEGER)", "SELECT 1 <-> 2", "the operator <->"),
    ],
)
def test_a_function_behind_a_domain_or_an_operator_stops_every_analyze(tmp_path: Path, setup: str, sql: str, through: str) -> None:
    """A domain's check or an operator runs a function the statement never names (a cast or a column's type need not
    name the domain either): while the database holds one that is volatile, no EXPLAIN ANALYZE runs there."""
    database, outdir = create_database("postgresql", tmp_path), _writable_directory()
    outfile = outdir / "stolen.txt"
    try:
        run_async(execute(
            database.url,
            "CREATE TABLE victim (id INTEGER PRIMARY KEY)",
            "INSERT INTO victim VALUES (1), (2), (3)",
            "CREATE FUNCTION spill(n INTEGER, m INTEGER DEFAULT 0) RETURNS INTEGER LANGUAGE plpgsql VOLATILE "
            f"AS $f$ BEGIN EXECUTE 'COPY (SELECT 1) TO ''{outfile}'''; RETURN n; END $f$",
            setup,
        ))  # fmt: skip
        refusal = undoable(f"may call spill() through {through}, defined in this database and free to act outside the transaction")
        for statement in (sql, "SELECT id FROM victim"):
            result = runner.invoke(app, ["explain", database.url, "--sql", statement, "--analyze"])
            assert (result.exit_code, result.stderr) == (2, f"error: {refusal}\n")
        assert runner.invoke(app, ["explain", database.url, "--sql", sql]).exit_code == 0  # only planned: nothing runs
        assert not outfile.exists()
        assert run_async(_state(database.url))["victim"] == VICTIM_ROWS
    finally:
        database.drop()
        shutil.rmtree(outdir, ignore_errors=True)


async def _scalar(url: str, sql: str) -> Any:
    """One value, read on a writable connection (nextval() writes)."""
    engine = create_engine(url, read_only=False)
    try:
        async with engine.begin() as conn:
            return await conn.scalar(text(sql))
    finally:
        await engine.dispose()
