"""The body deadline: a request body that takes longer than its allowance is answered 408;
requests without a body and bodies in time are untouched. (The gunicorn case, where a slow
client is cut off mid-read: test_wsgi.py.)"""

from __future__ import annotations

import io
import time
from typing import Any

from werkzeug.exceptions import RequestTimeout
from werkzeug.test import EnvironBuilder

from registry.web.uploads import BodyDeadline


class SlowStream(io.BytesIO):
    def read(self, size: int | None = -1) -> bytes:
        time.sleep(0.05)
        return super().read(1 if size is None or size < 0 else min(size, 1))


def _echo(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    try:
        body = b""
        while chunk := environ["wsgi.input"].read(1024):
            body += chunk
    except RequestTimeout as timeout:
        return list(timeout(environ, start_response))
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [body]


def _call(app: BodyDeadline, environ: dict[str, Any]) -> tuple[str, bytes]:
    answered: list[str] = []
    body = b"".join(app(environ, lambda status, headers: answered.append(status)))
    return answered[0], body


def test_a_body_in_time_passes_and_a_slow_one_is_408() -> None:
    app = BodyDeadline(_echo, seconds=0.3, limit=1024)
    quick = EnvironBuilder(method="POST", data=b"ten bytes!").get_environ()
    assert _call(app, quick) == ("200 OK", b"ten bytes!")
    slow = EnvironBuilder(method="POST", data=b"x" * 40).get_environ()
    slow["wsgi.input"] = SlowStream(b"x" * 40)  # 40 reads of 50 ms: 2 s, over 0.3 s
    status, _ = _call(app, slow)
    assert status.startswith("408")


def test_without_a_body_nothing_is_wrapped() -> None:
    app = BodyDeadline(_echo, seconds=0, limit=1024)
    environ = EnvironBuilder(method="GET").get_environ()
    original = environ["wsgi.input"]
    assert _call(app, environ) == ("200 OK", b"")
    assert environ["wsgi.input"] is original


def test_time_the_application_spends_before_reading_does_not_count() -> None:
    """A request waiting for the database lock before it reads a body that is already
    there (the SQLite case under load) is not a slow client."""

    def busy_then_echo(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        time.sleep(0.5)
        return _echo(environ, start_response)

    app = BodyDeadline(busy_then_echo, seconds=0.3, limit=1024)
    environ = EnvironBuilder(method="POST", data=b"ready").get_environ()
    assert _call(app, environ) == ("200 OK", b"ready")
