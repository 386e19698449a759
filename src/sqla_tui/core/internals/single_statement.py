"""aiomysql connections that refuse several statements in one call.

aiomysql adds ``CLIENT.MULTI_STATEMENTS`` to every connection's capability
flags itself, whatever ``client_flag`` it is given, so ``SELECT 1; DROP
TABLE t`` reaches MariaDB as two statements. Here the flag is cleared on the
connection object before its handshake, which happens in aiomysql's private
``Connection._connect()`` (what its public ``connect()`` calls after building
the object): there is no public way to connect without the flag. SQLAlchemy
calls :func:`connect` through the ``async_creator_fn`` connect argument of its
aiomysql adapter, with the same arguments it would give ``aiomysql.connect``.
``tests/test_guard.py`` checks that the server then rejects a second statement.
"""

from __future__ import annotations

from typing import Any


async def connect(**arguments: Any) -> Any:
    """An ``aiomysql.Connection`` whose server executes one statement per call, no more."""
    import aiomysql
    from pymysql.constants import CLIENT

    connection = aiomysql.Connection(**arguments)
    connection.client_flag &= ~CLIENT.MULTI_STATEMENTS
    await connection._connect()  # private: aiomysql.connect() sets MULTI_STATEMENTS and offers no way out
    return connection
