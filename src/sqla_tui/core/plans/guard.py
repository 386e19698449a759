"""The one gate for SQL a person typed: one statement, read the way its database reads it.

Every statement sqla-tui sends from text it did not write itself (``explain
--sql``, the app's EXPLAIN of a logged statement, a composed query's EXPLAIN)
passes :func:`check` before a connection is opened and :func:`begin` on it.

- **One statement**, counted by sqlglot's tokenizer for the database's own
  dialect, so ``--1`` is a comment to PostgreSQL and SQLite but not to
  MariaDB, ``#`` is one to MariaDB only, and quotes, backslashes and ``$$``
  end where the server ends them. MariaDB runs the content of ``/*! */`` and
  ``/*M! */`` comments, so the guard reads them as code. Behind it, no driver
  connection accepts several statements in one call (see ``connect.engine``).
- **An explainable kind** only (SELECT, INSERT, UPDATE, DELETE, REPLACE,
  MERGE): never DDL, PRAGMA, ATTACH, VACUUM, COPY, LOAD DATA, SET, CALL...
- **Run only what a rollback undoes.** EXPLAIN ANALYZE executes the
  statement, so it must parse; a write needs ``allow_write``; server files,
  session locks and functions that act outside the transaction are refused
  whatever the flags (so are PostgreSQL's functions that run a query given
  as text, ``query_to_xml`` and the like, which could call them unseen), as is a volatile function defined in the database,
  called by name or by a view the statement reads (on PostgreSQL, every
  ANALYZE while one sits behind an operator, a domain or a cast); on MariaDB
  so is a write involving a non-transactional table, a view or a trigger,
  and on PostgreSQL one involving a foreign table (a wrapper's remote side is
  not this transaction), a view or a trigger, partitions included.
- **A read-only transaction** unless writes are allowed, on top of the
  read-only session, so a setting changed on a pooled connection cannot undo
  it; SQLite gets an explicit BEGIN, without which its driver autocommits.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from functools import cache
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, text

from sqla_tui.core.errors import UserError

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncConnection

NOT_A_SELECT = (
    "EXPLAIN ANALYZE runs the statement; it is not a SELECT — "
    "pass --allow-write to run it inside a rolled-back transaction"
)
_SQLGLOT_DIALECT = {"postgresql": "postgres", "mariadb": "mysql", "mysql": "mysql", "sqlite": "sqlite"}
_SPOKEN = {"postgresql": "PostgreSQL", "mariadb": "MariaDB", "mysql": "MySQL", "sqlite": "SQLite"}
_EXPLAINABLE = {"SELECT", "WITH", "L_PAREN", "VALUES", "TABLE", "INSERT", "UPDATE", "DELETE", "REPLACE", "MERGE"}
_MYSQL_LEXEME = re.compile(
    r"""'(?:[^'\\]|\\.|'')*'?|"(?:[^"\\]|\\.|"")*"?|`(?:[^`]|``)*`?"""  # strings and quoted names
    r"|\#[^\n]*|--(?=[\s\x00-\x1f]|\Z)[^\n]*"  # comments to the end of the line
    r"|/\*(?P<run>M?!\d*)|/\*.*?(?:\*/|\Z)|(?P<close>\*/)"  # executable and plain comments, a closer
    r"|[^'\"`#/*-]+|.",
    re.DOTALL,
)
"""MariaDB's lexemes as far as executable comments care, with its default string rules."""
_MYSQL_GAP = re.compile(r"(?:\s|#[^\n]*|--[^\n]*|/\*(?!M?!).*?(?:\*/|\Z))*", re.DOTALL)
"""What may stand between two MariaDB tokens once executable comments are code: whitespace and plain comments."""
_OUTSIDE_TRANSACTION = {
    "postgresql": frozenset({
        "lo_export", "pg_file_write", "pg_file_rename", "pg_file_unlink", "pg_file_sync",
        "pg_terminate_backend", "pg_cancel_backend", "pg_reload_conf", "pg_rotate_logfile", "pg_switch_wal",
        "pg_create_restore_point", "pg_promote", "pg_log_backend_memory_contexts", "pg_stat_statements_reset",
        "pg_advisory_lock", "pg_advisory_lock_shared", "pg_try_advisory_lock", "pg_try_advisory_lock_shared",
        "pg_backup_start", "pg_backup_stop", "setval", "nextval", "pg_logical_emit_message", "pg_nextoid",
    }),
    "mariadb": frozenset({"get_lock", "setval", "nextval", "sys_exec", "sys_eval"}),
    "sqlite": frozenset(),
}  # fmt: skip
"""Built-in functions whose effect outlives a rollback: files, other sessions, server state, session locks, a
sequence's next value (a rollback gives none back)."""
_OUTSIDE_TRANSACTION["mysql"] = _OUTSIDE_TRANSACTION["mariadb"]
_RUNS_TEXT = frozenset({
    "query_to_xml", "query_to_xmlschema", "query_to_xml_and_xmlschema", "ts_stat", "ts_rewrite",
    "crosstab", "crosstab2", "crosstab3", "crosstab4", "connectby",
})  # fmt: skip
"""PostgreSQL functions (built in, and tablefunc's) that run a query given to them as text: what it calls (a backend
terminated, a session lock) is out of the guard's sight, so under ANALYZE they are refused whatever the query."""
_OUTSIDE_PREFIXES = ("dblink", "pg_stat_reset", "pg_replication_", "pg_wal_replay_", "pg_create_physical_replication", "pg_create_logical_replication", "pg_drop_replication")  # fmt: skip
_BEGIN_READ_ONLY = {"postgresql": "SET TRANSACTION READ ONLY", "mariadb": "START TRANSACTION READ ONLY"}
_BEGIN_READ_ONLY["mysql"] = _BEGIN_READ_ONLY["mariadb"]
_STRING_MODES = {
    "postgresql": ("SHOW standard_conforming_strings", lambda value: value == "off", "standard_conforming_strings=off"),
    "mariadb": ("SELECT @@SESSION.sql_mode", lambda value: bool({"NO_BACKSLASH_ESCAPES", "ANSI_QUOTES"} & set(value.split(","))),
                "sql_mode NO_BACKSLASH_ESCAPES or ANSI_QUOTES"),
}  # fmt: skip
_STRING_MODES["mysql"] = _STRING_MODES["mariadb"]


@dataclass(frozen=True)
class Statement:
    """The one statement the guard lets through, and what running it would touch."""

    text: str
    """What is sent: the statement without a trailing ``;`` and what follows it."""
    dialect: str
    writes: bool = True
    """False only when parsed and proven to read: no INSERT/UPDATE/DELETE anywhere, no SELECT ... INTO."""
    tables: tuple[tuple[str | None, str], ...] = ()
    """(schema or None, name) of every table the statement names, CTE names included; known once parsed."""
    functions: tuple[str, ...] = ()
    """Lower-case names of every function it calls."""
    outside_transaction: str | None = None
    """What the statement does that no rollback undoes, as a phrase, if anything."""


def _refusal(reason: str) -> UserError:
    return UserError(f"EXPLAIN ANALYZE {reason}: a rollback cannot undo that, so it is not run; explain it without --analyze")


@cache
def _tokenizer(dialect: str) -> Any:
    """The dialect's tokenizer, minus sqlglot's habit of reading a statement after SHOW/REPLACE/... as one string."""
    from sqlglot.dialects.dialect import Dialect

    base = Dialect.get_or_raise(_SQLGLOT_DIALECT[dialect]).tokenizer_class
    return type("GuardTokenizer", (base,), {"COMMANDS": set()})


def _tokens(sql: str, dialect: str) -> list[Any]:
    from sqlglot.errors import TokenError

    try:
        return _tokenizer(dialect)().tokenize(sql)
    except TokenError:
        raise UserError(f"cannot read the statement as {_SPOKEN[dialect]} SQL: a quote or comment is not closed") from None


def _gaps(sql: str, tokens: list[Any]) -> Iterator[tuple[int, int]]:
    """(start, end) of the text around the tokens: whitespace and comments only."""
    position = 0
    for token in tokens:
        yield position, token.start
        position = token.end + 1
    yield position, len(sql)


def _unwrap_executable_comments(sql: str, dialect: str) -> tuple[str, list[Any]]:
    """MariaDB/MySQL run what is inside ``/*! ... */`` and ``/*M! ... */`` as code: blank out the markers.

    As on the server, an opener counts only outside strings and comments, and
    the comment ends at the first ``*/`` that is code, not inside a string or a
    comment of its own. Positions are kept, so the tokens point into ``sql``;
    a marker sqlglot still sees afterwards means the two readings differ: refuse.
    """
    if dialect not in ("mariadb", "mysql"):
        return sql, _tokens(sql, dialect)
    opener: re.Match[str] | None = None
    blanks = []
    for match in _MYSQL_LEXEME.finditer(sql):
        if match["run"] is not None:
            if opener is not None:
                raise UserError("an executable comment (/*! ... */) is nested in another; the server refuses that too")
            opener = match
        elif match["close"] is not None and opener is not None:
            blanks += [opener.span(), match.span()]
            opener = None
    if opener is not None:
        raise UserError(f"an executable comment ({opener[0]} ...) is not closed; close it with */")
    for start, end in blanks:
        sql = sql[:start] + " " * (end - start) + sql[end:]
    tokens = _tokens(sql, dialect)
    for start, end in _gaps(sql, tokens):
        gap = _MYSQL_GAP.fullmatch(sql, start, end)
        if gap is None:
            raise UserError(f"cannot read the statement as {_SPOKEN[dialect]} SQL near {sql[start : start + 20]!r}")
    return sql, tokens


def _one_statement(tokens: list[Any], size: int) -> tuple[list[Any], int, int]:
    """The tokens of the only non-empty statement and its text span; ``;`` and comments may follow it."""
    from sqlglot.tokens import TokenType

    statements: list[tuple[list[Any], int, int]] = []
    current: list[Any] = []
    start = 0
    for token in [*tokens, None]:
        if token is None or token.token_type == TokenType.SEMICOLON:
            if current:
                statements.append((current, start, token.start if token is not None else size))
            current, start = [], (token.end + 1 if token is not None else size)
        else:
            current.append(token)
    if not statements:
        raise UserError("there is no statement to explain (the text is empty, or only comments); give one SELECT")
    if len(statements) != 1:
        raise UserError(f"EXPLAIN takes exactly one statement, got {len(statements)}; explain them one at a time")
    return statements[0]


_WORD = re.compile(r"\w+")
_UNDECODED = re.compile("[\ud800-\udfff]")
"""Bytes a shell argument or a JSON feed could not decode: Python keeps them as lone surrogates, no driver sends those."""


def _function_names(tokens: list[Any]) -> tuple[str, ...]:
    """Every name written before a ``(``: sqlglot's keywords too, since ``public.replace(1)`` or
    ``merge(1)`` calls whatever function of that name the database holds."""
    from sqlglot.tokens import TokenType

    return tuple(
        sorted(
            {
                token.text.lower()
                for token, after in pairwise(tokens)
                if after.token_type == TokenType.L_PAREN
                and (token.token_type == TokenType.IDENTIFIER or _WORD.fullmatch(token.text))
            }
        )
    )


def _takes_next_value(tokens: list[Any]) -> bool:
    """MariaDB's ``NEXT VALUE FOR seq``, the keyword form of ``nextval(seq)``."""
    words = [token.text.upper() for token in tokens]
    return any(words[index : index + 3] == ["NEXT", "VALUE", "FOR"] for index in range(len(words) - 2))


def _writes_a_file(tokens: list[Any], dialect: str) -> bool:
    from sqlglot.tokens import TokenType

    if dialect not in ("mariadb", "mysql"):
        return False
    return any(
        token.token_type == TokenType.INTO and after.text.upper() in ("OUTFILE", "DUMPFILE") for token, after in pairwise(tokens)
    )


def _outside_transaction(tokens: list[Any], dialect: str, functions: tuple[str, ...]) -> str | None:
    if _writes_a_file(tokens, dialect):
        return "would run SELECT ... INTO OUTFILE/DUMPFILE, which writes a file on the server"
    if dialect in ("mariadb", "mysql") and _takes_next_value(tokens):
        return "would take a sequence's NEXT VALUE, which a rollback does not give back"
    for name in functions:
        if name in _OUTSIDE_TRANSACTION[dialect] or (dialect == "postgresql" and name.startswith(_OUTSIDE_PREFIXES)):
            return f"would call {name}(), which acts outside the transaction"
        if dialect == "postgresql" and name in _RUNS_TEXT:
            return f"would call {name}(), which runs SQL given to it as text that sqla-tui cannot check"
    return None


def _parse_text(sql: str, tokens: list[Any], dialect: str) -> str:
    """The statement's text as sqlglot parses it: MySQL's %s placeholders as ?, REPLACE read as the INSERT it is.

    ``tokens`` carry positions in ``sql``; the result is the span from the first token to the last.
    """
    from sqlglot.tokens import TokenType

    pieces, position = [], tokens[0].start
    if tokens[0].token_type == TokenType.REPLACE:
        pieces, position = ["INSERT"], tokens[0].end + 1
    for index, token in enumerate(tokens):
        if dialect not in ("mariadb", "mysql") or token.token_type != TokenType.MOD or token.start < position:
            continue
        run = tokens[index : index + 2]
        if [t.token_type for t in tokens[index + 1 : index + 4]] == [TokenType.L_PAREN, TokenType.VAR, TokenType.R_PAREN]:
            run = tokens[index : index + 5]
        adjacent = all(a.end + 1 == b.start for a, b in pairwise(run))
        if len(run) in (2, 5) and run[-1].text == "s" and adjacent:
            pieces += [sql[position : token.start], "?"]
            position = run[-1].end + 1
    return "".join(pieces) + sql[position : tokens[-1].end + 1]


def _parse(sql: str, dialect: str) -> Any:
    import sqlglot
    from sqlglot.errors import ParseError

    try:
        return sqlglot.parse_one(sql, read=_SQLGLOT_DIALECT[dialect])
    except ParseError as error:
        detail = error.errors[0] if error.errors else {}
        where = f" (line {detail['line']}, column {detail['col']})" if "line" in detail else ""
        reason = detail.get("description") or str(error).splitlines()[0]
        raise UserError(
            f"EXPLAIN ANALYZE runs the statement, and sqla-tui runs only what it can read as {_SPOKEN[dialect]} SQL: "
            f"{reason}{where}; explain it without --analyze"
        ) from None
    except RecursionError:
        raise UserError("the statement is nested too deeply for sqla-tui to read; explain it without --analyze") from None


def _writes(tree: Any) -> bool:
    from sqlglot import exp

    if not isinstance(tree, (exp.Select, exp.SetOperation, exp.Values)):
        return True
    if tree.find(exp.Insert, exp.Update, exp.Delete, exp.Merge) is not None:
        return True  # a data-modifying CTE
    return any(select.args.get("into") is not None for select in tree.find_all(exp.Select))


def read(sql: str, dialect: str, *, parse: bool) -> Statement:
    """The one explainable statement in ``sql``, or a UserError saying why there is none.

    With ``parse`` it is parsed too, unless it already does something no
    rollback undoes (a statement that must be refused need not be read further).
    """
    undecoded = _UNDECODED.search(sql)
    if undecoded is not None:
        raise UserError(f"the statement is not valid UTF-8 (character {undecoded.start() + 1}); save or type it as UTF-8")
    full, tokens = _unwrap_executable_comments(sql, dialect)
    mine, start, end = _one_statement(tokens, len(full))
    if mine[0].token_type.name not in _EXPLAINABLE:
        raise UserError(
            f"{mine[0].text.upper()} cannot be explained: sqla-tui explains only SELECT, INSERT, UPDATE, DELETE, REPLACE and MERGE statements"
        )
    functions = _function_names(mine)
    statement = Statement(sql[start:end].strip(), dialect, functions=functions, outside_transaction=_outside_transaction(mine, dialect, functions))
    if not parse or statement.outside_transaction is not None:
        return statement
    from sqlglot import exp

    tree = _parse(_parse_text(full, mine, dialect), dialect)
    tables = tuple(sorted({(table.db or None, table.name) for table in tree.find_all(exp.Table) if table.name}, key=str))
    return replace(statement, writes=_writes(tree), tables=tables)


def check(sql: str, dialect: str, *, analyze: bool, allow_write: bool) -> Statement:
    """Let one statement through, or say in one line why not; EXPLAIN ANALYZE must parse and stay undoable."""
    statement = read(sql, dialect, parse=analyze)
    if analyze and statement.outside_transaction is not None:
        raise _refusal(statement.outside_transaction)
    if analyze and statement.writes and not allow_write:
        raise UserError(NOT_A_SELECT)
    return statement


async def begin(conn: AsyncConnection, statement: Statement, params: Any, *, analyze: bool, allow_write: bool) -> None:
    """Open the transaction ``statement`` runs in, and refuse what only the connection can tell is not undoable.

    The caller rolls back. PostgreSQL and MariaDB get a read-only transaction
    unless writes are allowed; SQLite an explicit BEGIN, since its driver
    starts none before DDL or a WITH ... DELETE and would commit those at once.
    MariaDB's driver splices ``params`` into the text itself, so what the
    server will read is checked again, values and all.
    """
    if statement.dialect in ("mariadb", "mysql") and params:
        statement = check(await _as_the_server_reads_it(conn, statement.text, params), statement.dialect, analyze=analyze, allow_write=allow_write)
    await conn.begin()
    if statement.dialect == "sqlite":
        await conn.exec_driver_sql("BEGIN")
    elif not allow_write:
        await conn.exec_driver_sql(_BEGIN_READ_ONLY[statement.dialect])
    if "\\" in statement.text and statement.dialect in _STRING_MODES:
        await _refuse_other_string_rules(conn, statement.dialect)
    if not analyze:
        return
    await _refuse_functions_defined_in_the_database(conn, statement)
    if statement.writes and statement.dialect in ("mariadb", "mysql"):
        await _refuse_what_mariadb_cannot_roll_back(conn, statement)
    if statement.writes and statement.dialect == "postgresql":
        await _refuse_what_postgresql_may_not_roll_back(conn, statement)


async def _as_the_server_reads_it(conn: AsyncConnection, sql: str, params: Any) -> str:
    """The text aiomysql sends for ``sql`` with ``params``: it quotes each value and splices it in for every %s."""
    raw = await conn.get_raw_connection()
    async with raw.driver_connection.cursor() as cursor:  # type: ignore[union-attr]  # aiomysql's connection, the only caller
        try:
            return str(cursor.mogrify(sql, params))
        except (TypeError, ValueError, KeyError) as error:
            raise UserError(f"the parameters do not match the statement's placeholders: {error}") from None


async def _refuse_other_string_rules(conn: AsyncConnection, dialect: str) -> None:
    """sqlglot reads backslashes the default way; a server told otherwise would see other strings, so refuse."""
    query, differs, setting = _STRING_MODES[dialect]
    if differs(str(await conn.scalar(text(query)))):
        raise UserError(
            f"the statement has a backslash, and this server's {setting} reads strings differently from sqla-tui's parser; "
            "write it without backslashes"
        )


_USER_FUNCTIONS = {
    "postgresql": "SELECT DISTINCT p.proname FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace "
    "WHERE p.proname IN :names AND p.provolatile = 'v' AND n.nspname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1",
    "mariadb": "SELECT DISTINCT routine_name FROM information_schema.routines "
    "WHERE routine_type = 'FUNCTION' AND routine_name IN :names ORDER BY 1",
}  # fmt: skip
_USER_FUNCTIONS["mysql"] = _USER_FUNCTIONS["mariadb"]


async def _refuse_functions_defined_in_the_database(conn: AsyncConnection, statement: Statement) -> None:
    """A volatile function someone defined may write files, use other connections or non-transactional tables.

    Named in the statement, or called by a view (or a rule) the statement
    reads: ``SELECT * FROM v`` runs what ``v`` calls, though the text names no function.
    """
    if statement.dialect not in _USER_FUNCTIONS:
        return
    found = await _user_functions(conn, statement.dialect, statement.functions)
    if found:
        names = ", ".join(f"{name}()" for name in found)
        raise _refusal(f"would call {names}, defined in this database and free to act outside the transaction")
    behind = await _VIEW_FUNCTIONS[statement.dialect](conn, statement)
    if behind:
        view, function = behind[0]
        raise _refusal(f"would call {function}() through {view}, defined in this database and free to act outside the transaction")
    if statement.dialect == "postgresql":
        hidden = (await conn.execute(text(_POSTGRESQL_HIDDEN_CALLS))).first()
        if hidden is not None:
            raise _refusal(
                f"may call {hidden[1]}() through the {hidden[0]}, defined in this database and free to act outside the transaction"
            )


async def _user_functions(conn: AsyncConnection, dialect: str, names: Iterable[str]) -> list[str]:
    """Which of ``names`` are volatile functions defined in the database (not built in)."""
    names = sorted(set(names))
    if not names:
        return []
    query = text(_USER_FUNCTIONS[dialect]).bindparams(bindparam("names", expanding=True))
    return list((await conn.execute(query, {"names": names})).scalars().all())


_POSTGRESQL_HIDDEN_CALLS = """
SELECT hidden.what, p.proname FROM (
    SELECT 'operator ' || o.oprname AS what, o.oprcode::oid AS function FROM pg_catalog.pg_operator o
    UNION ALL
    SELECT 'domain ' || t.typname, d.refobjid FROM pg_catalog.pg_type t
    JOIN pg_catalog.pg_constraint c ON c.contypid = t.oid
    JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_constraint'::regclass AND d.objid = c.oid
     AND d.refclassid = 'pg_catalog.pg_proc'::regclass
    UNION ALL
    SELECT 'cast to ' || pg_catalog.format_type(c.casttarget, NULL), c.castfunc FROM pg_catalog.pg_cast c WHERE c.castfunc <> 0
) AS hidden
JOIN pg_catalog.pg_proc p ON p.oid = hidden.function
JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
WHERE p.provolatile = 'v' AND n.nspname NOT IN ('pg_catalog', 'information_schema')
ORDER BY 1, 2 LIMIT 1
"""
"""A volatile function defined in the database behind an operator, a domain's check or a cast: a statement
reaches those without naming the function, and a cast or a domain without naming anything (an implicit
cast, a column's type), so while one exists no EXPLAIN ANALYZE in this database runs."""


_POSTGRESQL_VIEW_FUNCTIONS = """
WITH RECURSIVE reached AS (
    SELECT to_regclass(name) AS oid FROM unnest(CAST(:names AS text[])) AS name
    UNION
    SELECT d.refobjid FROM reached JOIN pg_catalog.pg_rewrite r ON r.ev_class = reached.oid
    JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_rewrite'::regclass AND d.objid = r.oid
     AND d.refclassid = 'pg_catalog.pg_class'::regclass
)
SELECT DISTINCT 'the ' || CASE WHEN c.relkind IN ('v', 'm') THEN 'view ' ELSE 'rules of ' END || c.oid::regclass::text, p.proname
FROM reached JOIN pg_catalog.pg_class c ON c.oid = reached.oid
JOIN pg_catalog.pg_rewrite r ON r.ev_class = c.oid
JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_rewrite'::regclass AND d.objid = r.oid
LEFT JOIN pg_catalog.pg_operator o ON d.refclassid = 'pg_catalog.pg_operator'::regclass AND o.oid = d.refobjid
JOIN pg_catalog.pg_proc p ON p.oid = CASE WHEN d.refclassid = 'pg_catalog.pg_proc'::regclass THEN d.refobjid ELSE o.oprcode::oid END
JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
WHERE p.provolatile = 'v' AND n.nspname NOT IN ('pg_catalog', 'information_schema')
ORDER BY 1, 2
"""
"""Each view and rule the named relations reach, views within views included, and the volatile functions
(or operators' functions) defined in the database that it calls: PostgreSQL records them in pg_depend."""


async def _postgresql_view_functions(conn: AsyncConnection, statement: Statement) -> list[tuple[str, str]]:
    if not statement.tables:
        return []
    rows = await conn.execute(text(_POSTGRESQL_VIEW_FUNCTIONS), {"names": _postgresql_names(statement.tables)})
    return [(view, function) for view, function in rows]


_MARIADB_VIEWS = (
    "SELECT table_schema, table_name, view_definition FROM information_schema.views "
    "WHERE table_schema IN :schemas AND table_name IN :names"
)
_MAX_VIEWS = 100
"""Views read through before refusing: a chain longer than this is not worth reading for an EXPLAIN."""


async def _mariadb_view_functions(conn: AsyncConnection, statement: Statement) -> list[tuple[str, str]]:
    """MariaDB records no dependencies: read each view's definition as the guard reads a statement, views within views too."""
    default = (await conn.scalar(text("SELECT DATABASE()"))) or ""
    pending = {((schema or default).lower(), name.lower()) for schema, name in statement.tables}
    seen: set[tuple[str, str]] = set()
    calls: list[tuple[str, str]] = []
    query = text(_MARIADB_VIEWS).bindparams(bindparam("schemas", expanding=True), bindparam("names", expanding=True))
    while pending:
        seen |= pending
        if len(seen) > _MAX_VIEWS:
            raise _refusal(f"reads more than {_MAX_VIEWS} views and tables through its views, which sqla-tui does not all check")
        bound = {"schemas": sorted({schema for schema, _ in pending}), "names": sorted({name for _, name in pending})}
        found = [row for row in await conn.execute(query, bound) if (row[0].lower(), row[1].lower()) in pending]
        pending = set()
        for schema, name, definition in found:
            view = f"the view {name if schema == default else f'{schema}.{name}'}"
            try:
                read_view = read(definition or "", statement.dialect, parse=True)
            except UserError:
                raise _refusal(f"reads {view}, whose definition sqla-tui cannot read to see what it calls") from None
            calls += [(view, function) for function in read_view.functions]
            pending |= {((inner or schema).lower(), table.lower()) for inner, table in read_view.tables} - seen
    user = set(await _user_functions(conn, statement.dialect, [function for _, function in calls]))
    return [(view, function) for view, function in calls if function in user]


_VIEW_FUNCTIONS = {"postgresql": _postgresql_view_functions, "mariadb": _mariadb_view_functions, "mysql": _mariadb_view_functions}


_MARIADB_TABLES = (
    "SELECT t.table_schema, t.table_name, t.table_type, t.engine, e.transactions FROM information_schema.tables t "
    "LEFT JOIN information_schema.engines e ON e.engine = t.engine "
    "WHERE t.table_schema IN :schemas AND t.table_name IN :names"
)
_MARIADB_TRIGGERS = (
    "SELECT event_object_schema, event_object_table, trigger_name FROM information_schema.triggers "
    "WHERE event_object_schema IN :schemas AND event_object_table IN :names"
)


async def _refuse_what_mariadb_cannot_roll_back(conn: AsyncConnection, statement: Statement) -> None:
    """A write involving a MyISAM/Aria/MEMORY table, a view (over who knows what) or a trigger: refuse.

    Every table the statement names counts, in whichever database it names.
    """
    default = await conn.scalar(text("SELECT DATABASE()"))
    pairs = {((schema or default or "").lower(), name.lower()) for schema, name in statement.tables}
    if not pairs:
        return
    bound = {"schemas": sorted({schema for schema, _ in pairs}), "names": sorted({name for _, name in pairs})}

    def named(schema: str, name: str) -> str:
        return name if schema == default else f"{schema}.{name}"

    def involved(rows: Any) -> list[Any]:
        return [row for row in rows if (row[0].lower(), row[1].lower()) in pairs]

    tables = text(_MARIADB_TABLES).bindparams(bindparam("schemas", expanding=True), bindparam("names", expanding=True))
    for schema, name, kind, engine, transactions in involved(await conn.execute(tables, bound)):
        if kind == "VIEW":
            raise _refusal(f"of this write involves the view {named(schema, name)}, whose tables sqla-tui does not check")
        if transactions != "YES":
            raise _refusal(f"of this write involves {named(schema, name)} ({engine}), a storage engine without transactions")
    triggers = text(_MARIADB_TRIGGERS).bindparams(bindparam("schemas", expanding=True), bindparam("names", expanding=True))
    fired = involved(await conn.execute(triggers, bound))
    if fired:
        names = ", ".join(f"{trigger} on {named(schema, name)}" for schema, name, trigger in fired)
        raise _refusal(f"of this write would fire trigger {names}, which may write where a rollback does not reach")


_POSTGRESQL_RELATIONS = """
WITH RECURSIVE named AS (
    SELECT DISTINCT to_regclass(name) AS oid FROM unnest(CAST(:names AS text[])) AS name
), tree AS (
    SELECT oid FROM named WHERE oid IS NOT NULL
    UNION
    SELECT i.inhrelid FROM pg_catalog.pg_inherits i JOIN tree ON i.inhparent = tree.oid
)
SELECT c.oid::regclass::text, c.relkind::text,
       (SELECT string_agg(t.tgname, ', ' ORDER BY t.tgname) FROM pg_catalog.pg_trigger t
        WHERE t.tgrelid = c.oid AND NOT t.tgisinternal)
FROM tree JOIN pg_catalog.pg_class c ON c.oid = tree.oid
ORDER BY 1
"""
"""Each named relation and every partition or child under it: its kind and its own triggers."""


def _postgresql_names(tables: tuple[tuple[str | None, str], ...]) -> list[str]:
    """Quoted names to resolve, each as written and folded to lower case: the parser keeps no quoting."""

    def quoted(part: str) -> str:
        return '"' + part.replace('"', '""') + '"'

    names = set()
    for schema, name in tables:
        for fold in (str, str.lower):
            names.add(".".join(quoted(fold(part)) for part in (schema, name) if part is not None))
    return sorted(names)


async def _refuse_what_postgresql_may_not_roll_back(conn: AsyncConnection, statement: Statement) -> None:
    """A write involving a foreign table, a view or a trigger: refuse, as on MariaDB.

    A foreign data wrapper writes wherever its server is, and only some of
    them undo that when this transaction rolls back; a view's rules and a
    trigger's function are code sqla-tui does not read (a trigger may call
    dblink). Partitions and inheritance children count: a write to the parent
    reaches them.
    """
    if not statement.tables:
        return
    rows = await conn.execute(text(_POSTGRESQL_RELATIONS), {"names": _postgresql_names(statement.tables)})
    for name, kind, triggers in rows:
        if kind == "f":
            raise _refusal(f"of this write involves the foreign table {name}, whose server this rollback may not reach")
        if kind in ("v", "m"):
            raise _refusal(f"of this write involves the view {name}, whose rules and triggers sqla-tui does not check")
        if triggers:
            raise _refusal(f"of this write would fire trigger {triggers} on {name}, which may act where a rollback does not reach")
