"""The footer of every screen: Textual's Footer, rebuilt only when the keys it shows change."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer

from sqla_tui.tui.internals import bindings_ready, footer_key_class, is_pruning

Keys = tuple[tuple[str, str, str, bool, str], ...]


class KeyFooter(Footer):
    """Skips a rebuild that would show the same keys, and styles each key once.

    Textual's Footer mounts a fresh widget per key each time its screen says
    "bindings updated": on resume, on every focus change, on every
    ``refresh_bindings``, one rebuild per signal even within one frame. The
    schema screen's first 200 ms held four rebuilds of 12-16 ms each, the
    home screen's start four more (benchmarks/ui_lag.py, startup.py); most
    showed what was already there.

    Each key is born compact and told at mount that the footer is not, so
    Textual restyled every key twice as it mounted (a third of the footer's
    build); here each key bound to the footer's ``compact`` starts with it
    and its class (the command palette's key is not bound, and stays compact).
    """

    _shown: Keys | None = None

    async def recompose(self) -> None:
        if not self.is_attached or is_pruning(self):  # a rebuild queued before its screen closed: nothing to show
            return
        keys = self._keys()
        if keys is not None and keys == self._shown:
            return
        self._shown = keys
        await super().recompose()

    def compose(self) -> ComposeResult:
        key_class = footer_key_class()
        for widget in super().compose():
            if isinstance(widget, key_class) and not widget.has_class("-command-palette"):  # that one stays compact
                widget.set_reactive(key_class.compact, self.compact)  # type: ignore[attr-defined]  # FooterKey's reactive
                widget.set_class(self.compact, "-compact", update=False)
            yield widget

    def _keys(self) -> Keys | None:
        """What ``compose`` would show: every shown binding (and the palette's) with its state; None before any.

        None too when Textual no longer says whether bindings are known: then every rebuild happens, as in Footer.
        """
        if not bindings_ready(self):
            return None
        palette = self.app.COMMAND_PALETTE_BINDING if self.show_command_palette else None
        return tuple(
            (binding.key, self.app.get_key_display(binding), binding.description, enabled, tooltip)
            for key, (_, binding, enabled, tooltip) in self.screen.active_bindings.items()
            if binding.show or key == palette
        )
