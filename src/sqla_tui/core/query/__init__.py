"""A query as plain data, its loader tree, and what running it really did: statements, rows, fan-out.

Import the modules themselves (``from sqla_tui.core.query.fanout import ...``); this
package imports nothing, so naming it costs no SQLAlchemy import.
"""

__all__ = ["fanout", "loader_tree", "preview", "run", "spec", "statement"]
