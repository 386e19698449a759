"""A small real web service to attach to: Starlette on uvicorn over an AsyncEngine, pool 5 + 10.

Run as ``python -m tests.attach_app URL`` (a sync-form URL as the fixtures
give it). It creates and seeds its own two tables, calls
``sqla_tui.attach.instrument(engine)`` (the one line a user adds), serves on
a free loopback port and prints one JSON line {"port", "pid", "address"}
when ready. ``/gate/close`` makes ``/hold`` keep its connection until
``/gate/open``, so a test can exhaust the pool for sure. Each endpoint answers with how many statements it executed,
counted by the endpoint itself, so a test can add them up independently of
the feed. SIGTERM (or SIGINT) shuts it down and closes the instrumentation.

Lines the tests look for are marked ``# MARK: name``.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import os
import socket
import sys
import time

import uvicorn
from sqlalchemy import ForeignKey, String, exc, select, text
from sqlalchemy.ext.asyncio import AsyncAttrs, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route

from sqla_tui.attach import instrument

AUTHORS, BOOKS_EACH = 10, 3
HOLD_S = float(os.environ.get("ATTACH_APP_HOLD_S", "0.3"))
ASYNC_DRIVERS = {"postgresql": "postgresql+asyncpg", "mysql": "mysql+aiomysql", "sqlite": "sqlite+aiosqlite"}


class Base(AsyncAttrs, DeclarativeBase):
    pass


class Author(Base):
    __tablename__ = "attach_author"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    books: Mapped[list[Book]] = relationship(back_populates="author", lazy="select")


class Book(Base):
    __tablename__ = "attach_book"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(50))
    author_id: Mapped[int] = mapped_column(ForeignKey("attach_author.id"))
    author: Mapped[Author] = relationship(back_populates="books")


def async_url(url: str) -> str:
    scheme, rest = url.split("://", 1)
    return f"{ASYNC_DRIVERS[scheme.split('+')[0]]}://{rest}"


def slow_sql(dialect: str) -> str:
    return {"postgresql": "SELECT pg_sleep(0.2)", "mysql": "SELECT SLEEP(0.2)"}.get(dialect, "SELECT sleep_ms(200)")


def build(url: str, *, instrumented: bool = True, leak_after: float = 0.2, pool_timeout: float = 1.0) -> Starlette:
    """The application over ``url``; ``pool_timeout`` is long for a benchmark under callgrind, where a request
    waiting its turn for a connection takes fifty times as long as it would."""
    engine = create_async_engine(async_url(url), pool_size=5, max_overflow=10, pool_timeout=pool_timeout)
    if engine.dialect.name == "sqlite":
        from sqlalchemy import event

        @event.listens_for(engine.sync_engine, "connect")
        def _sleep_function(dbapi_connection, record):  # type: ignore[no-untyped-def]
            import time

            dbapi_connection.create_function("sleep_ms", 1, lambda ms: time.sleep(ms / 1000) or 0)

    sessions = async_sessionmaker(engine, expire_on_commit=False)

    def counted(endpoint):  # type: ignore[no-untyped-def]
        """A pool timeout comes at an endpoint's first checkout, before any statement: 503 and 0 statements."""

        @functools.wraps(endpoint)
        async def answer(request):  # type: ignore[no-untyped-def]
            try:
                return await endpoint(request)
            except exc.TimeoutError:
                return JSONResponse({"statements": 0, "timeout": True}, status_code=503)

        return answer

    leaked: list[AsyncSession] = []
    state: dict[str, object] = {}

    async def n_plus_one(request):  # type: ignore[no-untyped-def]
        async with sessions() as session:
            authors = (await session.scalars(select(Author).order_by(Author.id))).all()
            titles = 0
            for author in authors:
                titles += len(await author.awaitable_attrs.books)  # MARK: n_plus_one
        return JSONResponse({"statements": 1 + len(authors), "titles": titles})

    gate = asyncio.Event()
    gate.set()
    parked = 0
    """Holds waiting at the closed gate with their connection."""

    async def hold(request):  # type: ignore[no-untyped-def]
        """Hold a connection across an await: HOLD_S, and then as long as the gate is closed."""
        nonlocal parked
        async with engine.connect() as conn:  # MARK: hold_checkout
            await conn.execute(text("SELECT 1"))  # MARK: hold_begin
            await asyncio.sleep(HOLD_S)
            parked += 1
            try:
                await asyncio.wait_for(gate.wait(), 120)
            finally:
                parked -= 1
        return JSONResponse({"statements": 1})

    async def gate_state(request):  # type: ignore[no-untyped-def]
        return JSONResponse({"statements": 0, "parked": parked})

    async def close_gate(request):  # type: ignore[no-untyped-def]
        gate.clear()
        return JSONResponse({"statements": 0})

    async def open_gate(request):  # type: ignore[no-untyped-def]
        gate.set()
        return JSONResponse({"statements": 0})

    async def leak(request):  # type: ignore[no-untyped-def]
        session = sessions()
        await session.execute(text("SELECT 1"))  # MARK: leak
        leaked.append(session)  # never closed: its connection stays checked out
        return JSONResponse({"statements": 1})

    async def slow(request):  # type: ignore[no-untyped-def]
        async with engine.connect() as conn:
            await conn.execute(text(slow_sql(engine.dialect.name)))
        return JSONResponse({"statements": 1})

    async def fast(request):  # type: ignore[no-untyped-def]
        async with sessions() as session:
            await session.execute(select(Author.name).where(Author.id == 1))
        return JSONResponse({"statements": 1})

    async def viewers(request):  # type: ignore[no-untyped-def]
        handle = state.get("instrumentation")
        return JSONResponse({"viewers": handle.viewers if handle else 0})  # type: ignore[attr-defined]

    async def startup() -> None:
        async with engine.begin() as conn:
            await conn.run_sync(Base.metadata.drop_all)
            await conn.run_sync(Base.metadata.create_all)
            await conn.execute(Author.__table__.insert(), [{"id": a, "name": f"a{a}"} for a in range(1, AUTHORS + 1)])
            await conn.execute(
                Book.__table__.insert(),
                [
                    {"id": a * 10 + b, "title": f"b{a}.{b}", "author_id": a}
                    for a in range(1, AUTHORS + 1)
                    for b in range(BOOKS_EACH)
                ],
            )
        if instrumented:
            state["instrumentation"] = instrument(engine, name="attach-app", leak_after=leak_after)

    async def shutdown() -> None:
        handle = state.pop("instrumentation", None)
        for session in leaked:
            await session.close()
        if handle is not None:
            handle.close()  # type: ignore[attr-defined]
        await engine.dispose()

    routes = [
        Route("/n1", counted(n_plus_one)),
        Route("/hold", counted(hold)),
        Route("/leak", counted(leak)),
        Route("/slow", counted(slow)),
        Route("/fast", counted(fast)),
        Route("/viewers", viewers),
        Route("/gate", gate_state),
        Route("/gate/close", close_gate),
        Route("/gate/open", open_gate),
    ]

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette):  # type: ignore[no-untyped-def]
        await startup()
        try:
            yield
        finally:
            await shutdown()

    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.instrumentation = state
    return app


def spinning(app: Starlette, seconds: float):  # type: ignore[no-untyped-def]
    """``app``, spending ``seconds`` of CPU on each HTTP request before it: a cost of known size, whose effect on
    throughput tells how the benchmark's load answers one (benchmarks/attach_overhead.py --spin).

    Bytecode in a loop, as sqla-tui's own cost is, its length measured once
    here: reading the clock in the loop would be a system call each time.
    """
    turns = 100_000
    started = time.thread_time()
    for _ in range(turns):
        pass
    turns = max(1, round(turns * seconds / (time.thread_time() - started)))

    async def spun(scope, receive, send):  # type: ignore[no-untyped-def]
        if scope["type"] == "http":
            for _ in range(turns):
                pass
        await app(scope, receive, send)

    return spun


async def serve(url: str, instrumented: bool, pool_timeout: float, spin: float) -> None:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    app = build(url, instrumented=instrumented, pool_timeout=pool_timeout)
    # uvicorn closes a keep-alive connection idle for 5 s by default; a client reusing it at that moment reads
    # "Server disconnected without sending a response" (the crowd's connections idle while the holders hold).
    config = uvicorn.Config(
        spinning(app, spin) if spin else app,
        log_level="warning",
        lifespan="on",
        backlog=1024,
        limit_concurrency=None,
        timeout_keep_alive=3600,
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:
        if task.done():
            await task
            return
        await asyncio.sleep(0.01)
    handle = app.state.instrumentation.get("instrumentation")
    print(
        json.dumps({"port": sock.getsockname()[1], "pid": os.getpid(), "address": handle.address if handle else None}),
        flush=True,
    )
    await task


def _option(name: str, default: float) -> float:
    """``--NAME=VALUE`` from the command line: the benchmark's settings (the tests run with none)."""
    given = [float(arg.split("=", 1)[1]) for arg in sys.argv if arg.startswith(f"--{name}=")]
    return given[-1] if given else default


if __name__ == "__main__":
    # --pool-timeout=S: long enough that a request queued behind 200 others is served, not a 503; --spin-us=N: see
    # ``spinning``
    asyncio.run(
        serve(
            sys.argv[1],
            instrumented="--plain" not in sys.argv,
            pool_timeout=_option("pool-timeout", 1.0),
            spin=_option("spin-us", 0.0) / 1e6,
        )
    )
