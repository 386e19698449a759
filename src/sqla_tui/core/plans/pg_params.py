"""``--param`` values typed as PostgreSQL types the placeholders they fill.

asyncpg sends a parameter only as the Python value of the type the server
gave its placeholder: ``created > $1`` takes a ``date``, never the text
``'2024-01-01'`` that a command line holds, and ``code = $1`` takes text,
never the number ``123`` that ``--param 123`` reads as. psql would let the
server read the text; here the statement is prepared first (it is not run),
its placeholders' types read, and each value made that type, or refused in
one line naming it. A type with no such conversion keeps the value as given.
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from collections.abc import Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from sqla_tui.core.errors import UserError

_FROM_TEXT: dict[str, Callable[[str], Any]] = {
    "date": datetime.date.fromisoformat,
    "timestamp": datetime.datetime.fromisoformat,
    "timestamptz": datetime.datetime.fromisoformat,
    "time": datetime.time.fromisoformat,
    "uuid": uuid.UUID,
    "numeric": decimal.Decimal,
    "int2": int,
    "int4": int,
    "int8": int,
    "float4": float,
    "float8": float,
    "bool": lambda text: {"true": True, "false": False, "t": True, "f": False}[text.lower()],
    "bytea": str.encode,
}
"""By PostgreSQL's type name (``pg_type.typname``): how a value given as text becomes what asyncpg sends."""
_TEXTS = frozenset(("text", "varchar", "bpchar", "name", "citext"))


async def typed_params(conn: AsyncConnection, sql: str, params: Any) -> Any:
    """``params`` (positional) as the types of ``sql``'s placeholders; as given when there are none or the
    statement cannot be prepared (its error then comes from running it, as it would have)."""
    if not isinstance(params, (list, tuple)) or not params:
        return params
    driver: Any = (await conn.get_raw_connection()).driver_connection  # asyncpg's Connection
    try:
        async with driver.transaction():  # a savepoint: a statement that does not prepare leaves the rest usable
            types = [parameter.name for parameter in (await driver.prepare(sql)).get_parameters()]
    except Exception:  # noqa: BLE001 - asyncpg's own errors: the statement's run reports them worded
        return params
    return tuple(_typed(number, value, name) for number, (value, name) in enumerate(zip(params, types), start=1))


def _typed(number: int, value: Any, type_name: str) -> Any:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and type_name in _TEXTS:
        return str(value)
    convert = _FROM_TEXT.get(type_name)
    if not isinstance(value, str) or convert is None:
        return value
    try:
        return convert(value)
    except (ValueError, KeyError, decimal.InvalidOperation):
        raise UserError(f"--param {number} ({value!r}) is not a valid {type_name}, the type of ${number} there") from None
