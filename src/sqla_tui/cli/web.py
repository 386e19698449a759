"""The app in a browser: textual-serve runs ``sqla-tui`` once per browser tab and relays its screen over a websocket.

The database URL reaches each app process in its environment (``DATABASE_URL``,
which plain ``sqla-tui`` reads on its fast path), never on a command line
(``ps`` shows those to every user of the machine), in the page or in the
server's own lines. The server has no login: whoever opens the page uses the
connection, so it listens on loopback unless the user says ``--public``.
"""

from __future__ import annotations

import errno
import gc
import ipaddress
import logging
import os
import shlex
import socket
import sys
from typing import TYPE_CHECKING, Any

from sqla_tui.core.connect.masking import mask_url
from sqla_tui.core.errors import UserError

if TYPE_CHECKING:
    from sqla_tui.core.connect.target import Target

APP_COMMAND = shlex.join([sys.executable, "-m", "sqla_tui"])
"""What textual-serve starts per browser tab: the plain launch, which opens ``$DATABASE_URL`` (or the demo)."""


def is_loopback(host: str) -> bool:
    """Whether only this machine can reach ``host``: ``localhost`` or a loopback address (127.0.0.0/8, ::1)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name may resolve anywhere


def exposure_warning(host: str, port: int, public: bool, target: Target) -> str | None:
    """The warning for a non-loopback ``host`` under ``--public``; without ``--public`` such a host is refused."""
    if is_loopback(host):
        return None
    if not public:
        raise UserError(
            f"--host {host} is reachable from other machines and the served app has no login; "
            "pass --public to serve it anyway, or keep the default 127.0.0.1"
        )
    return (
        f"serving on {host}:{port} with no login: anyone who can reach it browses {describe(target)} "
        "with this connection's credentials"
    )


def describe(target: Target) -> str:
    """The target as the page title and the server's lines name it, password masked."""
    return "the demo database" if target.is_demo else mask_url(target.url or "")


def check_port(host: str, port: int) -> None:
    """Bind ``host:port`` once and let go, so a taken port is one line before the server says it is serving.

    SO_REUSEADDR as aiohttp sets it: a port left in TIME_WAIT by a previous run is free, one in use is not.
    """
    try:
        addresses = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as error:
        raise UserError(f"cannot listen on --host {host}: {error.strerror}; give an address of this machine") from None
    for family, kind, protocol, _, address in addresses:
        with socket.socket(family, kind, protocol) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(address)
            except OSError as error:
                remedy = (
                    "give an address of this machine with --host"
                    if error.errno == errno.EADDRNOTAVAIL
                    else "pick another with --port"
                )
                raise UserError(f"cannot listen on {host}:{port}: {error.strerror}; {remedy}") from None


def serve(target: Target, host: str, port: int) -> None:
    """Serve the app at ``http://host:port`` until Ctrl+C or SIGTERM; each browser tab gets its own app process."""
    from textual_serve.server import Server

    class _Server(Server):
        async def on_startup(self, app: object) -> None:
            """One line instead of textual-serve's logo, whose 'Serving <command>' says nothing a user needs."""
            print(f"serving sqla-tui on {describe(target)} at {self.public_url} (Ctrl+C stops)", flush=True)

        async def handle_websocket(self, request: Any) -> Any:
            """One browser tab's session; once it ends, collect what it left while the event loop still runs.

            textual-serve never closes an app process's pipes: the cycle
            collector does, whenever it runs, and after Ctrl+C has closed the
            loop that prints an "Event loop is closed" traceback on exit.
            """
            try:
                return await super().handle_websocket(request)
            finally:
                gc.collect()

    os.environ["DATABASE_URL"] = target.url or "demo"  # copied into every app process's environment
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)  # five lines per request otherwise
    _Server(APP_COMMAND, host=host, port=port, title=f"sqla-tui · {describe(target)}").serve()
