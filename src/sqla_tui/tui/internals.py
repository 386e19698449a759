"""The private parts of Textual that sqla-tui reads, named here and nowhere else.

Three speed-ups lean on Textual's internals: the footer skips rebuilds that
would show the same keys (it must know whether its screen is being torn down
and whether bindings are known yet) and starts its keys with its own
``compact`` (so each is styled once), and the schema tree holds back the
line-cache invalidation ``TreeNode.add`` triggers per node. Each accessor
degrades to Textual's own behaviour when the attribute is gone (a rebuild,
an invalidation: slower, never wrong), and ``tests/test_internals.py``
fails naming the attribute when an upgrade removes one. ``PRIVATE`` lists them,
with the private hooks the app overrides (``tui/failure.py``,
``SqlaTuiApp._handle_exception``: if Textual renames one, the override is
never called and Textual's own traceback ending returns; ``FactTable._render_cell``:
tables draw again at DataTable's own speed), which the test names.
"""

from __future__ import annotations

from typing import Any

PRIVATE: dict[str, str] = {
    "textual.widget.Widget._pruning": "a footer rebuild queued while its screen closes is skipped",
    "textual.widgets.Footer._bindings_ready": "the footer compares keys only once bindings are known",
    "textual.widgets.Tree._invalidate": "the schema tree lays its lines out once per slice of names",
    "textual.widgets._footer.FooterKey": "tests find the footer's keys by their widget class",
    "textual.widgets._footer.FooterKey.compact": "KeyFooter gives each key the footer's compact before it mounts",
    "textual.message_pump.MessagePump._dispatch_message": (
        "tui/failure.HandlerGuard overrides it: a handler's exception is a notification, not a frozen screen"
    ),
    "textual.app.App._handle_exception": "SqlaTuiApp overrides it: what no guard catches ends with one line, exit 2",
    "textual.widgets.DataTable._render_cell": (
        "FactTable overrides it to draw each cell once per text; renamed, tables draw at DataTable's own speed"
    ),
}
"""Every private name read in tui/ or its tests, with what it buys."""


def is_pruning(widget: Any) -> bool:
    """Whether Textual is removing this widget's screen (False when Textual no longer says)."""
    return bool(getattr(widget, "_pruning", False))


def bindings_ready(footer: Any) -> bool | None:
    """Whether a Footer has received its screen's bindings; None when Textual no longer says."""
    ready = getattr(footer, "_bindings_ready", None)
    return None if ready is None else bool(ready)


def invalidate_lines(tree: Any) -> None:
    """Have a Tree lay its lines out again (its private ``_invalidate``); a plain refresh when that is gone."""
    invalidate = getattr(tree, "_invalidate", None)
    if invalidate is None:
        tree.refresh(layout=True)
    else:
        invalidate()


def footer_key_class() -> type:
    """The widget class Footer draws each key with."""
    from textual.widgets._footer import FooterKey

    return FooterKey
