"""The server's own id for a connection, read off the driver connection.

The pool monitor records it on connect, the server-activity view filters by
it, and a statement is cancelled on the server by it (``cancel``), so the
ids that belong to one pool are known on every side.
"""

from __future__ import annotations

from typing import Any


def session_id(driver_connection: Any) -> int | None:
    """The server's id for a driver connection: PostgreSQL backend pid, MySQL connection id."""
    for method in ("get_server_pid", "thread_id"):  # asyncpg, aiomysql
        getter = getattr(driver_connection, method, None)
        if getter is not None:
            return int(getter())
    return None
