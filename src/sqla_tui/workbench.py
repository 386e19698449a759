"""Workbench: one connection target and everything that runs on it.

Both front-ends go through a workbench: the CLI builds one per command, the
TUI one per app. It owns the engine's lifetime (resolve the target, connect,
dispose) and the one decision of where database work runs: the caller's
loop, or (``isolated=True``, the TUI) a loop thread of its own for work that
is timed or that loads the pool, so neither the UI's drawing ends up in a
measurement nor 200 load tasks in the UI's key handling. Every use case
returns core's plain dataclasses, so the same spec gives the same numbers
from a command and from a screen.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any, TypeVar

from sqla_tui.core.connect.target import Target

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine

    from sqla_tui.core.catalog.export import ExportOptions, ModelsSource
    from sqla_tui.core.catalog.mapping import OrmMap
    from sqla_tui.core.catalog.report import SchemaReport
    from sqla_tui.core.catalog.schema import Catalog, TableName
    from sqla_tui.core.connect.engine import ServerInfo
    from sqla_tui.core.lessons.engine import Classroom, LessonResult, StepResult
    from sqla_tui.core.loop_thread import LoopThread
    from sqla_tui.core.plans.explain import ExplainResult
    from sqla_tui.core.pool.lab import PoolLab, PoolRunReport
    from sqla_tui.core.pool.load import LoadSpec
    from sqla_tui.core.query.composer import Composer
    from sqla_tui.core.query.fanout import FanoutReport
    from sqla_tui.core.query.root import Root
    from sqla_tui.core.query.run import RunResult
    from sqla_tui.core.query.spec import QuerySpec

T = TypeVar("T")

Progress = Callable[[str, int], None]
"""The demo build's ``progress(table, rows)``, called from the thread that builds it."""


class Workbench:
    """The engine of one target, the catalog its screens share, and the use cases over it.

    ``open()`` before use, ``close()`` after (or ``async with``). ``models``
    (``package.module:Base``) replaces our reflected mapping with the
    application's own; ``read_only=False`` is only ever asked for by
    ``explain --allow-write``.
    """

    def __init__(
        self, target: Target, *, models: str | None = None, read_only: bool = True, isolated: bool = False
    ) -> None:
        self.target = target
        self.models = models
        self.read_only = read_only
        self.isolated = isolated
        self.url: str | None = None
        """The URL connected to (the demo's file once built). Never shown: ``info.url`` is the masked form."""
        self._engine: AsyncEngine | None = None
        self._info: ServerInfo | None = None
        self._catalogs: dict[str | None, asyncio.Task[Catalog]] = {}
        self._user_map: OrmMap | None = None
        self._thread: LoopThread | None = None
        self._thread_engine: AsyncEngine | None = None
        self._labs: list[PoolLab] = []
        self._classroom: Classroom | None = None

    # -- lifetime -------------------------------------------------------------
    async def open(self, progress: Progress | None = None) -> ServerInfo:
        """Resolve the target (building the demo if asked), connect and probe; one-line errors."""
        await asyncio.to_thread(self.resolve, progress)
        return await self.connect()

    def resolve(self, progress: Progress | None = None) -> str:
        """Import SQLAlchemy and build the demo if needed: CPU work, so call it in a thread (``open`` does).

        Runs its own event loop for the demo build, so it must not be called
        from a running loop before the URL is known.
        """
        if self.url is None:
            from sqla_tui.core.connect.engine import resolve_url

            self.url = asyncio.run(resolve_url(self.target.url, progress=progress))
        return self.url

    async def connect(self) -> ServerInfo:
        """Connect to the resolved URL and probe it; the engine lives until ``close``."""
        from sqla_tui.core.connect.engine import connect

        if self._info is None:
            url = self.url if self.url is not None else await asyncio.to_thread(self.resolve)
            self._engine, self._info = await connect(url, self.target.pool, read_only=self.read_only)
            if self.models:
                self._user_map = _load_models(self.models)
        return self._info

    async def close(self) -> None:
        """Stop catalog loads and pool labs, close every connection, end the loop thread."""
        pending = [task for task in self._catalogs.values() if not task.done()]
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        for lab in self._labs:
            await self._elsewhere(lab.close)
        self._labs.clear()
        if self._classroom is not None:
            await self._elsewhere(self._classroom.close)
        if self._thread_engine is not None:
            await self._elsewhere(self._thread_engine.dispose)
        if self._thread is not None:
            await self._thread.close()
        if self._engine is not None:
            await self._engine.dispose()

    async def __aenter__(self) -> Workbench:
        await self.open()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    @property
    def info(self) -> ServerInfo:
        """Masked URL, dialect, server version and pool class, as probed at connect time."""
        if self._info is None:
            raise RuntimeError("the workbench is not connected yet: await open() first")
        return self._info

    @property
    def engine(self) -> AsyncEngine:
        """The shared engine, for core calls made on the caller's loop (catalog, EXPLAIN)."""
        if self._engine is None:
            raise RuntimeError("the workbench is not connected yet: await open() first")
        return self._engine

    # -- where work runs ------------------------------------------------------
    async def _measured(self, work: Callable[[AsyncEngine], Coroutine[Any, Any, T]]) -> T:
        """Run timed or load-heavy work: here, or on the loop thread with an engine of its own."""
        if not self.isolated:
            return await work(self.engine)
        thread, engine = self._loop_thread()
        return await thread.run(work(engine))

    async def _elsewhere(self, call: Callable[[], Coroutine[Any, Any, T]]) -> T:
        """Await ``call()`` on the loop its objects belong to."""
        if self._thread is None:
            return await call()
        return await self._thread.run(call())

    def _loop_thread(self) -> tuple[LoopThread, AsyncEngine]:
        from sqla_tui.core.connect.engine import create_engine
        from sqla_tui.core.loop_thread import LoopThread

        if self._thread is None:
            self._thread = LoopThread("sqla-tui-work")
        if self._thread_engine is None:
            self._thread_engine = create_engine(self.resolve(), self.target.pool, read_only=self.read_only)
        return self._thread, self._thread_engine

    # -- the catalog ----------------------------------------------------------
    async def schemas(self) -> list[str]:
        """The schemas (MySQL/MariaDB: databases) a person can browse."""
        from sqla_tui.core.catalog.schema import list_schemas

        return await list_schemas(self.engine)

    async def names(self, schema: str | None = None) -> list[TableName]:
        """Table and view names of one schema, sorted: one query, for the first paint."""
        from sqla_tui.core.catalog.schema import list_names

        return await list_names(self.engine, schema)

    async def catalog(self, schema: str | None = None) -> Catalog:
        """A schema's catalog (None: the default schema), read once whoever asks first.

        A big schema takes seconds to read, so the schema explorer and the
        composer share one load; a screen closed mid-load does not cancel it
        for the others, and a failed load is retried by the next caller. Beside
        a UI (``isolated``) it is read in smaller steps, each a shorter hold of
        the loop that draws.
        """
        from sqla_tui.core.catalog.schema import CATALOG_CHUNK_BESIDE_A_UI, load_catalog

        task = self._catalogs.get(schema)
        if task is None or (task.done() and (task.cancelled() or task.exception() is not None)):
            chunk = CATALOG_CHUNK_BESIDE_A_UI if self.isolated else None
            task = self._catalogs[schema] = asyncio.ensure_future(load_catalog(self.engine, schema, chunk=chunk))
        return await asyncio.shield(task)

    async def schema(self, schema: str | None = None, *, table: str | None = None) -> SchemaReport:
        """The ``schema`` command's report: the catalog with the relationships each table maps with."""
        from sqla_tui.core.catalog.report import schema_report

        return schema_report(self.info, await self.catalog(schema), self._user_map, table)

    async def export_models(self, options: ExportOptions, schema: str | None = None) -> ModelsSource:
        """Declarative source for a schema's tables, with the relationship names ``schema`` shows.

        The catalog is read afresh rather than shared: the export writes each
        part of it while the server reads the next.
        """
        from sqla_tui.core.catalog.export import export_models

        return await export_models(self.engine, schema, options)

    async def orm_map(self, root: str, *, schema: str | None = None, hops: int | None = None) -> OrmMap:
        """The classes to compose over ``root``: the user's models, or ours for what ``root`` reaches in ``schema``.

        ``schema`` None is the connection's default schema; another one (a
        MySQL/MariaDB database) maps with its name on every table, so the SQL
        names it.
        """
        from sqla_tui.core.catalog.mapping import DEFAULT_HOPS, map_schema
        from sqla_tui.core.errors import UserError

        if self._user_map is not None:
            if schema is not None:
                raise UserError(
                    f"--schema {schema!r} picks tables to map, but --models maps your own classes: "
                    "leave out --schema (your models name their schema in __table_args__)"
                )
            return self._user_map
        catalog = await self.catalog(schema)
        return await map_schema(self.engine, root, hops=hops or DEFAULT_HOPS, catalog=catalog)

    async def entity(self, root: str, schema: str | None = None, *, reach: int = 0) -> Root:
        """What a query over ``root`` (a table name in ``schema``, or a class name with ``--models``) selects from:
        its mapped class, or the ``Table`` of a relation the ORM cannot map (a view, a table without a key).

        The tables ``reach`` relationships away are mapped too, when that is
        further than the usual two hops (``_reach``: a load path three deep)."""
        from sqla_tui.core.catalog.mapping import DEFAULT_HOPS

        return (await self.orm_map(root, schema=schema, hops=max(reach, DEFAULT_HOPS))).root_of(root)

    async def composer(self, root: str, *, schema: str | None = None, hops: int | None = None) -> Composer:
        """A composer over ``root`` of ``schema``: the spec, its class (or Table) and the dialect it previews for."""
        from sqla_tui.core.query.composer import Composer

        entity = (await self.orm_map(root, schema=schema, hops=hops)).root_of(root)
        return Composer(root, entity, self.engine.dialect, runner=self.run, schema=schema)

    # -- queries --------------------------------------------------------------
    async def run(
        self, spec: QuerySpec, entity: Root | None = None, touch: list[str] | tuple[str, ...] = ()
    ) -> RunResult:
        """Run ``spec`` on a connection of its own and report every statement it caused."""
        from sqla_tui.core.query.run import run_spec

        entity = entity if entity is not None else await self.entity(spec.root, spec.schema, reach=_reach(spec, *touch))
        return await self._measured(lambda engine: run_spec(engine, entity, spec, touch=touch))

    async def python(self, spec: QuerySpec) -> str:
        """The SQLAlchemy code equivalent to ``spec``."""
        from sqla_tui.core.query.statement import python_source

        entity = await self.entity(spec.root, spec.schema, reach=_reach(spec))
        return python_source(spec, entity, self.engine.dialect)

    async def script(
        self, spec: QuerySpec, touch: list[str] | tuple[str, ...] = (), *, entity: Root | None = None
    ) -> str:
        """A Python file that runs ``spec`` (touching ``touch``) on its own and prints what the app shows."""
        from sqla_tui.core.query.script import query_script

        entity = entity if entity is not None else await self.entity(spec.root, spec.schema, reach=_reach(spec, *touch))
        return query_script(spec, entity, self.engine.url, touch=touch, models=self.models, dialect=self.engine.dialect)

    async def fanout_script(
        self,
        spec: QuerySpec,
        paths: list[str],
        plans: list[str] | tuple[str, ...] | None = None,
        *,
        entity: Root | None = None,
    ) -> str:
        """A Python file that runs ``spec`` under each loading plan and prints each plan's statements and figures."""
        from sqla_tui.core.query.fanout import DEFAULT_PLANS
        from sqla_tui.core.query.script import fanout_script

        entity = entity if entity is not None else await self.entity(spec.root, spec.schema, reach=_reach(spec, *paths))
        chosen = DEFAULT_PLANS if plans is None else plans
        return fanout_script(
            spec, entity, self.engine.url, paths, chosen, models=self.models, dialect=self.engine.dialect
        )

    async def fanout(
        self,
        spec: QuerySpec,
        paths: list[str],
        plans: list[str] | tuple[str, ...] | None = None,
        *,
        runs: int = 5,
        memory: bool = False,
        entity: Root | None = None,
        progress: Callable[[str, int, int], None] | None = None,
    ) -> FanoutReport:
        """Measure ``spec`` under each loading plan; ``progress`` is called from the loop that measures."""
        from sqla_tui.core.query.fanout import DEFAULT_PLANS, compare

        entity = entity if entity is not None else await self.entity(spec.root, spec.schema, reach=_reach(spec, *paths))
        chosen = DEFAULT_PLANS if plans is None else plans
        return await self._measured(
            lambda engine: compare(engine, entity, spec, paths, chosen, runs, progress=progress, memory=memory)
        )

    # -- plans ----------------------------------------------------------------
    async def explain(
        self, sql: str, params: Any = None, *, analyze: bool = False, allow_write: bool = False
    ) -> ExplainResult:
        """The database's plan for a typed statement (``params`` in the driver's paramstyle)."""
        from sqla_tui.core.plans.explain import explain

        return await explain(self.engine, sql, params, analyze=analyze, allow_write=allow_write)

    def received(self, sql: str, params: Any = None) -> str:
        """``sql`` as this database reads it: what a screen shows for a statement it will explain."""
        from sqla_tui.core.plans.explain import received_text

        return received_text(self.engine.dialect, sql, params)

    async def explain_spec(self, spec: QuerySpec, *, analyze: bool = False) -> ExplainResult:
        """The plan of a composed query's main statement, with the parameters SQLAlchemy binds."""
        from sqla_tui.core.plans.explain import explain_spec

        entity = await self.entity(spec.root, spec.schema, reach=_reach(spec))
        return await explain_spec(self.engine, entity, spec, analyze=analyze)

    # -- writing ---------------------------------------------------------------
    async def load_demo(self, *, scale: float = 1.0, replace: bool = False) -> dict[str, int]:
        """Load the teaching database into this target: the one use case that writes (``read_only=False``)."""
        from sqla_tui.core.errors import UserError
        from sqla_tui.demo_db.load import DemoTargetNotEmpty, load_demo

        try:
            return await load_demo(self.engine, scale=scale, replace=replace)
        except DemoTargetNotEmpty as error:
            raise UserError(str(error)) from None

    # -- lessons ----------------------------------------------------------------
    async def learn(self, names: list[str] | None = None) -> list[LessonResult]:
        """Run lessons (all of them by default) and check each step's claim on this database."""
        from sqla_tui.core.errors import UserError
        from sqla_tui.core.lessons.catalog import LESSONS, find_lesson

        lessons = [find_lesson(name) for name in names] if names else list(LESSONS)

        async def run(room: Classroom) -> list[LessonResult]:
            missing = await room.missing()
            if missing is not None:  # once, not as every step's failure, nor a handout of failed checks
                raise UserError(missing)
            return [await room.run_lesson(lesson) for lesson in lessons]

        return await self._in_classroom(run)

    async def learn_step(self, name: str, index: int) -> StepResult:
        """Run one step of one lesson: what the lessons screen does as a person steps through."""
        from sqla_tui.core.lessons.catalog import find_lesson

        step = find_lesson(name).steps[index]
        return await self._in_classroom(lambda room: room.run_step(step))

    async def _in_classroom(self, work: Callable[[Classroom], Coroutine[Any, Any, T]]) -> T:
        """Run lesson work on the classroom's own read-only engine (on the loop thread when isolated)."""
        from sqla_tui.core.lessons.engine import Classroom

        async def go() -> T:
            if self._classroom is None:
                self._classroom = Classroom(self.resolve(), self.target.pool)
            return await work(self._classroom)

        if self.isolated:
            self._loop_thread()
        return await self._elsewhere(go)

    # -- the pool lab ---------------------------------------------------------
    def pool_lab(self, *, leak_threshold: float | None = None) -> PoolLab:
        """A pool lab on this target with the target's pool settings, closed with the workbench.

        In an isolated workbench the lab lives on the loop thread: await its
        coroutines through ``in_lab``; its monitor and ``stop_load`` may be
        used from any thread.
        """
        from sqla_tui.core.connect.url import parse_url
        from sqla_tui.core.observe.monitor import DEFAULT_LEAK_THRESHOLD
        from sqla_tui.core.pool.lab import PoolLab

        url = parse_url(self.resolve())
        threshold = DEFAULT_LEAK_THRESHOLD if leak_threshold is None else leak_threshold
        lab = PoolLab(url, self.target.pool, leak_threshold=threshold)
        self._labs.append(lab)
        if self.isolated:
            self._loop_thread()
        return lab

    async def pool_report(self, spec: LoadSpec, *, leak_threshold: float | None = None) -> PoolRunReport:
        """Run one load to its end on a lab of its own and report what the pool went through."""
        lab = self.pool_lab(leak_threshold=leak_threshold)
        return await self.in_lab(lambda: lab.report(spec))

    async def in_lab(self, call: Callable[[], Coroutine[Any, Any, T]]) -> T:
        """Await one of a lab's coroutines on the loop the lab lives on.

        Cancelling the caller cancels the call; wrap it in ``asyncio.shield``
        for one that must end on its own terms (a load returning its connections).
        """
        return await self._elsewhere(call)


def import_database_layer() -> None:
    """Import SQLAlchemy and the engine layer now (~0.3 s), e.g. in a thread while the first frame paints."""
    import sqla_tui.core.connect.engine  # noqa: F401 - the import is the point


def _load_models(spec: str) -> OrmMap:
    from sqla_tui.core.catalog.mapping import load_user_models

    return load_user_models(spec)


def _reach(spec: QuerySpec, *paths: str) -> int:
    """How many relationships deep a query goes: its longest load or column-option path, or of ``paths`` (touched
    or compared)."""
    named = [load.path for load in spec.loads] + [option.path for option in spec.column_options] + list(paths)
    return max((len(path.split(".")) for path in named if path), default=0)
