"""TLS for MySQL/MariaDB from the URL's ``ssl_*`` options and ``ssl_mode``, as PyMySQL and ``mysql`` read them, for aiomysql.

SQLAlchemy turns ``?ssl_ca=…`` into the dictionary PyMySQL takes
(``{"ca": …}``), but aiomysql wants an ``ssl.SSLContext``: given the
dictionary it fails against a server that offers TLS (``'dict' object has
no attribute 'wrap_bio'``) and, against one that does not, connects in
plain text without a word. Here the context is built as PyMySQL builds it
(a CA verifies the server's certificate and, unless
``ssl_check_hostname=false``, its host name), and a server that offers no
TLS when the URL asks for it is refused, as ``mysql --ssl-ca`` refuses it.

``ssl_mode`` (mysqlclient's and ``mysql --ssl-mode``'s; PlanetScale's and
other hosts' docs paste it as ``ssl-mode`` or ``sslmode`` too, sometimes in
libpq's words) says how much TLS to insist on: DISABLED none, PREFERRED
TLS when the server offers it, REQUIRED TLS or no session, VERIFY_CA also a
certificate signed by the URL's CA (the system's CAs without one),
VERIFY_IDENTITY also the host name in it. aiomysql has no such keyword, so
it is read here and never reaches the driver.
"""

from __future__ import annotations

import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqla_tui.core.connect.tls_files import require_files
from sqla_tui.core.connect.url_grammar import last_value
from sqla_tui.core.connect.url_options import MYSQL_SSL_MODES, is_true
from sqla_tui.core.errors import UserError

_FILES = ("ssl_ca", "ssl_capath", "ssl_cert", "ssl_key")
OPTIONS = (*_FILES, "ssl_cipher", "ssl_check_hostname", "ssl_mode")
"""The URL options that ask for TLS (or, ``ssl_mode=DISABLED``, for none)."""
READ_HERE = ("ssl_mode",)
"""The ones aiomysql has no keyword for (SQLAlchemy turns the others into a dictionary, replaced by the context)."""


@dataclass(frozen=True)
class MysqlTls:
    """The context to hand aiomysql, and whether a server that offers no TLS is refused (False: PREFERRED)."""

    context: ssl.SSLContext
    required: bool


def tls_context(query: Mapping[str, str | tuple[str, ...]]) -> MysqlTls | None:
    """The TLS the URL's ``ssl_*`` options and ``ssl_mode`` ask for; None when they ask for none (or DISABLED)."""
    given = {key: last_value(value) for key, value in query.items() if key in OPTIONS}
    mode = MYSQL_SSL_MODES[given.pop("ssl_mode").lower()] if "ssl_mode" in given else None
    if mode == "DISABLED" and given:
        raise UserError(f"URL option ssl_mode=DISABLED contradicts {', '.join(sorted(given))}: keep one")
    if mode == "VERIFY_IDENTITY" and not is_true(given.get("ssl_check_hostname", "true")):
        raise UserError("URL option ssl_mode=VERIFY_IDENTITY checks the host name; ssl_check_hostname=false contradicts it: keep one")
    if mode == "DISABLED" or not (given or mode):
        return None
    ca, capath = given.get("ssl_ca"), given.get("ssl_capath")
    require_files(given[key] for key in _FILES if key in given)
    try:
        context = ssl.create_default_context(cafile=ca, capath=capath)
        context.verify_flags &= ~ssl.VERIFY_X509_STRICT  # as PyMySQL: MySQL's own generated certificates fail it
        verified = ca is not None or capath is not None or mode in ("VERIFY_CA", "VERIFY_IDENTITY")
        context.check_hostname = verified and mode != "VERIFY_CA" and is_true(given.get("ssl_check_hostname", "true"))
        context.verify_mode = ssl.CERT_REQUIRED if verified else ssl.CERT_NONE
        if "ssl_cert" in given:
            context.load_cert_chain(given["ssl_cert"], keyfile=given.get("ssl_key"))
        if "ssl_cipher" in given:
            context.set_ciphers(given["ssl_cipher"])
    except (ssl.SSLError, OSError) as error:
        raise UserError(f"the URL's TLS options cannot be used: {error.strerror or error}") from None
    return MysqlTls(context, required=mode != "PREFERRED")


def require_tls(connection: Any, where: str) -> None:
    """Refuse a connection made with a TLS context to a server that offered no TLS (aiomysql goes on in plain text)."""
    from pymysql.constants import CLIENT

    if connection.server_capabilities & CLIENT.SSL:
        return
    connection.close()
    raise UserError(
        f"the server at {where} does not offer TLS, but the URL asks for it (ssl_mode, ssl_ca, ssl_cert…): "
        "enable TLS on the server, or use ssl_mode=PREFERRED (or remove the ssl options) to connect unencrypted"
    )
