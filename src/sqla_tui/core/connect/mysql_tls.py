"""TLS for MySQL/MariaDB from the URL's ``ssl_*`` options, as PyMySQL builds it, for aiomysql.

SQLAlchemy turns ``?ssl_ca=…`` into the dictionary PyMySQL takes
(``{"ca": …}``), but aiomysql wants an ``ssl.SSLContext``: given the
dictionary it fails against a server that offers TLS (``'dict' object has
no attribute 'wrap_bio'``) and, against one that does not, connects in
plain text without a word. Here the context is built as PyMySQL builds it
(a CA verifies the server's certificate and, unless
``ssl_check_hostname=false``, its host name), and a server that offers no
TLS when the URL asks for it is refused, as ``mysql --ssl-ca`` refuses it.
"""

from __future__ import annotations

import ssl
from collections.abc import Mapping
from typing import Any

from sqla_tui.core.connect.tls_files import require_files
from sqla_tui.core.connect.url_grammar import last_value
from sqla_tui.core.connect.url_options import is_true
from sqla_tui.core.errors import UserError

_FILES = ("ssl_ca", "ssl_capath", "ssl_cert", "ssl_key")
OPTIONS = (*_FILES, "ssl_cipher", "ssl_check_hostname")
"""The URL options that ask for TLS."""


def tls_context(query: Mapping[str, str | tuple[str, ...]]) -> ssl.SSLContext | None:
    """The TLS context the URL's ``ssl_*`` options ask for; None when they ask for none."""
    given = {key: last_value(value) for key, value in query.items() if key in OPTIONS}
    if not given:
        return None
    ca, capath = given.get("ssl_ca"), given.get("ssl_capath")
    require_files(given[key] for key in _FILES if key in given)
    try:
        context = ssl.create_default_context(cafile=ca, capath=capath)
        context.verify_flags &= ~ssl.VERIFY_X509_STRICT  # as PyMySQL: MySQL's own generated certificates fail it
        verified = ca is not None or capath is not None
        context.check_hostname = verified and is_true(given.get("ssl_check_hostname", "true"))
        context.verify_mode = ssl.CERT_REQUIRED if verified else ssl.CERT_NONE
        if "ssl_cert" in given:
            context.load_cert_chain(given["ssl_cert"], keyfile=given.get("ssl_key"))
        if "ssl_cipher" in given:
            context.set_ciphers(given["ssl_cipher"])
    except (ssl.SSLError, OSError) as error:
        raise UserError(f"the URL's TLS options cannot be used: {error.strerror or error}") from None
    return context


def require_tls(connection: Any, where: str) -> None:
    """Refuse a connection made with a TLS context to a server that offered no TLS (aiomysql goes on in plain text)."""
    from pymysql.constants import CLIENT

    if connection.server_capabilities & CLIENT.SSL:
        return
    connection.close()
    raise UserError(
        f"the server at {where} does not offer TLS, but the URL asks for it (ssl_ca, ssl_cert…): "
        "enable TLS on the server, or remove the ssl_ options to connect unencrypted"
    )
