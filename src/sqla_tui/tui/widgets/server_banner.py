"""The one-line header: where the app is connected, never with a password."""

from __future__ import annotations

import functools
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget

from sqla_tui.core.connect.masking import mask_url
from sqla_tui.core.connect.target import Target
from sqla_tui.core.errors import UserError

if TYPE_CHECKING:
    from sqla_tui.core.connect.engine import ServerInfo


def target_label(target: Target) -> str:
    """How the banner names a target before it is connected, password masked.

    Read without SQLAlchemy (``core.connect.url.check_url``), so the first frame does not wait for its import.
    """
    if target.is_demo:
        return "the demo database"
    from sqla_tui.core.connect.url import check_url, display_url

    raw = target.url or ""
    try:
        shown = display_url(check_url(raw))
    except UserError:
        shown = mask_url(raw)
    return f"{target.name} ({shown})" if target.name else shown


@functools.cache  # the banner renders it on every repaint; a session shows one or two URLs
def database_name(shown_url: str) -> str:
    """Which database, in a few characters: a SQLite file's name, else ``database@host``; "" for what no URL names.

    It leads the banner: at 80 columns the URL, last, is cut before its
    database, and nothing else on the screen says which one is open.
    """
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        url = make_url(shown_url)
    except ArgumentError:
        return ""
    if url.get_backend_name() == "sqlite":
        return PurePath(url.database).name if url.database and url.database != ":memory:" else "in memory"
    name = url.database or "no database"
    return f"{name}@{url.host}" if url.host else name


class ServerBanner(Widget):
    """Which database, server version, dialect+driver, pool class and masked URL once connected; the target before.

    The URL goes last: it is the long part, and the banner cuts it with an
    ellipsis rather than lose the short facts; the database's name leads.
    """

    info: reactive[ServerInfo | None] = reactive(None)
    """Set by the screen when the connection is up."""

    def __init__(self, label: str, info: ServerInfo | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.label = label
        self.set_reactive(ServerBanner.info, info)

    def render(self) -> Content:
        if self.info is None:
            facts = [f"connecting to {self.label}…"]
        else:
            info = self.info
            facts = [database_name(info.url), info.server_version, f"{info.dialect}+{info.driver}", info.pool_class, info.url]
        return Content.assemble(("sqla-tui", "$accent"), "  ", " · ".join(facts))
