"""A TCP proxy the tests can pull the plug on or stall, a server that never answers, and one of another protocol.

Stopping the proxy closes every client connection and stops listening, which
is what a client sees when its database host goes away; starting it again on
the same port is the server coming back. Stalling it keeps every socket open
but forwards nothing more, in either direction, and holds new connections
without forwarding them: a network that has silently stopped. The real
servers are shared by the whole suite, so they are never stopped or stalled
themselves.
"""

from __future__ import annotations

import asyncio
import socket
import threading


class _LoopThread:
    """An event loop on a daemon thread, driven from the test's thread."""

    def __init__(self) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()

    def _call(self, coroutine) -> object:  # type: ignore[no-untyped-def]
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(5)

    def _end_loop(self) -> None:
        self._call(self._cancel_tasks())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)

    async def _cancel_tasks(self) -> None:
        """End every connection's task, so none is left pending when the loop stops."""
        tasks = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


class TcpProxy(_LoopThread):
    """Forwards 127.0.0.1:<port> to a target; ``stop()``/``start()``/``stall()`` from any thread."""

    def __init__(self, target_host: str, target_port: int) -> None:
        super().__init__()
        self.target = (target_host, target_port)
        self._server: asyncio.base_events.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._flowing = asyncio.Event()
        self._loop.call_soon_threadsafe(self._flowing.set)

    def start(self) -> None:
        self._call(self._start())

    def stop(self) -> None:
        self._call(self._stop())

    def stall(self) -> None:
        """Keep every connection open, forward nothing from now on, and hold new connections unanswered."""
        self._call(self._set_flowing(False))

    def close(self) -> None:
        self.stop()
        self._end_loop()

    async def _set_flowing(self, flowing: bool) -> None:
        if flowing:
            self._flowing.set()
        else:
            self._flowing.clear()

    async def _start(self) -> None:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", self.port, reuse_address=True)

    async def _stop(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
        for writer in list(self._writers):
            writer.transport.abort()
        self._writers.clear()

    async def _accept(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        self._writers.add(client_writer)
        await self._flowing.wait()
        try:
            server_reader, server_writer = await asyncio.open_connection(*self.target)
        except OSError:
            client_writer.transport.abort()
            return
        self._writers.add(server_writer)
        await asyncio.gather(self._pipe(client_reader, server_writer), self._pipe(server_reader, client_writer))

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                await self._flowing.wait()
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            self._writers.discard(writer)
            writer.transport.abort()


class SilentServer(_LoopThread):
    """Accepts TCP connections on 127.0.0.1:<port> and never sends a byte: a server hung before its greeting."""

    def __init__(self) -> None:
        super().__init__()
        self.accepted = 0
        """Connections accepted so far."""
        self._writers: set[asyncio.StreamWriter] = set()
        self._server: asyncio.base_events.Server | None = None
        self._call(self._start())

    def close(self) -> None:
        self._call(self._stop())
        self._end_loop()

    async def _start(self) -> None:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", self.port, reuse_address=True)

    async def _stop(self) -> None:
        if self._server is not None:
            self._server.close()
        for writer in list(self._writers):
            writer.transport.abort()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.accepted += 1
        self._writers.add(writer)
        while await reader.read(65536):  # read what the client says, answer nothing, until it hangs up
            pass


class WrongServer(SilentServer):
    """Answers whatever a client says first with ``reply`` and hangs up: another protocol's server on the port."""

    def __init__(self, reply: bytes = b"HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n") -> None:
        self.reply = reply
        super().__init__()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.accepted += 1
        self._writers.add(writer)
        if await reader.read(65536):
            writer.write(self.reply)
            await writer.drain()
        writer.close()
