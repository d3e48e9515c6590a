"""A deadline for request bodies, so that a client sending slowly cannot hold a worker.

gunicorn's sync workers read the body from the socket as the application asks for it: a
client sending a byte a second would keep one of the few workers for as long as it liked.
Here the body must arrive within ``upload_seconds`` plus the time its declared length takes
on a slow line (time spent waiting on the client, not on the database); past that the
request is answered 408 and the worker is free again.
(waitress, which ``sovanban serve`` uses, reads whole bodies before the application runs.)
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from werkzeug.exceptions import RequestTimeout

__all__ = ["SLOW_LINE_BYTES_PER_SECOND", "BodyDeadline"]

SLOW_LINE_BYTES_PER_SECOND = 64 * 1024


class _TimedInput:
    """``wsgi.input`` with an allowance for the time spent waiting on the client.

    Only the time inside reads counts: a request that waits for the database before it reads
    its body (already in the socket's buffer) is not the client's slowness."""

    def __init__(self, stream: Any, allowance: float, connection: socket.socket | None) -> None:
        self._stream = stream
        self._left = allowance
        self._connection = connection

    def _timed(self, read: Callable[..., Any], *args: Any) -> Any:
        if self._left <= 0:
            raise RequestTimeout()  # the error page says it in the reader's language
        started = time.monotonic()
        cut = threading.Event()
        watchdog = None
        if self._connection is not None:
            # gunicorn's worker reads until it has the size asked for, however slowly it
            # comes; only closing the reading side wakes it.
            watchdog = threading.Timer(self._left, _stop_reading, (self._connection, cut))
            watchdog.daemon = True
            watchdog.start()
        try:
            data = read(*args)
        finally:
            if watchdog is not None:
                watchdog.cancel()
            self._left -= time.monotonic() - started
        if self._left <= 0 or cut.is_set():
            raise RequestTimeout()  # the error page says it in the reader's language
        return data

    def read(self, *args: Any) -> bytes:
        return bytes(self._timed(self._stream.read, *args))

    def readline(self, *args: Any) -> bytes:
        return bytes(self._timed(self._stream.readline, *args))

    def readlines(self, *args: Any) -> list[bytes]:
        return list(self._timed(self._stream.readlines, *args))

    def __iter__(self) -> Iterator[bytes]:
        while line := self.readline():
            yield line


def _stop_reading(connection: socket.socket, cut: threading.Event) -> None:
    # The server's read returns at once with what it has; the answer can still be written.
    cut.set()
    with contextlib.suppress(OSError):
        connection.shutdown(socket.SHUT_RD)


class BodyDeadline:
    """WSGI middleware giving every request body ``seconds`` plus its length at a slow
    line's rate (``limit`` bytes assumed when the length is not declared)."""

    def __init__(self, app: Callable[..., Iterable[bytes]], seconds: float, limit: int) -> None:
        self.app = app
        self.seconds = seconds
        self.limit = limit

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        declared = environ.get("CONTENT_LENGTH") or ""
        chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        if not chunked and declared in ("", "0"):
            return self.app(environ, start_response)  # no body to wait for
        try:
            length = min(self.limit, max(0, int(declared)))
        except ValueError:
            length = self.limit
        allowed = self.seconds + length / SLOW_LINE_BYTES_PER_SECOND
        connection = environ.get("gunicorn.socket")
        if not isinstance(connection, socket.socket):
            connection = None
        environ["wsgi.input"] = _TimedInput(environ["wsgi.input"], allowed, connection)
        return self.app(environ, start_response)
