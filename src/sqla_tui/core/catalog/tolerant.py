"""Column types for reflected tables that show what a column holds, not what its declared type promises.

SQLite stores any value in any column, so a DECIMAL, DATE, BOOLEAN or JSON
column of a real database can hold ``'N/A'``; SQLAlchemy's converter for the
declared type raises on it, and one such row makes a whole query unreadable.
Some converters do not raise but change the value: SQLite's BOOLEAN reads
``'false'`` and ``7`` as True, a DECIMAL read from a binary float is cut to
ten places (``1e-20`` shows as 0), and MySQL's TIME, which is a duration up
to ``838:59:59``, keeps only the hours of the last day. Wrapped by
``tolerant``, a value comes back converted only when the conversion is
faithful, else as the driver returned it, so the row loads, shows the truth
and is counted.
"""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Callable
from typing import Any

from sqlalchemy import types as sqltypes
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine

_Processor = Callable[[Any], Any]


class Tolerant(TypeDecorator[Any]):
    """``declared`` in every respect but reading: a value its converter rejects is kept as the driver's value."""

    impl: TypeEngine[Any] | type[TypeEngine[Any]] = TypeEngine
    cache_ok = True

    def __init__(self, declared: TypeEngine[Any]) -> None:
        super().__init__()
        self.declared = declared  # read by the cache key: two Tolerant types differ by what they wrap
        self.impl = declared

    @property
    def python_type(self) -> type:
        return self.declared.python_type

    def result_processor(self, dialect: Dialect, coltype: object) -> _Processor | None:
        convert = super().result_processor(dialect, coltype)
        return None if convert is None else self.faithful(convert)

    def faithful(self, convert: _Processor) -> _Processor:
        """``convert``, except that a value it cannot convert stays as it is."""

        def process(value: Any) -> Any:
            try:
                return convert(value)
            except (ValueError, TypeError, ArithmeticError):
                return value

        return process


class TolerantDecimal(Tolerant):
    """A DECIMAL/NUMERIC whose driver hands over numbers as binary floats or integers (SQLite, MySQL's DOUBLE): their own digits.

    SQLAlchemy formats the number to the column's scale (ten places without
    one), which shows ``1e-20`` as ``0E-10``, ``1.2345678901234568e28`` with
    29 digits the database never held, and ``5`` as ``5.0000000000``.
    """

    cache_ok = True  # read from each class's own namespace

    def faithful(self, convert: _Processor) -> _Processor:
        convert = super().faithful(convert)

        def process(value: Any) -> Any:
            if isinstance(value, float):
                return decimal.Decimal(repr(value))
            return decimal.Decimal(value) if isinstance(value, int) else convert(value)

        return process


class TolerantBoolean(Tolerant):
    """A BOOLEAN stored as an integer (SQLite): 0 and 1 are False and True; ``'false'``, ``7`` or ``'N/A'`` stay as stored."""

    cache_ok = True  # read from each class's own namespace

    def faithful(self, convert: _Processor) -> _Processor:
        def process(value: Any) -> Any:
            return convert(value) if value is None or (isinstance(value, int) and value in (0, 1)) else value

        return process


class Duration(Tolerant):
    """MySQL/MariaDB TIME, a duration: a time of day when it is one, else the duration the driver read (``838:59:59``, ``-01:00:00``)."""

    cache_ok = True  # read from each class's own namespace

    def faithful(self, convert: _Processor) -> _Processor:
        convert = super().faithful(convert)
        day = datetime.timedelta(days=1)

        def process(value: Any) -> Any:
            if isinstance(value, datetime.timedelta) and not datetime.timedelta(0) <= value < day:
                return value
            return convert(value)

        return process


def tolerant(declared: TypeEngine[Any], dialect: Dialect) -> TypeEngine[Any]:
    """``declared``, wrapped when this dialect converts what it reads (else there is nothing to guard).

    Whether a type converts can depend on the driver's type code, unknown
    until a result arrives; a type that cannot say without one is wrapped.
    """
    try:
        converts = declared.dialect_impl(dialect).result_processor(dialect, None) is not None
    except Exception:  # noqa: BLE001 - any type: wrapping is always safe
        converts = True
    if not converts:
        return declared
    if isinstance(declared, (sqltypes.Numeric, sqltypes.Float)) and declared.asdecimal:
        return TolerantDecimal(declared)
    if isinstance(declared, sqltypes.Boolean):
        return TolerantBoolean(declared)
    if isinstance(declared, sqltypes.Time) and dialect.name in ("mysql", "mariadb"):
        return Duration(declared)
    return Tolerant(declared)
