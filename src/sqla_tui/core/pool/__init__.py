"""The pool lab: a load generator, the server's view of our sessions, and one watched run.

Import the modules themselves (``from sqla_tui.core.pool.activity import ...``); this
package imports nothing, so naming it costs no SQLAlchemy import.
"""

__all__ = ["activity", "load", "run", "watched"]
