"""SqlaTuiApp: open a workbench in a worker, hand it to screens, close it on exit.

The app owns the workbench's lifecycle and nothing else; what is on screen
lives in screens/ and widgets/, and every database call is a workbench use case.
Nothing imported here loads SQLAlchemy: the first frame paints without it,
and the connecting worker imports it in a thread (benchmarks/startup.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual import events, on, work
from textual.app import SystemCommand
from textual.binding import Binding
from textual.message import Message
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.theme import Theme
from textual.worker import Worker, WorkerState

from sqla_tui.core.connect.target import DEMO_ALIAS, Target
from sqla_tui.core.connect.unexpected import failure_line
from sqla_tui.core.errors import EXIT_USAGE, UserError
from sqla_tui.last_resort import debugging, unexpected_line
from sqla_tui.tui import breakpoints
from sqla_tui.tui.binding_ids import BINDING_IDS, unknown_binding
from sqla_tui.tui.collector import paused_collector, rarer_full_collections
from sqla_tui.tui.controls import DrawsNoControls
from sqla_tui.tui.early_names import EarlyNames
from sqla_tui.tui.exporting import ExportKey, ExportSource
from sqla_tui.tui.failure import HandlerGuard
from sqla_tui.tui.heartbeat import Heartbeat
from sqla_tui.tui.navigation import COMPOSE, LEARN, SCHEMA, SCREENS, entry_for, screen_bindings
from sqla_tui.tui.palette import screen_actions
from sqla_tui.tui.screens.home_screen import HomeScreen
from sqla_tui.tui.screens.keys_follow import hand_on
from sqla_tui.tui.warnings_shown import NotifiesWarnings
from sqla_tui.tui.widgets.server_banner import target_label

if TYPE_CHECKING:
    from sqla_tui.core.catalog.names import TableName
    from sqla_tui.tui.screens.schema_screen import SchemaScreen
    from sqla_tui.workbench import Workbench


EARLY_NAMES_HEAD_START_S = 0.25
"""How long the raw driver's name listing runs alone before SQLAlchemy's import starts beside it.

Alone it has the CPU to itself (a local server answers in tens of ms); a
server that does not answer delays the engine, and so its error, no longer.
"""

QUIT_GRACE_S = 3.0
"""How long SIGTERM waits for cancelled work to stop its statements on the server before quitting anyway."""


class SqlaTuiApp(HandlerGuard, ExportKey, DrawsNoControls, NotifiesWarnings):
    """The terminal app on one database target (the demo when the target has no URL)."""

    CSS_PATH = "app.tcss"
    TITLE = "sqla-tui"
    HORIZONTAL_BREAKPOINTS = breakpoints.HORIZONTAL
    VERTICAL_BREAKPOINTS = breakpoints.VERTICAL
    BINDINGS = [
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("r", "reconnect", "Retry", id="app.reconnect"),
        *screen_bindings(),
        ExportKey.EXPORT_BINDING,
    ]

    @dataclass
    class DemoTableFilled(Message):
        """The first-run demo build filled one more table."""

        table: str
        """The table just filled."""
        rows: int
        """How many rows went into it."""

    @dataclass
    class NamesRead(Message):
        """The table and view names, read through the raw driver before the engine is up."""

        names: list[TableName]
        """What ``list_names`` will find once connected."""
        target: Target
        """Whose names they are: a late read for a target the user has left is dropped."""

    @dataclass
    class Connected(Message):
        """The workbench is connected and probed; screens may use it."""

        workbench: Workbench
        """The connection target, its engine and its use cases."""

    @dataclass
    class ConnectionFailed(Message):
        """Connecting (or building the demo) failed; the app stays open to show why."""

        error: str
        """The one-line reason, password masked."""

    _settings_error: str | None = None
    """Why the config file could not be read, told once the app is up."""

    def __init__(
        self, target: Target, *, models: str | None = None, lesson: str | None = None, early_names: EarlyNames | None = None
    ) -> None:
        super().__init__()
        self.target = target
        self._early_names = early_names
        """The names read for ``target`` since the launch (``launch.open_app``); None: read once connecting starts."""
        self.lesson = lesson
        """Open the lessons once connected (``sqla-tui learn [LESSON]``): a lesson's name, or "" for the list."""
        self.models = models
        """``package.module:Base`` to compose over the application's own models instead of ours."""
        self.workbench: Workbench | None = None
        """Set once connected; until then the screen keys are disabled."""
        self._opening: Workbench | None = None
        self.failed = False
        """True while the last attempt to connect has failed; ``r`` tries again."""
        self.home = HomeScreen(target_label(target), guide=SCREENS, connections=self._offered(target))
        self.heartbeat: Heartbeat | None = None
        self._saved_theme: str | None = None
        """The theme the config file holds, so choosing it again writes nothing."""

    def _offered(self, target: Target) -> list[str]:
        """The saved connections the home screen offers: only when no URL was given; a broken file offers none."""
        if target.url is not None:
            return []
        from sqla_tui.settings.connections import saved

        try:
            return [entry.name for entry in saved()]
        except UserError as error:
            self._settings_error = str(error)
            return []

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """Every notification as plain text: they carry table names and database errors, where ``[/]`` is text, not markup."""
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=False)

    def get_default_screen(self) -> Screen[None]:
        return self.home

    def on_key(self, event: events.Key) -> None:
        """A key typed just after one that opened another screen goes to that screen, not to bindings here."""
        if hand_on(self, event):
            event.stop()
            event.prevent_default()

    def on_mount(self) -> None:
        self._restore_collector = rarer_full_collections()
        self.heartbeat = Heartbeat.from_env(self)
        self._listen_for_sigterm(True)
        self.open_connection()
        if self._early_names is not None:
            names = self._early_names.now_or_later(self._names_poster(self.target))
            if names is not None:  # read while Textual imported: in the first frame
                self.home.show_names(names)
        self._apply_preferences()

    def _apply_preferences(self) -> None:
        """Remap keys from ``[keymap]`` and open with the theme last chosen; then remember each theme chosen.

        A broken setting is one notification: the app opens with its defaults.
        """
        from sqla_tui.settings import config_file, preferences

        chosen: str | None = None
        if self._settings_error is not None:
            self.notify(self._settings_error, title="Settings not read", severity="error", timeout=10)
        try:
            settings = config_file.read()  # once: the keymap and the theme are in the same file
            keymap = preferences.keymap(settings)
            self.set_keymap(keymap)
            for binding_id in sorted(set(keymap) - BINDING_IDS):
                self.notify(unknown_binding(binding_id), title="Settings", severity="warning", timeout=10)
            chosen = preferences.theme(settings)
        except UserError as error:
            self.notify(str(error), title="Settings not applied", severity="error", timeout=10)
        if chosen is not None and chosen not in self.available_themes:
            self.notify(f"theme {chosen!r} is not installed; choose one with ctrl+p, Change theme", severity="warning")
        elif chosen is not None:
            self.theme = chosen
        self._saved_theme = chosen or self.theme
        self.theme_changed_signal.subscribe(self, self._remember_theme)

    def _remember_theme(self, theme: Theme) -> None:
        if theme.name != self._saved_theme:
            self._saved_theme = theme.name
            self._save_theme(theme.name)

    @work(thread=True, exit_on_error=False, group="settings")
    def _save_theme(self, name: str) -> None:
        from sqla_tui.settings.preferences import save_theme

        try:
            save_theme(name)
        except UserError as error:
            self.call_from_thread(self.notify, str(error), title="Theme not remembered", severity="warning")

    def _listen_for_sigterm(self, listen: bool) -> None:
        """SIGTERM quits like q, after stopping what runs; by default it would kill the process mid-statement.

        Only the main thread receives signals (a test may run the app elsewhere).
        """
        if threading.current_thread() is not threading.main_thread():
            return
        loop = asyncio.get_running_loop()
        if listen:
            loop.add_signal_handler(signal.SIGTERM, lambda: self.run_worker(self._quit_on_sigterm(), group="sigterm"))
        else:
            loop.remove_signal_handler(signal.SIGTERM)

    async def _quit_on_sigterm(self) -> None:
        """Cancel every other worker (each stops its statement on the server), wait a bounded time, then exit."""
        for worker in self.workers:
            if worker.group != "sigterm":
                worker.cancel()
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(QUIT_GRACE_S):
                while any(worker.is_running and worker.group != "sigterm" for worker in self.workers):
                    await asyncio.sleep(0.05)
        self.exit()

    @work(exclusive=True, exit_on_error=False, group="connect")
    async def open_connection(self) -> None:
        """Resolve the target in a thread (see ``_resolve``), then connect and probe."""
        try:
            bench = await asyncio.to_thread(self._resolve)
            await bench.connect()
        except Exception as error:  # noqa: BLE001 - any failure to open is the one red line, never a crash
            self.post_message(self.ConnectionFailed(failure_line(error, [self.target.url])))
            return
        self.workbench = bench
        self.post_message(self.Connected(bench))

    def _resolve(self) -> Workbench:
        """Import SQLAlchemy (~0.3 s) and build the demo if needed (CPU work), off the event loop.

        Runs in a thread so the first frame and key presses never wait for
        either; the workbench, ready to connect, is the result. The names are
        read through the raw driver in a thread of their own (``EarlyNames``),
        started at launch or else first thing here, so the list need not wait
        for the import (``EARLY_NAMES_HEAD_START_S``). The import creates some
        30,000 long-lived objects: with the collector paused a full collection
        (~40 ms over those and Textual's) does not land in the middle, and
        what exists after it is frozen, so later ones skip it (tui/collector.py).
        """
        early = self._early_names
        if early is None or early.target is not self.target:  # no launch read, or another target since
            early = EarlyNames(self.target).start()
            post = self._names_poster(self.target)
            if (names := early.now_or_later(post)) is not None:  # read already
                post(names)
        early.join(EARLY_NAMES_HEAD_START_S)
        with paused_collector():
            from sqla_tui.workbench import Workbench, import_database_layer

            import_database_layer()

        if self._opening is None:
            self._opening = Workbench(self.target, models=self.models, isolated=True)
        self._opening.resolve(progress=self._table_filled)
        return self._opening

    def _names_poster(self, target: Target) -> Callable[[list[TableName]], None]:
        """Posts names read for ``target`` from any thread; ``_show_early_names`` drops them if the target changed."""

        def post(names: list[TableName]) -> None:
            self.post_message(self.NamesRead(names, target))

        return post

    def _table_filled(self, table: str, rows: int) -> None:
        """Progress callback of the demo build; runs in the build thread, and post_message is thread-safe."""
        self.post_message(self.DemoTableFilled(table, rows))

    @on(DemoTableFilled)
    def _show_progress(self, message: DemoTableFilled) -> None:
        from sqla_tui.demo_db.load import demo_table_names

        self.home.table_filled(message.table, message.rows, len(demo_table_names()))

    @on(NamesRead)
    def _show_early_names(self, message: NamesRead) -> None:
        if message.target is self.target and self.workbench is None and not self.failed:  # never over the engine's word
            self.home.show_names(message.names)

    @on(Connected)
    def _show_connected(self, message: Connected) -> None:
        """The home screen lists the tables, then refreshes the keys this session enables."""
        self.home.connected(message.workbench)
        if self.lesson is not None:
            self._open_lesson(self.lesson)
            self.lesson = None

    def _open_lesson(self, name: str) -> None:
        from sqla_tui.tui.screens.learn_screen import LearnScreen  # opened on demand, like every screen

        self.action_open_screen(LEARN)
        screen = self.get_screen(LEARN)
        if name and isinstance(screen, LearnScreen):
            screen.choose(name)

    @on(ConnectionFailed)
    def _show_failure(self, message: ConnectionFailed) -> None:
        self.failed = True
        self.home.connection_failed(message.error)
        self.notify(message.error, title="Connection failed", severity="error", timeout=10)
        self.refresh_bindings()

    @on(HomeScreen.ConnectionChosen)
    def _connection_chosen(self, message: HomeScreen.ConnectionChosen) -> None:
        self.switch_connection(message.name)

    @work(exclusive=True, exit_on_error=False, group="switch")
    async def switch_connection(self, name: str) -> None:
        """Leave the current database for a saved connection (or the demo), asking for its password if it must.

        The password comes from the keyring or its variable like on the
        command line; when only a person can give it, a masked field asks.
        """
        from sqla_tui.settings.connections import PasswordNeeded, resolve
        from sqla_tui.tui.screens.password_modal import PasswordModal

        pool = self.target.pool
        try:
            try:
                target = await asyncio.to_thread(resolve, None if name == DEMO_ALIAS else name, pool)
            except PasswordNeeded as needed:
                password = await self.push_screen_wait(PasswordModal(needed.name, needed.why))
                if password is None:
                    return
                target = await asyncio.to_thread(resolve, name, pool, ask=lambda _: password)
        except UserError as error:
            self.notify(str(error), title="Cannot switch", severity="error", timeout=10)
            return
        await self._retarget(target)

    async def _retarget(self, target: Target) -> None:
        """Close the current workbench and every screen built on it, then connect to ``target``."""
        old = self.workbench or self._opening
        self.workbench = self._opening = None
        while self.screen is not self.home:
            self.pop_screen()
        for entry in SCREENS:
            if self.is_screen_installed(entry.key):
                self.uninstall_screen(entry.key)
        self.target = target
        self.failed = False
        self.home.retarget(target_label(target))
        self.refresh_bindings()
        if old is not None:
            await old.close()
        self.open_connection()

    def action_reconnect(self) -> None:
        """Try the same target again: the server may be up now, the file in place."""
        self.failed = False
        self.home.connecting()
        self.refresh_bindings()
        self.open_connection()

    def _handle_exception(self, error: Exception) -> None:
        """What no guard catches (a widget's own handler, a timer's callback) ends the app with one line.

        Textual's private hook for an unhandled exception, which would print a
        traceback; the app exits with status 2 and the last resort's line
        instead (SQLA_TUI_DEBUG=1 keeps the traceback).
        """
        if debugging():
            super()._handle_exception(error)
            return
        self.exit(return_code=EXIT_USAGE, message=Text(unexpected_line(error, [self.target.url])))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The app's own workers' safety net; screens have theirs (GuardedScreen): this event does not bubble."""
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            self.notify(failure_line(event.worker.error, [self.target.url]), severity="error", timeout=10)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Screen keys are shown but disabled until there is a session; Retry only shows after a failure."""
        if action == "open_screen":
            return self.workbench is not None or None
        if action == "reconnect":
            return self.failed
        if action == "export":
            return isinstance(self.screen, ExportSource)  # hidden where a screen has no tables at all
        return True

    def action_open_screen(self, key: str) -> None:
        """Open a registered screen over the home screen, building it once per session.

        Installed screens keep their state (a loaded catalog, a filter) when
        the user goes back and forth; from one screen to another they swap.
        Screens pushed on top of a registered one (fan-out, EXPLAIN) are
        closed first, so the stack only ever holds home, at most one
        registered screen, and what that screen opened: switching from under
        them would otherwise put an installed screen in the stack twice.
        """
        if self.workbench is None:
            return
        if not self.is_screen_installed(key):
            self.install_screen(entry_for(key).build(self.workbench), name=key)
        while self.screen is not self.home and not self.is_screen_installed(self.screen):
            self.pop_screen()
        if self.screen is self.get_screen(key):
            return
        if self.screen is self.home:
            self.push_screen(key)
        else:
            self.switch_screen(key)

    @on(HomeScreen.TableChosen)
    def _explore_table(self, message: HomeScreen.TableChosen) -> None:
        from sqla_tui.tui.screens.schema_screen import (
            SchemaScreen,  # opened on demand, like every screen
        )

        if self.workbench is None:  # the demo's names list before the engine is up
            self.notify(f"still connecting: Enter opens {message.name} once connected", severity="warning")
            return
        self.action_open_screen(SCHEMA)
        schema = self.get_screen(SCHEMA)
        if isinstance(schema, SchemaScreen):
            schema.reveal(message.name)

    def on_schema_screen_compose_requested(self, message: SchemaScreen.ComposeRequested) -> None:
        """Open the composer over a table; handled by name, so the schema screen is not imported to paint."""
        from sqla_tui.tui.screens.compose_screen import (
            ComposeScreen,  # opened on demand, like every screen
        )

        self.action_open_screen(COMPOSE)
        compose = self.get_screen(COMPOSE)
        if isinstance(compose, ComposeScreen):
            compose.choose_root(message.table, message.schema)

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        if self.workbench is None:
            return
        for entry in SCREENS:
            yield SystemCommand(entry.title, entry.help, lambda key=entry.key: self.action_open_screen(key))
        yield from screen_actions(screen)

    async def on_unmount(self) -> None:
        """Close every pooled connection, so the server sees us leave; write the lag samples if asked."""
        self._listen_for_sigterm(False)
        self._restore_collector()
        if self.heartbeat is not None:
            self.heartbeat.write()
        bench = self.workbench or self._opening
        if bench is not None:
            await bench.close()
