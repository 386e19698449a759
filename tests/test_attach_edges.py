"""Attach as a new user and an attacker tried it: quitting, secrets, a second engine, silent connections, files.

Each test is a defect someone met: ``q`` left the viewer's process running,
a password in the URL's query string went out in every hello, a second
engine of one process took over the first one's socket, connections that
never sent a token could use up the application's file descriptors, an
address that was no feed gave an empty summary, and a malformed or cut-off
recording crashed ``replay`` or could not be read at all.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import stat
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.ext.asyncio import create_async_engine

from sqla_tui.attach import instrument
from sqla_tui.attach.runtime import cards
from sqla_tui.attach.viewer import connect, read_events, replay_events
from sqla_tui.core.connect.target import Target
from sqla_tui.tui.attach_app import AttachApp
from tests.attach_helpers import marked_line, sqla_tui, start_viewer, viewing
from tests.databases import MY_HOST, MY_PORT, PG_HOST, PG_PORT, require_server
from tests.server_probes import wait_until
from tests.test_tui_attach import table, until
from tests.tui_helpers import screen_text

HERE = Path(__file__)


def _ended(events: Iterator[dict[str, Any]], done: threading.Event) -> Iterator[dict[str, Any]]:
    """``events``, and ``done`` set when their reading ends, however it ends."""
    try:
        yield from events
    finally:
        done.set()


async def test_q_ends_the_live_feeds_reader_with_the_screen(runtime: Path, tmp_path: Path) -> None:
    """The reader thread read a live feed for ever after q blanked the screen: the interpreter waited on it at exit,
    and the process ran on until the application stopped or four Ctrl-Cs."""
    engine = create_engine(f"sqlite:///{tmp_path / 'quit.db'}")
    done, stop = threading.Event(), threading.Event()
    with instrument(engine, name="quit") as handle:
        app = AttachApp(_ended(read_events(connect("quit"), stop=stop), done), "quit", stop=stop)
        async with app.run_test(size=(120, 40)) as pilot:
            await until(pilot, lambda: handle.viewers == 1, "the screen to attach")
            await pilot.press("q")
        assert done.wait(30), "the feed's reader still runs after the screen closed"
        wait_until(lambda: handle.viewers == 0, "the application to see the viewer go")


async def test_a_password_in_the_query_string_never_leaves_the_process(runtime: Path, tmp_path: Path) -> None:
    """The hello, the card, the listing and the recording all carried ``?password=Hunter2Secret``: SQLAlchemy's
    hide_password masks only the URL's userinfo."""
    engine = create_async_engine(f"postgresql+asyncpg://app@{PG_HOST}:{PG_PORT}/shop?password=Hunter2Secret&ssl=disable")
    record = tmp_path / "secret.jsonl"
    with instrument(engine, name="secret"):
        with record.open("wb") as recording:
            hello = next(read_events(connect("secret"), record=recording))
        listed = sqla_tui("attach", "--json")
        card_text = next(runtime.glob("*.json")).read_text()
    assert hello["url"] == f"postgresql+asyncpg://app@{PG_HOST}:{PG_PORT}/shop?password=***&ssl=disable"
    for text_seen in (json.dumps(hello), listed.stdout, card_text, record.read_text()):
        assert "Hunter2Secret" not in text_seen
    await engine.dispose()


def test_two_engines_of_one_process_each_get_their_own_socket_and_card(runtime: Path, tmp_path: Path) -> None:
    """A reader engine beside a writer engine: the second took over the first's ``PID-NAME.sock`` and card, and
    closing it removed both, while the first was still instrumented."""
    writer = create_engine(f"sqlite:///{tmp_path / 'a.db'}")
    reader = create_engine(f"sqlite:///{tmp_path / 'b.db'}")
    first = instrument(writer, name="shop")
    try:
        with instrument(reader, name="shop") as second:
            assert first.address != second.address
            assert sorted((card.name, card.url) for card in cards()) == [
                ("shop", f"sqlite:///{tmp_path / 'a.db'}"),
                ("shop-2", f"sqlite:///{tmp_path / 'b.db'}"),
            ]
            assert next(read_events(connect("shop-2")))["url"] == f"sqlite:///{tmp_path / 'b.db'}"
        assert [card.name for card in cards()] == ["shop"] and Path(first.address).is_socket()
        assert next(read_events(connect("shop")))["name"] == "shop"
    finally:
        first.close()


def _open_descriptors() -> int:
    return len(os.listdir("/proc/self/fd"))


def test_connections_that_never_send_the_token_cannot_use_up_the_applications_descriptors(
    runtime: Path, tmp_path: Path
) -> None:
    """Any local user can connect to a loopback port: 1,000 connections that said nothing held 1,000 of the
    application's descriptors for ever, and its own database connections then failed ("unable to open database
    file"). A connection has two seconds to send its token, and at most eight wait at once."""
    engine = create_engine(f"sqlite:///{tmp_path / 'tcp.db'}")
    with instrument(engine, name="guarded", address="tcp://127.0.0.1:0") as handle:
        host, port = handle.address.removeprefix("tcp://").rsplit(":", 1)
        before = _open_descriptors()
        silent = [socket.create_connection((host, int(port))) for _ in range(40)]
        try:
            for sock in silent:  # each is closed by the application: at once past the eighth, after 2 s before it
                sock.settimeout(30)
                assert sock.recv(1) == b""
        finally:
            for sock in silent:
                sock.close()
        wait_until(lambda: _open_descriptors() <= before, "the application to hold no silent connection")
        with engine.connect() as conn:
            assert conn.execute(text("SELECT 1")).scalar() == 1
        assert next(read_events(connect(handle.address, handle.token)))["type"] == "hello"


@pytest.mark.parametrize(("server", "host", "port"), [("postgresql", PG_HOST, PG_PORT), ("mariadb", MY_HOST, MY_PORT)])
def test_an_address_that_is_no_feed_is_one_line(server: str, host: str, port: int) -> None:
    """PostgreSQL's port gave an empty summary and exit 0, as if an application had run nothing; MariaDB's, whose
    greeting is not JSON, "unexpected JSONDecodeError ... a bug in sqla-tui"."""
    require_server(server)
    done = sqla_tui("attach", f"tcp://{host}:{port}", "--token", "x", "--json", "--duration", "2")
    assert done.returncode == 2 and done.stdout == ""
    [line] = done.stderr.splitlines()
    assert line.startswith("error: this is not a sqla-tui attach feed (it does not start with a hello line)")


def _recording(runtime: Path, tmp_path: Path, statements: int) -> Path:
    """A feed recorded by ``sqla-tui attach --record`` while an application runs ``statements`` statements."""
    engine = create_engine(f"sqlite:///{tmp_path / 'recorded.db'}")
    record = tmp_path / "incident.jsonl"
    with instrument(engine, name="recorded") as handle:
        viewer = start_viewer("recorded", "--json", "--record", str(record))
        wait_until(lambda: handle.viewers == 1, "the recording viewer")
        with engine.connect() as conn:
            for number in range(statements):
                conn.execute(select(text(str(number))))
    viewer.communicate(timeout=60)
    return record


def test_a_recording_is_the_users_alone_and_one_cut_off_replays_up_to_the_cut(runtime: Path, tmp_path: Path) -> None:
    """Recordings were 0644, though with capture_params they hold the application's values; and one cut off
    mid-line (a copy stopped short) was refused whole: "line 71 is not a feed event"."""
    record = _recording(runtime, tmp_path, 12)
    assert stat.S_IMODE(record.stat().st_mode) == 0o600
    whole = json.loads(sqla_tui("replay", str(record), "--json").stdout)
    assert whole["statements"] == 12
    lines = record.read_bytes().splitlines(keepends=True)
    last_statement = max(number for number, line in enumerate(lines) if b'"type":"stmt"' in line)
    cut = tmp_path / "cut.jsonl"
    cut.write_bytes(b"".join(lines[:last_statement]) + lines[last_statement][:40])
    replayed = sqla_tui("replay", str(cut), "--json")
    assert replayed.returncode == 0, replayed.stderr
    assert json.loads(replayed.stdout)["statements"] == 11
    assert replayed.stderr == (
        f"warning: the recording is cut off at line {last_statement + 1}; summarised up to it\n"
    )


_MALFORMED = {
    "pool": {"type": "pool", "leak_suspects": [{"file": "a"}]},
    "stmt": {"type": "stmt", "loader": "lazy", "t": 1, "ms": 1},
    "dropped": {"type": "dropped", "total": "many"},
}


@pytest.mark.parametrize("kind", list(_MALFORMED))
async def test_a_malformed_recording_is_one_line_and_the_screen_keeps_what_came_before(
    runtime: Path, tmp_path: Path, kind: str
) -> None:
    """An event missing a field crashed replay: "unexpected KeyError: 'held_s' ... a bug in sqla-tui" with --json,
    and a Textual traceback on the screen, after which the process exited 0."""
    record = _recording(runtime, tmp_path, 3)
    lines = record.read_bytes().splitlines(keepends=True)
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(b"".join(lines[:-1]) + json.dumps(_MALFORMED[kind]).encode() + b"\n" + lines[-1])
    replayed = sqla_tui("replay", str(bad), "--json")
    assert replayed.returncode == 2 and replayed.stdout == ""
    [line] = replayed.stderr.splitlines()
    assert line.startswith(f"error: event {len(lines)} of the feed ('{kind}') is malformed: ")
    assert line.endswith("replay a file written by 'sqla-tui attach --record'")
    app = AttachApp(replay_events(bad), "bad.jsonl")
    async with app.run_test(size=(160, 45), notifications=True) as pilot:
        await until(pilot, lambda: "is malformed" in str(app.screen.query_one("#attach-target").render()), "the line")
        assert len(table(app, "statements").rows_text) == 3
        await pilot.press("q")


async def test_e_on_a_statement_whose_parameters_were_not_captured_says_how_to_capture_them(
    runtime: Path, tmp_path: Path
) -> None:
    """EXPLAIN sent the statement's placeholders as they are, and MariaDB answered with a syntax error."""
    from sqla_tui.tui.screens.explain_screen import ExplainScreen

    url = f"sqlite:///{tmp_path / 'params.db'}"
    engine = create_engine(url)
    with engine.connect() as conn:  # the file, which the --url workbench opens and never creates
        conn.execute(text("CREATE TABLE t (x INTEGER)"))
    with instrument(engine, name="params") as handle:
        app = AttachApp(read_events(connect("params")), "params", target=Target(url))
        async with app.run_test(size=(160, 45), notifications=True) as pilot:
            await until(pilot, lambda: handle.viewers == 1 and app.workbench is not None, "the feed and the database")
            with engine.connect() as conn:
                conn.execute(select(text("1")).where(text("1 = :one")), {"one": 1})
            await until(pilot, lambda: len(table(app, "statements").rows_text) == 1, "the statement")
            await pilot.press("tab", "e")
            await until(pilot, lambda: "parameters were not captured" in screen_text(app), "the hint")
            assert not isinstance(app.screen, ExplainScreen)
            await pilot.press("q")


def test_two_viewers_with_one_engine_each_still_count(runtime: Path, tmp_path: Path) -> None:
    """What a second engine's name change must not break: a viewer of each gets its own engine's statements."""
    first_engine = create_engine(f"sqlite:///{tmp_path / 'one.db'}")
    second_engine = create_engine(f"sqlite:///{tmp_path / 'two.db'}")
    with viewing(instrument(first_engine, name="pair"), "pair") as first, viewing(
        instrument(second_engine, name="pair"), "pair-2"
    ) as second:
        with first_engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        with second_engine.connect() as conn:
            conn.execute(text("SELECT 2"))
            conn.execute(text("SELECT 3"))
    assert (first.digest.statements, second.digest.statements) == (1, 2)


def test_a_pid_that_matches_two_engines_asks_for_one(runtime: Path, tmp_path: Path) -> None:
    with instrument(create_engine(f"sqlite:///{tmp_path / 'x.db'}"), name="x"), instrument(
        create_engine(f"sqlite:///{tmp_path / 'y.db'}"), name="x"
    ):
        done = sqla_tui("attach", str(os.getpid()), "--json")
    assert done.returncode == 2
    assert done.stderr == (
        f"error: '{os.getpid()}' matches several instrumented engines ({os.getpid()}-x, {os.getpid()}-x-2); "
        "name one as PID-NAME\n"
    )


async def test_at_80_by_24_the_figures_the_leak_and_the_n_plus_one_are_on_screen(runtime: Path, tmp_path: Path) -> None:
    """At 80×24 the URL wrapped and pushed the statement count off screen, and the four problem tables were
    18-column boxes showing no row at all."""
    from sqlalchemy.ext.asyncio import async_sessionmaker

    from sqla_tui.attach.digest import Digest
    from tests.attach_app import AUTHORS, Author
    from tests.test_tui_attach import _seed

    engine = create_async_engine(f"sqlite+aiosqlite:///{tmp_path / 'small.db'}")
    await _seed(engine)
    record, digest = tmp_path / "small.jsonl", Digest()
    handle = instrument(engine, name="small", leak_after=0.2)
    try:
        with record.open("wb") as recording:

            def read() -> None:
                for event in read_events(connect("small"), record=recording):
                    digest.add(event)

            reader = threading.Thread(target=read)
            reader.start()
            await asyncio.to_thread(handle.wait_for_viewer, 30)
            async with engine.connect() as held:  # MARK: small_hold
                await held.execute(text("SELECT 1"))
                await asyncio.to_thread(wait_until, lambda: bool(digest.leaks), "a leak suspect")
            async with async_sessionmaker(engine)() as session:
                for author in (await session.scalars(select(Author))).all():
                    await author.awaitable_attrs.books
            handle.close()
            await asyncio.to_thread(reader.join, 60)
    finally:
        handle.close()
        await engine.dispose()
    app = AttachApp(replay_events(record), "small.jsonl")
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: "the feed ended" in screen_text(app), "the whole recording")
        shown = screen_text(app).splitlines()
        assert shown[0].startswith(f"{digest.statements} statements · 0 events dropped · the feed ended")
        leak_at = f"test_attach_edges.py:{marked_line('small_hold', HERE)}"
        assert any(leak_at[:20] in line and "returned" in line for line in shown), shown
        assert any(f"{AUTHORS}     1         Author.books" in line for line in shown), shown
        assert "none: holders, open transactions" in shown
        await pilot.press("q")


def test_a_relative_unix_address_is_made_absolute_and_an_empty_one_refused(
    runtime: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``unix:rel.sock`` went into the card as typed, so a viewer in another directory could not connect, and
    close() left the socket behind; ``unix:`` failed with "Address already in use"."""
    from sqla_tui.attach.runtime import AttachError

    monkeypatch.chdir(tmp_path)
    engine = create_engine(f"sqlite:///{tmp_path / 'rel.db'}")
    with pytest.raises(AttachError, match="'unix:' names no socket"):
        instrument(engine, address="unix:")
    with instrument(engine, name="rel", address="unix:rel.sock") as handle:
        assert handle.address == str(tmp_path / "rel.sock")
        assert [card.address for card in cards()] == [str(tmp_path / "rel.sock")]
    assert not (tmp_path / "rel.sock").exists()


def test_rows_a_sync_driver_cannot_count_yet_are_null_not_zero(runtime: Path, tmp_path: Path) -> None:
    """sqlite3's rowcount is 0 for an INSERT ... RETURNING whose rows are not fetched yet: the feed said 0 rows for
    a statement that returned two."""
    engine = create_engine(f"sqlite:///{tmp_path / 'returning.db'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, x INTEGER)"))
    with viewing(instrument(engine, name="returning"), "returning") as reader, engine.begin() as conn:
        assert len(conn.execute(text("INSERT INTO t (x) VALUES (1), (2) RETURNING id")).all()) == 2
        conn.execute(text("INSERT INTO t (x) VALUES (3)"))
    assert [(event["sql"].split()[0], event["rows"]) for event in reader.digest.recent] == [
        ("INSERT", None), ("INSERT", 0),
    ]  # fmt: skip
