"""The one-line header: where the app is connected, never with a password."""

from __future__ import annotations

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


class ServerBanner(Widget):
    """Server version, dialect+driver, pool class and masked URL once connected; the target before.

    The URL goes last: it is the long part, and the banner cuts it with an
    ellipsis rather than lose the short facts.
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
            facts = [info.server_version, f"{info.dialect}+{info.driver}", info.pool_class, info.url]
        return Content.assemble(("sqla-tui", "$accent"), "  ", " · ".join(facts))
