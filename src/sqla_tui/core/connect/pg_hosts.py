"""libpq's several-host URLs, in each spelling people paste, as the one SQLAlchemy's asyncpg dialect reads.

libpq (psql, Patroni, CloudNativePG and managed HA setups) writes them
``postgresql://u@h1:5432,h2:5433/db``, ``?host=h1,h2&port=5432``, or
``?host=h1&host=h2`` with one port for all. SQLAlchemy fails on the first
(its pattern reads ``5432,h2:5433`` as a port) and refuses the others unless
every host has its own port, with an ArgumentError that surfaced as "a bug
in sqla-tui". Here every spelling becomes ``?host=h1,h2&port=p1,p2``, each
host given its own port, the one port given, or libpq's 5432. A socket
directory as the host is percent-encoded (``postgresql://%2Fvar%2Frun%2Fpostgresql/db``),
which SQLAlchemy leaves encoded: it is decoded here, as libpq decodes it, and
given as ``?host=/var/run/postgresql`` (so it is shown so, not as a path).
"""

from __future__ import annotations

import re
from urllib.parse import quote, unquote

from sqla_tui.core.connect.url_grammar import Query, UrlParts
from sqla_tui.core.connect.userinfo import userinfo_end
from sqla_tui.core.errors import UserError

_PG_SCHEME = re.compile(r"(?:postgres|postgresql|pgsql)(?:\+\w+)?://", re.I)
_DEFAULT_PORT = "5432"
_HOST_PORT = re.compile(r"(?:\[(?P<v6>[^\]]*)\]|(?P<host>[^:]*))(?::(?P<port>\d*))?")


def hosts_in_query(raw: str) -> str:
    """``raw`` with a PostgreSQL authority's host list (``h1:p1,h2``) moved into its query as ``host=``."""
    scheme = _PG_SCHEME.match(raw)
    if scheme is None:
        return raw
    at = userinfo_end(raw, scheme.end())
    start = scheme.end() if at is None else at + 1
    end = next((index for index in range(start, len(raw)) if raw[index] in "/?#"), len(raw))
    if "," not in raw[start:end]:
        return raw
    rest = raw[end:]
    path, question, query = rest.partition("?")
    moved = "host=" + quote(raw[start:end], safe="")
    return raw[:start] + path + "?" + (f"{query}&{moved}" if question and query else moved)


def one_host_list(url: UrlParts) -> UrlParts:
    """``url`` with its hosts and ports as ``host=h1,h2&port=p1,p2`` when it names several; unchanged otherwise."""
    if url.host is not None and url.host[:3].upper() == "%2F":  # psql's postgresql://%2Fvar%2Frun%2Fpostgresql/db
        sockets = (unquote(url.host), *_values(url.query, "host"))
        url = url.set(host=None, query={**url.query, "host": sockets[0] if len(sockets) == 1 else sockets})
    hosts = [token for value in _values(url.query, "host") for token in value.split(",")]
    ports = [token for value in _values(url.query, "port") for token in value.split(",")]
    if url.port is not None:
        ports.insert(0, str(url.port))
    if url.host is not None:
        hosts.insert(0, url.host)
    _refuse_unusable_hosts(hosts)
    own_port = any(port for _, port in map(_host_and_port, hosts))
    if len(hosts) <= 1 and len(ports) <= 1 and not own_port:
        return url
    if len(ports) not in (0, 1, len(hosts)):
        raise UserError(
            f"the URL names {_counted(len(hosts), 'host')} and {_counted(len(ports), 'port')}: "
            "give one port for all, or one for each host"
        )
    pairs = [_host_and_port(token) for token in hosts]
    given = ports if len(ports) == len(hosts) else [ports[0] if ports else _DEFAULT_PORT] * len(hosts)
    query: Query = {key: value for key, value in url.query.items() if key not in ("host", "port")}
    query["host"] = ",".join(host for host, _ in pairs)
    query["port"] = ",".join(own or port for (_, own), port in zip(pairs, given))
    return url.set(host=None, port=None, query=query)


def _refuse_unusable_hosts(hosts: list[str]) -> None:
    """Refuse an empty entry in a host list, and a relative path as a host, before asyncpg fails on either.

    asyncpg refuses a list with an empty host (libpq's "default socket") with
    an ArgumentError that read as a bug in sqla-tui, and looks a relative
    path up as a host name, which says "unknown host" without naming it.
    """
    for number, (host, _) in enumerate(map(_host_and_port, hosts), start=1):
        if not host and len(hosts) > 1:
            raise UserError(
                f"host {number} of {len(hosts)} in the URL's host list {','.join(hosts)!r} is empty: "
                "name a host there, or remove the extra comma"
            )
        if "/" in host and not host.startswith("/"):
            raise UserError(
                f"host {host!r} in the URL is neither a host name nor a socket directory, "
                "which must be an absolute path: write e.g. host=/var/run/postgresql"
            )


def _counted(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


def _values(query: Query, key: str) -> list[str]:
    value = query.get(key, ())
    return [value] if isinstance(value, str) else list(value)


def _host_and_port(token: str) -> tuple[str, str | None]:
    """``h:5432``, ``[::1]:5432``, ``h``, a bare IPv6 address or a socket directory: the host, and its own port."""
    match = _HOST_PORT.fullmatch(token)
    if token.startswith("/") or match is None or (match["host"] is not None and ":" in token and token.count(":") > 1):
        return token, None
    return match["v6"] if match["v6"] is not None else match["host"], match["port"] or None
