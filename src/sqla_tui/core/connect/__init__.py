"""What to connect to and how: the URL grammar, the target, the engine, failures in one line, and server-side cancel.

Import the modules themselves (``from sqla_tui.core.connect.cancel import ...``); this
package imports nothing, so naming it costs no SQLAlchemy import.
"""

__all__ = ["cancel", "engine", "failures", "masking", "session_ids", "target", "url"]
