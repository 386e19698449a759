"""The app shell: it paints at once, connects in a worker, lists tables, fails in one line, quits on q."""

from __future__ import annotations

import gc
import socket
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import LoadingIndicator

from sqla_tui.core.catalog.names import TableName
from sqla_tui.core.catalog.schema import list_names
from sqla_tui.core.connect.engine import connect
from sqla_tui.core.connect.target import Target
from sqla_tui.tui.app import SqlaTuiApp
from sqla_tui.tui.early_names import EarlyNames
from sqla_tui.tui.heartbeat import ENV as HEARTBEAT_ENV
from sqla_tui.tui.internals import footer_key_class
from sqla_tui.tui.screens.home_screen import HomeScreen
from sqla_tui.tui.screens.schema_screen import SchemaScreen
from sqla_tui.tui.widgets.connect_status import SPINNER_DELAY, ConnectStatus
from sqla_tui.tui.widgets.key_footer import KeyFooter
from sqla_tui.tui.widgets.relation_list import RelationList
from sqla_tui.tui.widgets.server_banner import ServerBanner
from sqla_tui.workbench import Workbench
from tests.databases import TestDatabase, truncated_sqlite_file
from tests.seeded import seeded_db
from tests.server_probes import DEADLINE_S
from tests.tui_helpers import (
    DEMO_TABLES,
    DEMO_VIEW,
    create_two_tables,
    demo_cache,
    make_app,
    pause_until,
    screen_text,
    settle,
    small_demo_cache,
)

SECRET = "pw_s3cret"


def relation_names(app: SqlaTuiApp) -> list[str]:
    return app.home.query_one(RelationList).names


def footer_keys(app: SqlaTuiApp) -> dict[str, bool]:
    """The keys the footer shows, each with whether it is enabled (FooterKey greys a disabled one by this class)."""
    return {key.description: not key.has_class("-disabled") for key in app.screen.query(footer_key_class())}


async def test_demo_opens_lists_its_tables_and_q_quits(demo_cache: Path) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        assert app.home.query_one(ConnectStatus).phase == "connecting"  # first frame, before the database
        listed = app.home.query_one(RelationList).option_count > 0  # the demo's file may have been read already
        assert (app.focused is not None) == listed  # the list takes focus once it has tables
        await settle(pilot)
        assert relation_names(app) == sorted([*DEMO_TABLES, DEMO_VIEW])
        banner = app.home.query_one(ServerBanner)
        assert banner.info is not None and banner.info.server_version.startswith("SQLite ")
        assert "user_post_counts  view" in screen_text(app)
        assert app.home.query_one(RelationList).has_focus
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0
    assert not app.is_running


async def test_at_80_columns_the_banner_still_names_the_database(demo_cache: Path) -> None:
    """The URL, last and long, was cut before its file name: nothing on an 80x24 screen said which database was open."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        banner = app.home.query_one(ServerBanner)
        assert banner.render().plain.startswith("sqla-tui  demo.sqlite · SQLite ")
        assert "demo.sqlite" in screen_text(app).splitlines()[0]


async def test_full_collections_are_ten_times_rarer_while_the_app_runs(demo_cache: Path) -> None:
    """The oldest generation's threshold is widened for the app's lifetime and given back when it exits."""
    before = gc.get_threshold()
    app = make_app()
    async with app.run_test() as pilot:
        await settle(pilot)
        assert gc.get_threshold() == (before[0], before[1], before[2] * 10)
        await pilot.press("q")
        await pilot.pause()
    assert gc.get_threshold() == before


async def test_first_run_builds_the_demo_showing_progress(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    messages: list[Message] = []
    app = make_app()
    async with app.run_test(message_hook=messages.append) as pilot:
        await settle(pilot)
        assert relation_names(app) == sorted([*DEMO_TABLES, DEMO_VIEW])
    filled = [message.table for message in messages if isinstance(message, SqlaTuiApp.DemoTableFilled)]
    assert sorted(filled) == DEMO_TABLES
    assert (tmp_path / "sqla-tui" / "demo.sqlite").exists()


async def test_the_demo_lists_its_tables_from_its_file_before_the_engine_is_up(
    demo_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The names come twice, the file's first (no session yet), then the engine's; the list looks the same."""
    seen: list[tuple[str, bool]] = []
    show_names, connected = HomeScreen.show_names, HomeScreen.connected

    def spy_show(screen: HomeScreen, names: list[TableName]) -> None:
        seen.append(("from the file", screen.app.workbench is None))
        show_names(screen, names)

    def spy_connected(screen: HomeScreen, workbench: Workbench) -> None:
        seen.append(("connected", screen.app.workbench is None))
        connected(screen, workbench)

    monkeypatch.setattr(HomeScreen, "show_names", spy_show)
    monkeypatch.setattr(HomeScreen, "connected", spy_connected)
    app = make_app()
    async with app.run_test() as pilot:
        await settle(pilot)
        assert seen == [("from the file", True), ("connected", False)]
        assert relation_names(app) == sorted([*DEMO_TABLES, DEMO_VIEW])


async def engine_names(url: str) -> list[str]:
    """The names ``list_names`` gives on an engine of the test's own: what the list must show once connected."""
    engine, _ = await connect(url)
    try:
        return [name.name for name in await list_names(engine)]
    finally:
        await engine.dispose()


async def test_a_url_lists_its_tables_through_the_driver_before_the_engine_is_up(
    seeded_db: TestDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On every backend the raw driver's names come first (no session yet), then the engine's: the same list."""
    seen: list[tuple[str, bool, list[str]]] = []
    show_names, connected = HomeScreen.show_names, HomeScreen.connected

    def spy_show(screen: HomeScreen, names: list[TableName]) -> None:
        seen.append(("from the driver", screen.app.workbench is None, [name.name for name in names]))
        show_names(screen, names)

    def spy_connected(screen: HomeScreen, workbench: Workbench) -> None:
        seen.append(("connected", screen.app.workbench is None, []))
        connected(screen, workbench)

    monkeypatch.setattr(HomeScreen, "show_names", spy_show)
    monkeypatch.setattr(HomeScreen, "connected", spy_connected)
    app = make_app(seeded_db.url)
    async with app.run_test() as pilot:
        await settle(pilot)
        listed = await engine_names(seeded_db.url)
        assert seen == [("from the driver", True, listed), ("connected", False, [])]
        assert relation_names(app) == listed and len(listed) >= 3


async def test_names_read_at_launch_are_listed_as_the_home_screen_mounts(
    seeded_db: TestDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``sqla-tui URL`` reads the names while Textual imports: read by then, they are in the first frame, not a later one."""
    at_mount: list[tuple[list[str], bool]] = []
    on_mount = HomeScreen.on_mount

    def spy_mount(screen: HomeScreen) -> None:
        on_mount(screen)
        at_mount.append((screen.query_one(RelationList).names, screen.app.workbench is None))

    monkeypatch.setattr(HomeScreen, "on_mount", spy_mount)
    early = EarlyNames(Target(seeded_db.url)).start()
    early.join(30)  # as when the read ends before Textual's import does
    app = SqlaTuiApp(early.target, early_names=early)
    async with app.run_test() as pilot:
        await settle(pilot)
        listed = await engine_names(seeded_db.url)
        assert at_mount == [(listed, True)] and len(listed) >= 3
        assert relation_names(app) == listed


async def test_listing_the_same_names_again_keeps_the_users_place(demo_cache: Path) -> None:
    """The engine's listing replaces the file's: a user who moved meanwhile stays on the same name."""
    app = make_app()
    async with app.run_test() as pilot:
        await settle(pilot)
        relations = app.home.query_one(RelationList)
        await pilot.press("down", "down")
        assert relations.highlighted_name == "messages"
        relations.show([TableName("main", name, "table") for name in ["audit_log", "messages", "zebra"]])
        assert relations.highlighted_name == "messages"
        relations.show([TableName("main", "zebra", "table")])
        assert relations.highlighted_name == "zebra"


async def test_enter_on_a_table_before_the_engine_is_up_says_so(silent_server: int) -> None:
    app = make_app(f"postgresql://someone@127.0.0.1:{silent_server}/db")
    async with app.run_test(size=(160, 40), notifications=True) as pilot:
        await pilot.pause()
        app.home.show_names([TableName("main", "users", "table")])  # as the demo's file lists them
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is app.home and app.workbench is None
        assert "still connecting: Enter opens users once connected" in " ".join(screen_text(app).split())


async def test_keyboard_moves_through_the_table_list(demo_cache: Path) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await settle(pilot)
        relations = app.home.query_one(RelationList)
        await pilot.press("down", "down", "end", "up")
        assert relations.highlighted == len(relations.names) - 2


@pytest.mark.parametrize(
    ("make", "expected"),
    [(lambda path: None, "SQLite file {path} does not exist"), (truncated_sqlite_file, "SQLite file {path} is damaged")],
    ids=["missing", "damaged"],
)
async def test_unusable_sqlite_file_is_one_line_in_the_app_and_q_still_quits(make, expected: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "nope.db"
    make(path)
    app = make_app(f"sqlite:///{path}")
    async with app.run_test(size=(160, 40), notifications=True) as pilot:
        await settle(pilot)
        status = app.home.query_one(ConnectStatus)
        assert status.phase == "failed"
        assert status.message.startswith(expected.format(path=path))
        assert app.workbench is None
        shown = " ".join(screen_text(app).split())
        assert "Connection failed" in shown  # the notification's title
        assert status.message in shown
        await pilot.press("q")
        await pilot.pause()
    assert not app.is_running


@pytest.mark.parametrize(
    "url",
    [
        f"postgresql://postgres:{SECRET}@127.0.0.1:5432/sqla_tui_no_such_db",
        f"mysql://root:{SECRET}@127.0.0.1:3306/mysql",
        f"postgresql://someone:{SECRET}@127.0.0.1:1/db",
        f"postgresql://postgres@127.0.0.1/x?password={SECRET}&foo=1",
        f"postgresql://postgres:pw@{SECRET}@no-such-host.invalid/x",
        f"postgresql://postgres:pw {SECRET}@127.0.0.1:notaport/x",
        f"postgres:{SECRET}@127.0.0.1/x",
        f"mysql://root@127.0.0.1/test?passwd={SECRET}",
    ],
    ids=["pg-missing-db", "mariadb-wrong-password", "refused", "query", "unencoded-at", "space", "no-scheme", "passwd"],
)
async def test_password_never_reaches_the_screen(url: str) -> None:
    app = make_app(url)
    async with app.run_test(size=(160, 40), notifications=True) as pilot:
        shown_before = screen_text(app)
        await settle(pilot)
        status = app.home.query_one(ConnectStatus)
        assert status.phase == "failed", status.message
        shown_after = screen_text(app)
        assert "Connection failed" in shown_after
        assert status.message in " ".join(shown_after.split())
    assert "***" in shown_before
    for shown in (shown_before, shown_after, status.message):
        assert SECRET not in shown


async def _sqla_tui_sessions(database: TestDatabase) -> int:
    engine, _ = await connect("postgresql://postgres@127.0.0.1:5432/postgres")
    try:
        async with engine.connect() as conn:
            return await conn.scalar(
                text(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE datname = :name AND application_name = 'sqla-tui'"
                ),
                {"name": database.name},
            )
    finally:
        await engine.dispose()


async def test_tables_panel_lists_tables_on_each_backend(empty_db: TestDatabase) -> None:
    create_two_tables(empty_db)
    app = make_app(empty_db.url)
    async with app.run_test() as pilot:
        await settle(pilot)
        assert relation_names(app) == ["authors", "books"]
        assert app.workbench is not None and app.workbench.info.dialect in empty_db.url.split(":")[0] + "sqlite"
    if empty_db.backend == "postgresql":
        assert await _sqla_tui_sessions(empty_db) == 0  # the engine was disposed on exit


async def test_command_palette_opens_the_registered_screens(demo_cache: Path) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p", *"schema")
        await pause_until(pilot, lambda: "Explore tables, columns" in screen_text(app), "the palette's hit")
        await pilot.press("enter")
        await pause_until(pilot, lambda: isinstance(app.screen, SchemaScreen), "the schema screen")


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A port that accepts TCP connections and never answers: a server hung mid-handshake."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        yield listener.getsockname()[1]


async def test_a_server_that_never_answers_leaves_the_app_usable(silent_server: int) -> None:
    app = make_app(f"postgresql://someone:{SECRET}@127.0.0.1:{silent_server}/db")
    async with app.run_test() as pilot:
        await pilot.pause()
        assert app.home.query_one(ConnectStatus).phase == "connecting"
        assert f"connecting to postgresql+asyncpg://someone:***@127.0.0.1:{silent_server}/db" in screen_text(app)
        await pilot.press("s")  # screens need a connection: nothing happens, nothing breaks
        assert app.screen is app.home
        await pilot.press("q")
        await pilot.pause()
    assert not app.is_running


async def test_footer_keys_follow_the_connection(silent_server: int, demo_cache: Path, tmp_path: Path) -> None:
    """Screen keys are greyed out until connected; Retry shows only after a failure; the footer rebuilds for each."""
    screens = {"Schema", "Pool", "Compose"}
    app = make_app(f"postgresql://someone@127.0.0.1:{silent_server}/db")
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.pause()
        assert app.home.query_one(ConnectStatus).phase == "connecting"
        assert {name: footer_keys(app)[name] for name in screens} == dict.fromkeys(screens, False)
        assert "Retry" not in footer_keys(app)
    app = make_app(f"sqlite:///{tmp_path}/nope.db")
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await pilot.pause()
        assert {name: footer_keys(app)[name] for name in [*screens, "Retry"]} == {**dict.fromkeys(screens, False), "Retry": True}
    app = make_app()
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await pilot.pause()
        assert {name: footer_keys(app)[name] for name in screens} == dict.fromkeys(screens, True)
        assert "Retry" not in footer_keys(app)


class ArmingApp(App[None]):
    """``x`` works only while armed; ``t`` arms and disarms it: a key whose state alone changes."""

    BINDINGS = [Binding("t", "toggle", "Arm"), Binding("x", "act", "Act")]
    ENABLE_COMMAND_PALETTE = False
    armed = False

    def compose(self) -> ComposeResult:
        yield KeyFooter()

    def action_toggle(self) -> None:
        self.armed = not self.armed
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.armed or None if action == "act" else True


async def test_the_footer_rebuilds_when_only_a_keys_state_changes() -> None:
    app = ArmingApp()
    async with app.run_test() as pilot:
        await pilot.pause()
        assert footer_keys(app) == {"Arm": True, "Act": False}
        await pilot.press("t")
        await pilot.pause()
        assert footer_keys(app) == {"Arm": True, "Act": True}
        await pilot.press("t")
        await pilot.pause()
        assert footer_keys(app) == {"Arm": True, "Act": False}


async def test_the_spinner_shows_only_once_connecting_takes_a_while(silent_server: int) -> None:
    app = make_app(f"postgresql://someone@127.0.0.1:{silent_server}/db")
    async with app.run_test() as pilot:
        await pilot.pause()
        spinner = app.home.query_one(ConnectStatus).query_one(LoadingIndicator)
        assert not spinner.visible and "connecting to" in screen_text(app)
        ends = time.monotonic() + SPINNER_DELAY + DEADLINE_S
        while not spinner.visible and time.monotonic() < ends:
            await pilot.pause(0.05)
        assert spinner.visible and app.home.query_one(ConnectStatus).phase == "connecting"


async def test_a_demo_that_cannot_be_built_says_why(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    app = make_app()
    async with app.run_test(size=(200, 30)) as pilot:
        await settle(pilot)
        status = app.home.query_one(ConnectStatus)
        assert status.phase == "failed"
        assert status.message == (
            f"cannot build the demo at {blocker}/sqla-tui/demo.sqlite: Not a directory; "
            "set XDG_CACHE_HOME to a directory you can write"
        )
        assert status.message in " ".join(screen_text(app).split())  # brackets shown as typed, not read as markup


async def test_r_retries_a_failed_connection(tmp_path: Path) -> None:
    path = tmp_path / "later.db"
    app = make_app(f"sqlite:///{path}")
    async with app.run_test() as pilot:
        await settle(pilot)
        assert app.home.query_one(ConnectStatus).phase == "failed"
        database = sqlite3.connect(path)
        database.execute("CREATE TABLE arrived (id INTEGER PRIMARY KEY)")
        database.close()
        await pilot.press("r")
        await settle(pilot)
        assert app.home.query_one(ConnectStatus).phase == "connected"
        assert relation_names(app) == ["arrived"]
        await pilot.press("r")  # nothing to retry once connected
        assert app.workbench is not None and app.home.query_one(ConnectStatus).phase == "connected"


async def test_heartbeat_writes_lag_samples_on_exit(
    demo_cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    samples = tmp_path / "lag.txt"
    monkeypatch.setenv(HEARTBEAT_ENV, str(samples))
    app = make_app()
    async with app.run_test() as pilot:
        await settle(pilot)
        assert app.heartbeat is not None
        await pause_until(pilot, lambda: len(app.heartbeat.samples) >= 3, "three ticks")  # type: ignore[union-attr]
        await pilot.press("q")
        await pilot.pause()
    lags = [float(line) for line in samples.read_text().splitlines()]
    assert len(lags) >= 3 and lags == [round(sample, 3) for sample in app.heartbeat.samples]  # type: ignore[union-attr]
    assert any(lag > 0 for lag in lags)  # a timer never fires on the dot: a probe writing zeros measures nothing


async def test_no_heartbeat_unless_asked(demo_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(HEARTBEAT_ENV, raising=False)
    app = make_app()
    async with app.run_test() as pilot:
        await settle(pilot)
        assert app.heartbeat is None


async def test_footer_keys_keep_textuals_spacing(demo_cache: Path) -> None:
    """KeyFooter starts each key in the footer's style: the screen keys spaced out, the palette's key compact, as in Footer."""
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await pause_until(pilot, lambda: app.workbench is not None, "the connection")
        await pilot.pause()
        keys = list(app.screen.query(footer_key_class()))
        palette = [key for key in keys if key.has_class("-command-palette")]
        assert len(palette) == 1 and palette[0].has_class("-compact")
        screen_keys = [key for key in keys if key not in palette]
        assert {key.description for key in screen_keys} >= {"Quit", "Schema", "Pool"}
        assert not any(key.has_class("-compact") for key in screen_keys)
        assert screen_text(app).splitlines()[-1].startswith(" q Quit  ")  # a space either side of the key
