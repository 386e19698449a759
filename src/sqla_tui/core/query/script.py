"""A composed query (or a fan-out) as one Python file that runs on its own and shows what the ORM did.

A teacher hands out the file; a student runs ``python script.py`` and sees
the statements and row counts the app showed, because the file holds the
same pieces the app ran: the models (written from the mapping in use, or an
import of ``--models``), an engine from ``DATABASE_URL``, an ``AsyncSession``,
the statement ``statement_source`` prints, ``.unique()`` where a joined
collection repeats root rows, the loop that touches the marked paths (where
the N+1 happens) and a statement log hung on the connection's events. The
file never holds a password: the default URL reads it from ``DATABASE_PASSWORD``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.engine import URL, Dialect
from sqlalchemy.orm import Mapper

from sqla_tui.core.catalog.naming import python_name
from sqla_tui.core.connect.masking import is_secret_key
from sqla_tui.core.errors import UserError
from sqla_tui.core.query.fanout import plan_loads
from sqla_tui.core.query.loader_tree import LoaderTree
from sqla_tui.core.query.root import Root, mapped_class
from sqla_tui.core.query.script_models import imported_models, reach, written_models
from sqla_tui.core.query.spec import QuerySpec, filter_text
from sqla_tui.core.query.statement import statement_source

PASSWORD_VARIABLE = "DATABASE_PASSWORD"
_DRIVER_PACKAGES = {"asyncpg": "asyncpg", "aiomysql": "aiomysql", "aiosqlite": "aiosqlite"}
_STDLIB = {
    "__future__",
    "asyncio",
    "collections",
    "datetime",
    "decimal",
    "os",
    "re",
    "ssl",
    "sys",
    "time",
    "typing",
    "urllib",
    "uuid",
}
_RAISING = ("raise", "raise_on_sql")


@dataclass(frozen=True)
class Run:
    """One statement the script runs: its name in the file, its spec, and the paths touched after it."""

    name: str
    spec: QuerySpec
    touch: list[str]


_NO_SCRIPT = "so no script to write: a script loads classes in a session; --python prints the query instead"


def query_script(
    spec: QuerySpec,
    root: Root,
    url: URL,
    *,
    touch: list[str] | tuple[str, ...] = (),
    models: str | None = None,
    dialect: Dialect | None = None,
) -> str:
    """The script of one query: run it, touch ``touch``, print every statement and the summary line.

    ``dialect``, the connected database's, writes the statement as it compiles there (``statement_source``)."""
    entity = mapped_class(root, _NO_SCRIPT)
    run = Run("query", spec, list(touch))
    described = _described(spec, run.touch)
    unique = (
        "        # unique=True: a joinedload on a collection repeats each root row once per child row\n"
        if needs_unique(spec, entity)
        else ""
    )
    main = (
        "async def main() -> None:\n"
        "    engine = database_engine()\n"
        "    try:\n"
        f"{unique}"
        f"        await run(engine, stmt, {_run_arguments(run, entity, 'touch')}, limit={spec.limit!r}, offset={spec.offset!r})\n"
        "    finally:\n"
        "        await engine.dispose()\n"
    )
    return _script(entity, [run], url, models, dialect, f"{spec.root}: {described}", main)


def fanout_script(
    spec: QuerySpec,
    root: Root,
    url: URL,
    paths: list[str],
    plans: list[str] | tuple[str, ...],
    *,
    models: str | None = None,
    dialect: Dialect | None = None,
) -> str:
    """The script of a fan-out: the query under each plan, each plan's statements, then one line per plan."""
    entity = mapped_class(root, _NO_SCRIPT)
    if not paths:
        raise UserError("name at least one relationship path to compare, e.g. --path posts")
    runs = []
    for plan in plans:
        loads, touch = plan_loads(plan, entity, paths)
        runs.append(Run(python_name(plan.replace("+", "_")), replace(spec, loads=[*spec.loads, *loads]), touch))
    entries = "".join(
        f"    ({plan!r}, stmt_{run.name}, dict({_run_arguments(run, entity, f'touch_{run.name}')})),\n"
        for plan, run in zip(plans, runs)
    )
    main = (
        f"PLANS = [\n{entries}]\n"
        '"""Each plan: its name, its statement, and how run() runs it."""\n\n\n'
        "async def main() -> None:\n"
        "    engine = database_engine()\n"
        "    figures = []\n"
        "    try:\n"
        "        for name, plan_stmt, arguments in PLANS:\n"
        '            print(f"== {name}")\n'
        "            figures.append((name, *await run(engine, plan_stmt, **arguments)))\n"
        "            print()\n"
        "    finally:\n"
        "        await engine.dispose()\n"
        "    print(f\"{'strategy':<16}{'statements':>12}{'rows':>12}{'entities':>12}{'root rows':>12}\")\n"
        "    for name, statements, rows, entities, roots in figures:\n"
        '        print(f"{name:<16}{statements:>12,}{rows:>12,}{entities:>12,}{roots:>12,}")\n'
    )
    described = f"{spec.root}: {', '.join(paths)} under {', '.join(plans)}"
    return _script(entity, runs, url, models, dialect, described, main)


def _run_arguments(run: Run, entity: type, touch: str) -> str:
    """The keyword arguments ``run()`` gets for one statement."""
    loaders = {load.path: load.strategy for load in run.spec.loads}
    return f"unique={needs_unique(run.spec, entity)}, loaders={loaders!r}, touch={touch if run.touch else None}"


def needs_unique(spec: QuerySpec, entity: type) -> bool:
    """Whether the main query joins a collection (a joinedload or a ``lazy="joined"`` one), repeating root rows."""
    tree = LoaderTree.from_spec(spec, entity)

    def joins_collection(owner: type, nodes: dict[str, Any], depth: int) -> bool:
        if depth > 4:
            return False
        mapper: Mapper[Any] = inspect(owner)
        for key, prop in mapper.relationships.items():
            node = nodes.get(key)
            strategy = (
                node.strategy if node is not None and node.strategy else ("joined" if prop.lazy == "joined" else None)
            )
            if strategy not in ("joined", "joined_inner"):
                continue
            if prop.uselist or joins_collection(
                prop.mapper.class_, node.children if node is not None else {}, depth + 1
            ):
                return True
        return False

    return joins_collection(entity, tree.children, 0)


def _described(spec: QuerySpec, touch: list[str]) -> str:
    parts = [f"where {filter_text(spec_filter)}" for spec_filter in spec.filters]
    parts += [f"load {load.path}={load.strategy}" for load in spec.loads]
    parts += [f"touch {path}" for path in touch]
    return ", ".join(parts) or "no loader options"


# -- assembling the file --------------------------------------------------------
def _script(
    entity: type, runs: list[Run], url: URL, models: str | None, dialect: Dialect | None, described: str, main: str
) -> str:
    paths = [load.path for run in runs for load in run.spec.loads]
    paths += [option.path for run in runs for option in run.spec.column_options if option.path]
    paths += [path for run in runs for path in run.touch]
    found = reach(entity, paths)
    model = imported_models(models, found.classes) if models else written_models(found)
    statements = [statement_source(run.spec, entity, dialect) for run in runs]
    taken = {*model.names, "type", "list", "Any", "parent", "child", "session", "roots", "log"}
    touches = [
        _touch_source(f"touch_{run.name}" if len(runs) > 1 else "touch", run, entity, taken)
        for run in runs
        if run.touch
    ]
    names = ["stmt"] if len(runs) == 1 else [f"stmt_{run.name}" for run in runs]
    imports = _imports([*_RUNTIME_IMPORTS, *model.imports, *(line for source in statements for line in source.imports)])
    sections = [
        _header(described, url) + "\n\n" + imports,
        _url_source(url),
        "# -- the models " + "-" * 64 + "\n" + model.body,
        "# -- the statement"
        + ("s" if len(runs) > 1 else "")
        + " "
        + "-" * 61
        + "\n"
        + "\n".join(f"{name} = {source.expression}\n" for name, source in zip(names, statements)),
        *touches,
        _RUNTIME,
        main,
        'if __name__ == "__main__":\n    asyncio.run(main())\n',
    ]
    return "\n\n".join(section.rstrip("\n") + "\n" for section in sections)


def _header(described: str, url: URL) -> str:
    driver = _DRIVER_PACKAGES.get(url.get_driver_name(), url.get_driver_name())
    return (
        f'"""{described}: a script written by sqla-tui that runs on its own.\n\n'
        "Run it with `python <this file>`. It connects to DATABASE_URL when set (postgresql://, mysql://,\n"
        "sqlite:///file: a sync spelling gets its async driver), else to the database it was written on,\n"
        f'whose password, if it has one, comes from {PASSWORD_VARIABLE}. Needs: pip install "sqlalchemy[asyncio]" {driver}\n\n'
        "It prints every statement the ORM sends, with the rows the driver returned, then the same summary\n"
        "line sqla-tui prints.\n"
        '"""\n\nfrom __future__ import annotations'
    )


def _imports(lines: list[str]) -> str:
    """Merge import lines: ``from X import a`` lines of one module become one, the standard library first."""
    plain: set[str] = set()
    froms: dict[str, set[str]] = {}
    for line in lines:
        if line.startswith("import "):
            plain.add(line.removeprefix("import ").strip())
        else:
            module, _, names = line.removeprefix("from ").partition(" import ")
            froms.setdefault(module.strip(), set()).update(name.strip() for name in names.split(","))
    groups: list[list[str]] = [[], []]
    for module in sorted(plain):
        groups[0 if module.split(".")[0] in _STDLIB else 1].append(f"import {module}")
    for module in sorted(froms):
        groups[0 if module.split(".")[0] in _STDLIB else 1].append(
            f"from {module} import {', '.join(sorted(froms[module]))}"
        )
    return "\n\n".join("\n".join(group) for group in groups if group)


def _url_source(url: URL) -> str:
    """The URL the app used, as ``URL.create(...)``: its password read from the environment, secret options left out."""
    arguments = [repr(url.drivername)]
    for key in ("username", "host", "port", "database"):
        value = getattr(url, key)
        if value is not None:
            arguments.append(f"{key}={value!r}")
    if url.password is not None:
        arguments.insert(2 if url.username is not None else 1, f"password=os.environ.get({PASSWORD_VARIABLE!r})")
    query = {key: value for key, value in url.query.items() if not is_secret_key(key)}
    left_out = sorted(key for key in url.query if is_secret_key(key))
    if query:
        arguments.append(f"query={query!r}")
    note = f"\n# Left out as credentials: {', '.join(left_out)}; put them in DATABASE_URL." if left_out else ""
    inner = "".join(f"    {argument},\n" for argument in arguments)
    return (
        f"GENERATED_ON = URL.create(\n{inner})\n"
        '"""The database this script was written on; no password is ever written in this file."""' + note
    )


def _touch_source(name: str, run: Run, entity: type, taken: set[str]) -> str:
    """The loop application code would run over the loaded objects, one level of each path at a time.

    Each level is a list built from the one before, as sqla-tui's own touching
    walks them, so the lazy loads run in the same order and the log folds the same way.
    """
    tree = LoaderTree.from_spec(run.spec, entity)
    lines = [
        f"def {name}(session: Session, roots: list[Any], log: StatementLog) -> None:",
        f'    """Touch {", ".join(run.touch)} as application code would: the first access to an attribute',
        '    that is not loaded yet runs a lazy load, once per object: the N+1."""',
    ]
    levels = {"": "roots"}
    used = set(taken)
    for path in run.touch:
        parts = path.split(".")
        for depth in range(1, len(parts) + 1):
            prefix = ".".join(parts[:depth])
            if prefix in levels:
                continue
            node = tree.node(prefix)
            owner: Mapper[Any] = inspect(node.owner)
            prop = owner.relationships[node.key]
            variable = python_name(node.key)
            while variable in used:
                variable += "_"
            used.add(variable)
            before, levels[prefix] = levels[".".join(parts[: depth - 1])], variable
            access = f"parent.{node.key}" if node.key.isidentifier() else f"getattr(parent, {node.key!r})"
            if (node.strategy or str(prop.lazy)) in _RAISING:
                add = (
                    f"{variable}.extend({access})"
                    if prop.uselist
                    else f"{variable}.append(child) if (child := {access}) is not None else None"
                )
                lines += [
                    f"    {variable} = []",
                    f"    for parent in {before}:",
                    "        try:",
                    f"            {add}",
                    "        except InvalidRequestError as error:  # raiseload: the access is refused, no SQL is sent",
                    f'            log.refuse(f"{{type(parent).__name__}}.{node.key}", error)',
                ]
            elif prop.uselist:
                lines.append(f"    {variable} = [child for parent in {before} for child in {access}]")
            else:
                lines.append(f"    {variable} = [child for parent in {before} if (child := {access}) is not None]")
    return "\n".join(lines) + "\n"


def save_script(text: str, folder: Path, root: str) -> Path:
    """Write ``text`` to a new file in ``folder`` named after ``root`` (never over an existing file); its path."""
    stem = re.sub(r"[^A-Za-z0-9_]+", "_", root).strip("_") or "query"
    number = 1
    while True:
        path = folder / (f"sqla_tui_{stem}.py" if number == 1 else f"sqla_tui_{stem}_{number}.py")
        try:
            with path.open("x", encoding="utf-8") as file:
                file.write(text)
            return path.resolve()
        except FileExistsError:
            number += 1
        except OSError as error:
            raise UserError(
                f"cannot write the script to {path}: {error.strerror or error}; start sqla-tui in a folder you can write to"
            ) from None


_RUNTIME_IMPORTS = [
    "import asyncio",
    "import os",
    "import re",
    "import ssl",
    "import time",
    "from collections import Counter",
    "from typing import Any, NamedTuple",
    "from urllib.parse import urlencode",
    "from sqlalchemy import event, func, select",
    "from sqlalchemy.engine import URL, make_url",
    "from sqlalchemy.exc import InvalidRequestError",
    "from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, create_async_engine",
    "from sqlalchemy.orm import ORMExecuteState, Session",
]

_RUNTIME = '''# -- running it and showing what the ORM sent ---------------------------------------
ASYNC_DRIVERS = {"postgresql": "asyncpg", "mysql": "aiomysql", "mariadb": "aiomysql", "sqlite": "aiosqlite"}
LOADER_NAMES = {"joined": "joinedload", "joined_inner": "joinedload(innerjoin)", "selectin": "selectinload",
                "subquery": "subqueryload", "immediate": "immediateload"}
MYSQL_TLS = ("ssl_ca", "ssl_capath", "ssl_cert", "ssl_key", "ssl_cipher", "ssl_check_hostname", "ssl_mode", "ssl-mode", "sslmode")
SSL_MODES = {"disabled": "disabled", "disable": "disabled", "preferred": "preferred", "prefer": "preferred", "required": "required",
             "require": "required", "verify_ca": "verify_ca", "verify-ca": "verify_ca", "verify_identity": "verify_identity",
             "verify-full": "verify_identity"}
LIBPQ_ONLY = ("application_name", "connect_timeout", "options", "sslmode", "sslrootcert", "sslcert", "sslkey", "sslcrl")
IN_LIST = re.compile(r"\\(\\s*(?:\\?|\\$\\d+|%s|%\\(\\w+\\)s|:\\w+)(?:\\s*,\\s*(?:\\?|\\$\\d+|%s|%\\(\\w+\\)s|:\\w+))+\\s*\\)")


def database_url() -> URL:
    """DATABASE_URL when set, else the database this script was written on; a sync spelling gets its async driver."""
    raw = os.environ.get("DATABASE_URL")
    url = make_url(raw) if raw else GENERATED_ON
    backend, _, driver = url.drivername.partition("+")
    backend = "postgresql" if backend == "postgres" else backend
    if driver not in ("asyncpg", "psycopg", "aiomysql", "asyncmy", "aiosqlite"):
        driver = ASYNC_DRIVERS.get(backend, driver)
    return url.set(drivername=f"{backend}+{driver}")


def database_engine() -> AsyncEngine:
    """An engine on database_url(), the URL's options that its driver has no keyword for given as it takes them.

    asyncpg reads a dsn's query as libpq does: sslmode and the TLS files, and options and application_name as
    the session's settings (options=-c search_path=... picks the schema); connect_timeout becomes its timeout.
    aiomysql takes TLS as one ssl.SSLContext (mysql_tls), not the ssl_* options one by one.
    """
    url = database_url()
    if url.get_driver_name() == "aiomysql":
        context, required = mysql_tls({key: str(value) for key, value in url.query.items() if key in MYSQL_TLS})
        engine = create_async_engine(url.difference_update_query(MYSQL_TLS), connect_args={"ssl": context} if context else {})
        if required:
            event.listen(engine.sync_engine, "connect", refuse_plain_text)
        return engine
    libpq = {key: url.query[key] for key in LIBPQ_ONLY if key in url.query} if url.get_driver_name() == "asyncpg" else {}
    connect_args: dict[str, Any] = {"timeout": float(str(libpq.pop("connect_timeout")))} if "connect_timeout" in libpq else {}
    if libpq:
        connect_args["dsn"] = "postgresql://?" + urlencode(libpq, doseq=True)
    return create_async_engine(url.difference_update_query(LIBPQ_ONLY), connect_args=connect_args)


def mysql_tls(given: dict[str, str]) -> tuple[ssl.SSLContext | None, bool]:
    """The TLS a MySQL URL's ssl_* options and ssl_mode ask for, as sqla-tui reads them: a context, and whether it is required.

    ssl_mode (also ssl-mode, sslmode; MySQL's words or libpq's): DISABLED none, PREFERRED TLS when offered,
    REQUIRED TLS unverified, VERIFY_CA the certificate (ssl_ca, else the system's CAs), VERIFY_IDENTITY its host
    name too. ssl_ca verifies the certificate and host name under any mode but VERIFY_CA, as PyMySQL does.
    """
    mode = SSL_MODES.get(next((given.pop(key) for key in ("ssl_mode", "ssl-mode", "sslmode") if key in given), "").lower(), "")
    if mode == "disabled" or not (given or mode):
        return None, False
    context = ssl.create_default_context(cafile=given.get("ssl_ca"), capath=given.get("ssl_capath"))
    context.verify_flags &= ~ssl.VERIFY_X509_STRICT  # as PyMySQL: MySQL's own generated certificates fail it
    verified = "ssl_ca" in given or "ssl_capath" in given or mode.startswith("verify")
    checked = given.get("ssl_check_hostname", "true").lower() in ("1", "true", "yes", "on")
    context.check_hostname = verified and mode != "verify_ca" and checked
    context.verify_mode = ssl.CERT_REQUIRED if verified else ssl.CERT_NONE
    if "ssl_cert" in given:
        context.load_cert_chain(given["ssl_cert"], keyfile=given.get("ssl_key"))
    if "ssl_cipher" in given:
        context.set_ciphers(given["ssl_cipher"])
    return context, mode != "preferred"


def refuse_plain_text(dbapi_connection: Any, record: Any) -> None:
    """aiomysql goes on in plain text with a server that offers no TLS: refuse it, as the URL asks."""
    cursor = dbapi_connection.cursor()
    cursor.execute("SHOW SESSION STATUS LIKE 'Ssl_cipher'")
    row = cursor.fetchone()
    cursor.close()
    if not row or not row[1]:
        raise SystemExit("the MySQL server does not offer TLS, but the URL asks for it (ssl_mode, ssl_ca, ssl_cert...)")


def counted(number: int, one: str, many: str) -> str:
    return f"{number:,} {one if number == 1 else many}"


def shape(sql: str) -> str:
    """The SQL with IN lists folded, so statements that differ only in their parameters match."""
    return IN_LIST.sub("(…)", sql)


class Sent(NamedTuple):
    """One statement as the driver ran it, and why the ORM sent it."""

    kind: str  # "main", "eager", "lazy" or "other"
    attribute: str
    origin: str
    sql: str
    rows: int
    ms: float


class StatementLog:
    """Every statement one connection sends, through event listeners: the SQL, why it ran, the rows returned."""

    def __init__(self, session: AsyncSession, connection: AsyncConnection, loaders: dict[str, str]) -> None:
        self.loaders = loaders
        self.sent: list[Sent] = []
        self.refused: dict[str, list[str]] = {}
        self.touching = False
        self.started = 0.0
        event.listen(session.sync_session, "do_orm_execute", self.do_orm_execute)
        event.listen(connection.sync_connection, "before_cursor_execute", self.before_cursor_execute)
        event.listen(connection.sync_connection, "after_cursor_execute", self.after_cursor_execute)

    def do_orm_execute(self, state: ORMExecuteState) -> None:
        """Tag each ORM execution with why it runs: the main query, an eager loader, or a lazy load."""
        path = state.loader_strategy_path
        if not state.is_relationship_load or path is None:
            origin = ("main", "", "main query") if state.is_select else ("other", "", "other")
        else:
            relationships = path.path[1::2]
            attribute = str(relationships[-1])
            if state.lazy_loaded_from is not None:
                origin = ("lazy", attribute, f"lazy load {attribute} (touched)" if self.touching else f"immediateload {attribute}")
            else:
                keys = ".".join(prop.key for prop in relationships)
                chosen = [name for chosen_path, name in self.loaders.items() if chosen_path == keys]
                chosen = chosen or [name for chosen_path, name in self.loaders.items() if chosen_path.endswith(f".{keys}")]
                strategy = chosen[-1] if chosen else str(relationships[-1].lazy)
                origin = ("eager", attribute, f"{LOADER_NAMES.get(strategy, strategy)} {attribute}")
        state.update_execution_options(script_origin=origin)

    def before_cursor_execute(self, conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
        self.started = time.perf_counter()

    def after_cursor_execute(self, conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
        """Count the rows the driver handed over, before the ORM folds any into objects.

        SQLAlchemy's async adapters fetch a whole result before this event; no public API tells how many
        rows that was, so this reads the adapter's buffer (``_rows``), as sqla-tui itself does.
        """
        kind, attribute, origin = context.execution_options.get("script_origin", ("other", "", "other"))
        rows = len(getattr(cursor, "_rows", None) or ())
        if conn.dialect.paramstyle in ("format", "pyformat"):
            statement = statement.replace("%%", "%")  # as the server reads it: such a driver halves every %%
        self.sent.append(Sent(kind, attribute, origin, statement, rows, (time.perf_counter() - self.started) * 1000))

    def refuse(self, attribute: str, error: Exception) -> None:
        self.refused.setdefault(attribute, []).append(str(error).splitlines()[0])

    def report(self, roots: int, entities: int, matched: int | None = None) -> tuple[int, int, int, int]:
        """Print the statements as sqla-tui does (a run of one shape and origin folded into one entry), then the summary."""
        sent, start = self.sent, 0
        while start < len(sent):
            end = start + 1
            while end < len(sent) and sent[end].origin == sent[start].origin and shape(sent[end].sql) == shape(sent[start].sql):
                end += 1
            label = f"#{start + 1}" if end - start == 1 else f"#{start + 1}-{end} (x{end - start})"
            rows, ms = sum(s.rows for s in sent[start:end]), sum(s.ms for s in sent[start:end])
            print(f"{label}  {sent[start].origin}  rows={rows}  {ms:.2f} ms")
            print("    " + sent[start].sql.strip().replace("\\n", "\\n    "))
            start = end
        lazy = Counter((shape(s.sql), s.attribute) for s in sent if s.kind == "lazy")
        for (sql, attribute), count in lazy.items():
            if count > 1:
                print(f"N+1: {' '.join(sql.split())} ran {counted(count, 'time', 'times')}, from {attribute}")
        for attribute, messages in self.refused.items():
            print(f"raise: {attribute} refused {counted(len(messages), 'access', 'accesses')}: {messages[0]}")
        rows = sum(s.rows for s in sent)
        root_rows = counted(roots, "root row", "root rows")
        if matched is not None and matched != roots:
            root_rows = f"{roots:,} of {counted(matched, 'root row', 'root rows')}"
        print(
            f"{counted(len(sent), 'statement', 'statements')}, {counted(rows, 'row', 'rows')} received, "
            f"{counted(entities, 'entity', 'entities')} ({root_rows})"
        )
        return len(sent), rows, entities, roots


async def count_roots(engine: AsyncEngine, stmt: Any) -> int:
    """How many root rows the filters match without the limit (the 275 of "100 of 275"), on a session of its own."""
    whole = stmt.limit(None).offset(None).order_by(None)
    async with AsyncSession(engine) as counting:
        return int(await counting.scalar(select(func.count()).select_from(whole.subquery())) or 0)


async def run(
    engine: AsyncEngine, stmt: Any, *, unique: bool, loaders: dict[str, str], touch: Any = None, limit: int | None = None, offset: int = 0
) -> tuple[int, int, int, int]:
    """Run ``stmt`` in a fresh session, touch the marked paths, print every statement; the summary's figures."""
    async with AsyncSession(engine, expire_on_commit=False) as session:
        log = StatementLog(session, await session.connection(), loaders)
        result = await session.execute(stmt)
        # A joinedload on a collection repeats each root row once per child row: unique() folds the
        # repeats into one object each (SQLAlchemy refuses .scalars().all() on such a result without it).
        roots = result.unique().scalars().all() if unique else result.scalars().all()
        log.touching = True
        if touch is not None:
            # A lazy load cannot run from async code (it raises MissingGreenlet); run_sync runs the
            # touching loop where it can, as a synchronous application would run it.
            await session.run_sync(touch, list(roots), log)
        # when the limit or offset may have left root rows out, say how many the filters match, as sqla-tui does
        cut = bool(offset) or (limit is not None and len(roots) >= limit)
        return log.report(len(roots), len(session.identity_map), await count_roots(engine, stmt) if cut else None)
'''
