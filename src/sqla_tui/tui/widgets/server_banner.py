"""The one-line header: where the app is connected, never with a password."""

from __future__ import annotations

from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget

from sqla_tui.core.connect import ServerInfo, Target, display_url, mask_url_text, parse_url
from sqla_tui.core.errors import UserError


def target_label(target: Target) -> str:
    """How the banner names a target before it is connected, password masked."""
    if target.is_demo:
        return "the demo database"
    raw = target.url or ""
    try:
        return display_url(parse_url(raw))
    except UserError:
        return mask_url_text(raw)


class ServerBanner(Widget):
    """Masked URL, dialect+driver, server version and pool class once connected; the target before."""

    info: reactive[ServerInfo | None] = reactive(None)
    """Set by the screen when the connection is up."""

    def __init__(self, label: str, info: ServerInfo | None = None, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.label = label
        self.set_reactive(ServerBanner.info, info)

    def render(self) -> Content:
        if self.info is None:
            return Content(f"sqla-tui · {self.label}")
        info = self.info
        return Content(
            " · ".join(
                ["sqla-tui", info.url, f"{info.dialect}+{info.driver}", info.server_version, info.pool_class]
            )
        )
