"""The first screen: where we are connected, and what tables are there."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import OptionList

from sqla_tui.tui.screens.guarded_screen import GuardedScreen
from sqla_tui.tui.widgets.connect_status import ConnectStatus
from sqla_tui.tui.widgets.connection_list import ConnectionList
from sqla_tui.tui.widgets.key_footer import KeyFooter
from sqla_tui.tui.widgets.relation_list import RelationList
from sqla_tui.tui.widgets.screen_guide import ScreenGuide
from sqla_tui.tui.widgets.server_banner import ServerBanner

if TYPE_CHECKING:
    from sqla_tui.core.catalog.names import TableName
    from sqla_tui.tui.navigation import ScreenEntry
    from sqla_tui.workbench import Workbench


class HomeScreen(GuardedScreen):
    """Paints at once with the target's name; the app fills it in as the connection comes up."""

    AUTO_FOCUS = ""
    """Nothing to focus before the tables are listed (``load_names`` focuses the list then); a focus
    change at mount would also rebuild every footer key twice before the tables show."""

    @dataclass
    class TableChosen(Message):
        """The user pressed Enter on a table or view in the list."""

        name: str
        """The table or view chosen."""

    @dataclass
    class ConnectionChosen(Message):
        """The user pressed Enter on a saved connection (or the demo) in the list."""

        name: str
        """The saved name, or ``demo``."""

    def __init__(self, label: str, guide: Sequence[ScreenEntry], connections: Sequence[str] = ()) -> None:
        super().__init__()
        self.label = label
        self.guide = guide
        self.connections = connections
        """Saved names to offer; none when a URL or name was given (the list is then not shown)."""
        self._names_at_mount: Sequence[TableName] | None = None
        self._listable = False
        """Set as the screen mounts (``is_mounted`` is not, yet): names shown before it wait in ``_names_at_mount``."""

    def on_mount(self) -> None:
        self._listable = True
        if self._names_at_mount is not None:
            self._list_names(self._names_at_mount)
            self._names_at_mount = None

    def compose(self) -> ComposeResult:
        yield ServerBanner(self.label)
        yield ConnectStatus()
        with Horizontal(id="home-body"):
            yield RelationList(id="relations")
            with Vertical(id="home-side"):
                if self.connections:
                    yield ConnectionList(self.connections, id="connections")
                yield ScreenGuide(self.guide, id="screen-guide")
        yield KeyFooter()

    def retarget(self, label: str) -> None:
        """Forget the tables shown and name the new target, while the app connects to it."""
        banner = self.query_one(ServerBanner)
        banner.label, banner.info = label, None
        banner.refresh()
        self.query_one(RelationList).show([])
        self.connecting()

    def table_filled(self, table: str, rows: int, total_tables: int) -> None:
        self.query_one(ConnectStatus).table_filled(table, rows, total_tables)

    def connecting(self) -> None:
        """Back to the spinner, for another attempt."""
        status = self.query_one(ConnectStatus)
        status.phase = "connecting"
        status.message = "connecting…"
        self.query_one(RelationList).border_title = "Tables"

    def connection_failed(self, error: str) -> None:
        self.query_one(ConnectStatus).failed(error)
        self.query_one(RelationList).border_title = "Tables · not connected"

    def show_names(self, names: Sequence[TableName]) -> None:
        """Names read through the raw driver before the engine is up: listed and browsable; keys wait.

        Names read while Textual imported come before this screen has composed:
        they are listed as it mounts, so they are in the first frame.
        """
        if self._listable:
            self._list_names(names)
        else:
            self._names_at_mount = names

    def _list_names(self, names: Sequence[TableName]) -> None:
        relation_list = self.query_one(RelationList)
        relation_list.show(names)
        relation_list.focus()

    def connected(self, workbench: Workbench) -> None:
        """Start listing the tables; the status says so until they are on screen."""
        self.query_one(ConnectStatus).message = "listing tables…"
        self.load_names(workbench)

    @work(exclusive=True, exit_on_error=False, group="names")
    async def load_names(self, workbench: Workbench) -> None:
        """List table and view names (milliseconds, even for big schemas) and focus the list.

        The banner, the status, the list and the screen keys the workbench
        enables all change together once the names arrive: one layout of the
        screen instead of two before the tables show (benchmarks/startup.py).
        """
        relation_list = self.query_one(RelationList)
        try:
            relation_list.show(await workbench.names())
        finally:
            self.query_one(ServerBanner).info = workbench.info
            self.query_one(ConnectStatus).phase = "connected"
            self.refresh_bindings()
        relation_list.focus()

    @on(OptionList.OptionSelected, "#connections")
    def _connection_chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.post_message(self.ConnectionChosen(event.option.id))

    @on(OptionList.OptionSelected, "#relations")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.post_message(self.TableChosen(event.option.id))
