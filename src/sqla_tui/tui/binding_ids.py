"""Every key binding's id, for checking a ``[keymap]`` without importing every screen at start-up.

Textual ignores a keymap entry whose id no binding has, so a typo (``compose.runn``)
remapped nothing and said nothing. The screens are imported when first opened
(the first frame paints without them), so the ids are listed here;
tests/test_keymap.py checks this list against every Binding the package declares.
"""

from __future__ import annotations

import difflib

BINDING_IDS = frozenset((
    "app.compose", "app.export", "app.learn", "app.pool", "app.quit", "app.reconnect", "app.schema",
    "attach.explain", "attach.quit", "compose.back", "compose.cancel_run", "compose.copy_python",
    "compose.copy_sql", "compose.explain", "compose.fanout", "compose.focus_limit", "compose.focus_order",
    "compose.focus_where", "compose.history", "compose.into_roots", "compose.loader_cycle",
    "compose.loader_pick_0", "compose.loader_pick_1", "compose.loader_pick_2", "compose.loader_pick_3",
    "compose.loader_pick_4", "compose.loader_pick_5", "compose.loader_pick_6", "compose.loader_pick_7",
    "compose.loader_pick_8", "compose.loader_pick_9", "compose.loader_touch", "compose.next_in_run",
    "compose.previous_in_run", "compose.remove_filter", "compose.run", "compose.run_anywhere",
    "compose.save_script", "explain.back", "explain.cancel", "explain.toggle_analyze", "explain.toggle_raw",
    "export.cancel", "fanout.back", "fanout.cancel", "fanout.fewer_runs", "fanout.measure", "fanout.memory",
    "fanout.more_runs", "fanout.save_script", "history.back", "history.into_list", "learn.back", "learn.next_step",
    "learn.previous_step", "learn.run_again", "loaders.close", "loaders.cycle", "loaders.explain", "loaders.open",
    "loaders.pick_0", "loaders.pick_1", "loaders.pick_2", "loaders.pick_3", "loaders.pick_4", "loaders.pick_5",
    "loaders.pick_6", "loaders.pick_7", "loaders.pick_8", "loaders.pick_9", "loaders.touch", "number_field.run",
    "password.cancel", "pool.back", "pool.settings", "pool.start", "pool.stop", "pool_settings.apply",
    "pool_settings.cancel", "schema.back", "schema.compose_table", "schema.focus_filter", "schema.focus_tree",
    "schema_tree.close_node", "schema_tree.open_node", "strategy_note.close",
))  # fmt: skip


def unknown_binding(binding_id: str) -> str:
    """Why ``binding_id`` remaps nothing, with the closest ids, in one line."""
    close = difflib.get_close_matches(binding_id, sorted(BINDING_IDS), n=3)
    hint = f"did you mean {', '.join(close)}?" if close else "README's key table lists them"
    return f"[keymap] {binding_id} is no key binding's id, so it remaps nothing; {hint}"
