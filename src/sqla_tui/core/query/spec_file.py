"""A QuerySpec as a JSON file (``--save`` / ``--spec``): every field checked, every failure one line.

A spec file is user input like any flag: it may be hand-edited, truncated,
not UTF-8, a directory, or hold ``null`` or a list where a name belongs. Its
shape is checked against the spec's dataclasses field by field before
anything uses it, so the line names the field (``loads[0].path``) instead of a
TypeError surfacing three layers later.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from pathlib import Path
from typing import Any

from sqla_tui.core.errors import UserError
from sqla_tui.core.query.spec import QuerySpec

_FIX = "fix it, or save a new one with --save"


def save_spec(spec: QuerySpec, path: Path) -> None:
    """Write ``spec`` as indented JSON; a path that cannot be written is one line."""
    try:
        path.write_text(json.dumps(spec_data(spec), indent=2) + "\n", encoding="utf-8")
    except IsADirectoryError:
        raise UserError(f"cannot save the query spec to {path}: it is a directory; name a file in it") from None
    except FileNotFoundError:
        raise UserError(f"cannot save the query spec to {path}: directory {path.parent} does not exist") from None
    except OSError as error:
        raise UserError(f"cannot save the query spec to {path}: {error.strerror or error}") from None


def load_spec(path: Path) -> QuerySpec:
    """Read a spec ``save_spec`` wrote (or a person edited); anything else is one line naming what is wrong."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UserError(f"spec file {path} does not exist") from None
    except IsADirectoryError:
        raise UserError(f"spec file {path} is a directory; give the JSON file --save wrote") from None
    except UnicodeDecodeError:
        raise UserError(f"spec file {path} is not UTF-8 text; give the JSON file --save wrote") from None
    except OSError as error:
        raise UserError(f"cannot read spec file {path}: {error.strerror or error}") from None
    try:
        data = json.loads(text, parse_constant=_not_json)
    except ValueError as error:
        where = f" at line {error.lineno}" if isinstance(error, json.JSONDecodeError) else ""
        reason = error.msg if isinstance(error, json.JSONDecodeError) else str(error)
        raise UserError(f"spec file {path} is not valid JSON: {reason}{where}") from None
    return spec_from_data(data, f"spec file {path}", _FIX)


def spec_from_data(data: Any, source: str, fix: str) -> QuerySpec:
    """A QuerySpec from JSON data (a spec file's, a history entry's), checked field by field; ``source`` names it."""
    if not isinstance(data, dict):
        raise UserError(f"{source} must hold a JSON object (a saved query spec), not {_kind(data)}; {fix}")
    try:
        return _build(QuerySpec, data, "")
    except _ShapeError as error:
        raise UserError(f"{source} is not a saved query spec: {error}; {fix}") from None


def spec_data(spec: QuerySpec) -> dict[str, Any]:
    """The spec as JSON-ready data: what a spec file and a history entry hold.

    ``schema`` is written only when the root is outside the default schema,
    and ``models`` only for a run over the user's models, so the files and
    history of other queries read as they always did (and an older sqla-tui
    still reads them).
    """
    data = json.loads(json.dumps(dataclasses.asdict(spec), default=str))
    for optional in ("schema", "models"):
        if data[optional] is None:
            del data[optional]
    return data


class _ShapeError(Exception):
    """One field of the file has the wrong shape; the text names it."""


def _not_json(constant: str) -> None:
    raise ValueError(f"{constant} is not a JSON number")


def _build(cls: type, data: Any, where: str) -> Any:
    """Instantiate dataclass ``cls`` from ``data``, checking each field against its annotation."""
    if not isinstance(data, dict):
        raise _ShapeError(f"{where or 'the file'} must be an object, not {_kind(data)}")
    fields = {field.name: field for field in dataclasses.fields(cls)}
    hints = typing.get_type_hints(cls)
    unknown = sorted(set(data) - set(fields))
    if unknown:
        raise _ShapeError(f"{where or 'the spec'} has no field {unknown[0]!r}")
    missing = [
        name
        for name, field in fields.items()
        if name not in data and field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING
    ]
    if missing:
        raise _ShapeError(f"{where or 'the spec'} needs {missing[0]!r}")
    return cls(**{name: _checked(value, hints[name], f"{where}.{name}" if where else name) for name, value in data.items()})


def _checked(value: Any, hint: Any, where: str, *, nullable: bool = False) -> Any:
    """``value`` if it has the shape ``hint`` describes (the few types a spec uses), else a _ShapeError."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _build(hint, value, where)
    if origin in (types.UnionType, typing.Union) and type(None) in args:
        (inner,) = [arg for arg in args if arg is not type(None)]
        return None if value is None else _checked(value, inner, where, nullable=True)
    if origin is list:
        if not isinstance(value, list):
            raise _ShapeError(f"{where} must be a list, not {_kind(value)}")
        return [_checked(item, args[0], f"{where}[{index}]") for index, item in enumerate(value)]
    if hint is Any:  # a filter's value: text, a number, true/false, null, or a list of those
        items = value if isinstance(value, list) else [value]
        if any(isinstance(item, (list, dict)) for item in items):
            raise _ShapeError(f"{where} must be a value or a list of values, not {_kind(value)} holding lists or objects")
        return value
    if not isinstance(value, hint) or (hint is int and isinstance(value, bool)):
        expected = {str: "a string", bool: "true or false", int: "a whole number"}[hint]
        raise _ShapeError(f"{where} must be {expected}{' or null' if nullable else ''}, not {_kind(value)}")
    return value


def _kind(value: Any) -> str:
    """How a JSON value is named in a message."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return "a list" if isinstance(value, list) else "an object"
