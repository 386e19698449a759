"""Dataclasses opened one level at a time, for the JSON encoders of the CLI and the attach feed.

``dataclasses.asdict`` deep-copies every value below a dataclass before an
encoder walks it again: a pool snapshot took 150 µs that way, ten times a
second inside someone else's application. An encoder that calls
``json_value`` meets each dataclass once, opens it into a dict of its fields
and walks on into them itself.
"""

from __future__ import annotations

import dataclasses
import functools
import operator
from collections.abc import Callable
from typing import Any


def fields_of(value: Any) -> dict[str, Any]:
    """A dataclass's fields as a dict, one level deep: unlike ``dataclasses.asdict``, nothing below is copied."""
    cls: type = type(value)  # mypy holds a type[Any] not Hashable (python/mypy#11470); a plain type it does
    names, read = fields_reader(cls)
    return dict(zip(names, read(value), strict=True))


@functools.cache
def fields_reader(cls: type) -> tuple[tuple[str, ...], Callable[[Any], tuple[Any, ...]]]:
    """Once per class, a class's field names and a getter of all their values at once.

    ``dataclasses.fields`` rebuilds its answer on every call: over the
    36,000 columns of a 2,000-table schema that alone took ~0.3 s.
    """
    names = tuple(field.name for field in dataclasses.fields(cls))
    getter = operator.attrgetter(*names)
    return names, (getter if len(names) > 1 else lambda value: (getter(value),))


def json_value(value: Any) -> Any:
    """``default=`` for a JSON encoder: a dataclass as its fields (the encoder walks on into them), anything else as text."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return fields_of(value)
    if isinstance(value, memoryview):  # a binary parameter as sqlite3 takes it: shown as the bytes it holds
        return str(value.tobytes())
    return str(value)
