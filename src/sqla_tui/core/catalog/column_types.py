"""A column's type as the catalog spells it, turned back into SQLAlchemy source and a Python annotation.

The catalog keeps types as the database's own words (``character
varying(200)``, ``timestamp with time zone``, ``INTEGER(11)``, ``integer[]``)
because that is what the schema screen shows; the model export needs them as
code. Portable SQLAlchemy types are preferred (``String(200)``,
``DateTime(timezone=True)``) so a generated module runs on the other
backends too; a dialect's own type is used where no portable one creates the
same column (``JSONB``, ``LONGTEXT``, ``TINYINT``); a type nothing here knows
is the dialect's by its ``ischema_names``, else ``NullType``.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy.engine import Dialect

from sqla_tui.core.catalog.source import literal

SA = "sqlalchemy"
SA_TYPES = "sqlalchemy.types"


@dataclass(frozen=True)
class CodeType:
    """A column type as source: the SQLAlchemy expression, the ``Mapped[...]`` type, and what they import."""

    sql: str
    python: str
    names: frozenset[tuple[str, str]] = field(default_factory=frozenset)
    """(module, name) pairs to import with ``from module import name``."""
    modules: frozenset[str] = field(default_factory=frozenset)
    """Modules to import whole (``datetime`` for ``datetime.date``)."""


_SHAPE = re.compile(r"^(?P<base>[a-z_][a-z0-9_ ]*?)\s*(?:\((?P<args>[^()]*)\))?(?P<rest>(?:\s+[a-z_]+)*)$")
_NOISE = re.compile(r"\s+(character set|charset|collate)\s+\S+|\s+(unsigned|zerofill)\b")
_ENUM = re.compile(r"^enum\((?P<values>.*)\)$", re.IGNORECASE | re.DOTALL)
_QUOTED = re.compile(r"'((?:[^']|'')*)'")

_PYTHON = {
    "int": ("int", None),
    "str": ("str", None),
    "float": ("float", None),
    "bool": ("bool", None),
    "bytes": ("bytes", None),
    "dict": ("dict", None),
    "decimal": ("decimal.Decimal", "decimal"),
    "date": ("datetime.date", "datetime"),
    "datetime": ("datetime.datetime", "datetime"),
    "time": ("datetime.time", "datetime"),
    "timedelta": ("datetime.timedelta", "datetime"),
    "uuid": ("uuid.UUID", "uuid"),
}

# (database words) -> (module, type name, python kind, whether the arguments are kept)
_PORTABLE: dict[str, tuple[str, str, str, bool]] = {
    "integer": (SA, "Integer", "int", False),
    "int": (SA, "Integer", "int", False),
    "int4": (SA, "Integer", "int", False),
    "serial": (SA, "Integer", "int", False),
    "bigint": (SA, "BigInteger", "int", False),
    "int8": (SA, "BigInteger", "int", False),
    "bigserial": (SA, "BigInteger", "int", False),
    "smallint": (SA, "SmallInteger", "int", False),
    "int2": (SA, "SmallInteger", "int", False),
    "varchar": (SA, "String", "str", True),
    "character varying": (SA, "String", "str", True),
    "nvarchar": (SA, "String", "str", True),
    "char": (SA, "CHAR", "str", True),
    "character": (SA, "CHAR", "str", True),
    "bpchar": (SA, "CHAR", "str", True),
    "nchar": (SA, "CHAR", "str", True),
    "text": (SA, "Text", "str", False),
    "clob": (SA, "Text", "str", False),
    "numeric": (SA, "Numeric", "decimal", True),
    "decimal": (SA, "Numeric", "decimal", True),
    "float": (SA, "Float", "float", False),
    "double": (SA, "Double", "float", False),
    "double precision": (SA, "Double", "float", False),
    "float8": (SA, "Double", "float", False),
    "real": (SA, "REAL", "float", False),
    "float4": (SA, "REAL", "float", False),
    "boolean": (SA, "Boolean", "bool", False),
    "bool": (SA, "Boolean", "bool", False),
    "date": (SA, "Date", "date", False),
    "datetime": (SA, "DateTime", "datetime", False),
    "timestamp": (SA, "DateTime", "datetime", False),
    "timestamp without time zone": (SA, "DateTime", "datetime", False),
    "time": (SA, "Time", "time", False),
    "time without time zone": (SA, "Time", "time", False),
    "interval": (SA, "Interval", "timedelta", False),
    "blob": (SA, "LargeBinary", "bytes", False),
    "bytea": (SA, "LargeBinary", "bytes", False),
    "varbinary": (SA, "VARBINARY", "bytes", True),
    "binary": (SA, "BINARY", "bytes", True),
    "json": (SA, "JSON", "dict", False),
    "uuid": (SA, "Uuid", "uuid", False),
}

_PG = "sqlalchemy.dialects.postgresql"
_MY = "sqlalchemy.dialects.mysql"
_DIALECT_OWN: dict[str, dict[str, tuple[str, str, str, bool]]] = {
    "postgresql": {
        "jsonb": (_PG, "JSONB", "dict", False),
        "inet": (_PG, "INET", "str", False),
        "cidr": (_PG, "CIDR", "str", False),
        "macaddr": (_PG, "MACADDR", "str", False),
        "tsvector": (_PG, "TSVECTOR", "str", False),
        "money": (_PG, "MONEY", "str", False),
        "bit": (_PG, "BIT", "str", True),
        "citext": (_PG, "CITEXT", "str", False),
    },
    "mysql": {
        "tinyint": (_MY, "TINYINT", "int", False),
        "mediumint": (_MY, "MEDIUMINT", "int", False),
        "year": (_MY, "YEAR", "int", False),
        "tinytext": (_MY, "TINYTEXT", "str", False),
        "mediumtext": (_MY, "MEDIUMTEXT", "str", False),
        "longtext": (_MY, "LONGTEXT", "str", False),
        "tinyblob": (_MY, "TINYBLOB", "bytes", False),
        "mediumblob": (_MY, "MEDIUMBLOB", "bytes", False),
        "longblob": (_MY, "LONGBLOB", "bytes", False),
        "bit": (_MY, "BIT", "int", True),
        "timestamp": (SA, "TIMESTAMP", "datetime", False),
        "double": (SA, "Double", "float", False),
    },
}
_DIALECT_OWN["mariadb"] = _DIALECT_OWN["mysql"]


_MY_INTEGERS = {
    "int": "INTEGER",
    "integer": "INTEGER",
    "bigint": "BIGINT",
    "smallint": "SMALLINT",
    "tinyint": "TINYINT",
    "mediumint": "MEDIUMINT",
}


def enum_values(type_text: str, dialect: str, named_enums: dict[str, tuple[str, ...]]) -> tuple[str, ...] | None:
    """The labels of an enum column (a PostgreSQL enum type by name, MySQL's inline ``ENUM('a','b')``), else None."""
    if type_text in named_enums:
        return named_enums[type_text]
    if dialect in ("mysql", "mariadb"):
        found = _ENUM.match(type_text)
        if found:
            return tuple(value.replace("''", "'") for value in _QUOTED.findall(found["values"]))
    return None


def enum_array_type(type_text: str, named_enums: Mapping[str, tuple[str, ...]]) -> CodeType | None:
    """``ARRAY(ENUM("happy", "sad", name="mood"))`` for an array of a PostgreSQL enum (``mood[]``), else None.

    The enum's name is not a type SQLAlchemy knows, so the array was
    ``ARRAY(NullType)``, which ``create_all`` cannot create; its labels and
    name are, and ``create_all`` creates the enum type before the table.
    The items are annotated ``str``: a list of an enum class would need that
    class bound into ``ARRAY``, which the scalar columns' classes are not.
    """
    name = type_text.strip().removesuffix("[]")
    if name == type_text.strip() or name not in named_enums:
        return None
    schema, _, bare = name.rpartition(".")
    arguments = [*map(literal, named_enums[name]), f"name={literal(bare.strip(chr(34)))}"]
    arguments += [f"schema={literal(schema.strip(chr(34)))}"] if schema else []
    return CodeType(f"ARRAY(ENUM({', '.join(arguments)}))", "list[str]", frozenset({(_PG, "ARRAY"), (_PG, "ENUM")}))


def code_type(
    type_text: str, dialect: Dialect, domains: Mapping[str, Domain] | None = None, home: str = "public"
) -> CodeType:
    """The SQLAlchemy source and Python annotation for a column whose type the database spells ``type_text``.

    ``domains``: PostgreSQL's domains by the name a column's type gives them (``database_facts``); ``home``: the
    schema the module's tables are in, where a type it names without a schema is created.
    """
    if domains and type_text in domains:
        return domain_type(domains[type_text], dialect, home)
    text = _NOISE.sub("", type_text.strip().lower())
    if text.endswith("[]"):
        inner = code_type(type_text.strip()[:-2], dialect, domains, home)
        return CodeType(
            f"ARRAY({inner.sql})",
            f"list[{inner.python}]",
            inner.names | {(_PG, "ARRAY")},
            inner.modules,
        )
    shape = _SHAPE.match(text)
    if shape is None:
        return _unknown(type_text, dialect)
    words = " ".join((shape["base"] + shape["rest"]).split())
    arguments = [argument.strip() for argument in (shape["args"] or "").split(",") if argument.strip()]
    if dialect.name in ("mysql", "mariadb") and words == "tinyint" and arguments == ["1"]:
        return _made(SA, "Boolean", "bool", [])
    if dialect.name in ("mysql", "mariadb") and words == "set":
        values = ", ".join(literal(value.replace("''", "'")) for value in _QUOTED.findall(type_text))
        return CodeType(f"SET({values})", "set[str]", frozenset({(_MY, "SET")}))
    if dialect.name in ("mysql", "mariadb") and " unsigned" in f" {type_text.lower()}" and words in _MY_INTEGERS:
        return _made(_MY, _MY_INTEGERS[words], "int", ["unsigned=True"])
    first = words.split(" ")[0]
    if dialect.name == "postgresql" and arguments and first in ("timestamp", "time"):
        zone = ["timezone=True"] if "with time zone" in words else []
        python = "datetime" if first == "timestamp" else "time"
        return _made(_PG, first.upper(), python, [*zone, f"precision={arguments[0]}"])
    zoned = words in ("timestamp with time zone", "timestamptz", "time with time zone", "timetz")
    if zoned:
        name = "Time" if words.startswith("time ") or words == "timetz" else "DateTime"
        return _made(SA, name, "time" if name == "Time" else "datetime", ["timezone=True"])
    if dialect.name == "postgresql" and words in ("bit varying", "varbit"):  # BIT alone would make bit(1)
        return _made(_PG, "BIT", "str", [*(a for a in arguments if a.isdigit()), "varying=True"])
    if dialect.name in ("mysql", "mariadb") and words in ("datetime", "timestamp", "time") and arguments:
        return _made(_MY, words.upper(), "time" if words == "time" else "datetime", [f"fsp={arguments[0]}"])
    known = _DIALECT_OWN.get(dialect.name, {}).get(words) or _PORTABLE.get(words)
    if known is None:
        return _unknown(type_text, dialect)
    module, name, python, keeps = known
    return _made(module, name, python, arguments if keeps and all(a.isdigit() for a in arguments) else [])


@dataclass(frozen=True)
class Domain:
    """A PostgreSQL domain as ``pg_type`` states it; a column of one is of its base type under the domain's name."""

    name: str
    schema: str
    base: str
    """The base type in the server's words (``integer``, ``character varying(20)``)."""
    not_null: bool
    check: str | None
    """Its CHECK conditions joined by AND (``VALUE > 0``), None without any."""


def domain_type(domain: Domain, dialect: Dialect, home: str = "public") -> CodeType:
    """``DOMAIN("posint", Integer, check="VALUE > 0")``, annotated as its base type.

    A domain's name is not a type SQLAlchemy knows: as ``NullType`` the
    mapped class would not even build (the annotation cannot stand in for
    the type), and ``create_all`` creates the domain from these arguments,
    in the module's schema (``home``: its ``MetaData``'s, or the default)
    unless it names the domain's own.
    """
    base = code_type(domain.base, dialect)
    arguments = [literal(domain.name), base.sql]
    if domain.schema != home:
        arguments.append(f"schema={literal(domain.schema)}")
    if domain.not_null:
        arguments.append("not_null=True")
    if domain.check is not None:
        arguments.append(f"check={literal(domain.check)}")
    return CodeType(f"DOMAIN({', '.join(arguments)})", base.python, base.names | {(_PG, "DOMAIN")}, base.modules)


def _made(module: str, name: str, python: str, arguments: list[str]) -> CodeType:
    annotation, python_module = _PYTHON[python]
    sql = f"{name}({', '.join(arguments)})" if arguments else name
    return CodeType(sql, annotation, frozenset({(module, name)}), frozenset({python_module} if python_module else ()))


def _unknown(type_text: str, dialect: Dialect) -> CodeType:
    """A type only the dialect knows, by its ``ischema_names``; else ``NullType`` (the column still maps)."""
    words = type_text.strip().split("(")[0].strip()
    names: dict[str, object] = getattr(dialect, "ischema_names", {})
    found = names.get(words) or names.get(words.lower()) or names.get(words.upper())
    module_name = f"sqlalchemy.dialects.{'mysql' if dialect.name == 'mariadb' else dialect.name}"
    if isinstance(found, type) and _exported(found, module_name):
        python = _python_of(found)
        imports = {(module_name, found.__name__)} | ({("typing", "Any")} if python == "Any" else set())
        return CodeType(found.__name__, python, frozenset(imports))
    return CodeType("NullType", "Any", frozenset({(SA_TYPES, "NullType"), ("typing", "Any")}))


def _exported(type_class: type, module_name: str) -> bool:
    """Whether the dialect module exports this very class, so generated code can import it from there."""
    return getattr(importlib.import_module(module_name), type_class.__name__, None) is type_class


def _python_of(type_class: type) -> str:
    """The annotation of a dialect type: its ``python_type`` when it is one of the plain ones, else ``Any``."""
    try:
        python = type_class().python_type
    except Exception:  # noqa: BLE001 - any type may refuse to build without arguments or to say
        return "Any"
    return python.__name__ if python in (int, str, float, bool, bytes, dict, list) else "Any"
