"""One log line per request, with the id that ties it to the client's and the proxy's logs:
who asked, about which document, what was answered and how long it took.

``[web] log_format = "json"`` writes JSON lines (a log collector reads them as they are);
"text" writes the same fields for a person reading a terminal.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from datetime import UTC, datetime
from typing import Any, Literal

from flask import Flask, Response, g, request

__all__ = ["JsonLines", "configure_logging", "log_requests"]

access = logging.getLogger("sovanban.access")
_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
_FIELDS = ("request_id", "method", "path", "status", "duration_ms", "user", "document")


class JsonLines(logging.Formatter):
    """A record as one JSON object: time, level, logger, message and the record's fields."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        line.update(getattr(record, "fields", {}))
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


class _Text(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        fields = getattr(record, "fields", {})
        extra = " ".join(f"{key}={fields[key]}" for key in _FIELDS[3:] if key in fields)
        text = f"{self.formatTime(record)} {record.levelname} {record.getMessage()} {extra}"
        if "request_id" in fields:
            text += f" id={fields['request_id']}"
        if record.exc_info:
            text += "\n" + self.formatException(record.exc_info)
        return text.rstrip()


def configure_logging(style: Literal["text", "json"]) -> None:
    """The service's own messages and the requests on stderr, in ``style`` (a process
    serving requests calls this once; libraries' warnings go the same way)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonLines() if style == "json" else _Text())
    for name in ("sovanban", "registry"):
        logger = logging.getLogger(name)
        logger.handlers[:] = [handler]
        logger.setLevel(logging.INFO)
        logger.propagate = False


def log_requests(app: Flask, *, trust_request_id: bool) -> None:
    """Give each request an id (the proxy's, when one is trusted to set it) and log it."""

    @app.before_request
    def start() -> None:
        offered = request.headers.get("X-Request-Id", "") if trust_request_id else ""
        g.request_id = offered if _REQUEST_ID.fullmatch(offered) else uuid.uuid4().hex
        g.request_started = time.perf_counter()

    @app.after_request
    def finish(response: Response) -> Response:
        started = g.get("request_started")
        if started is None:  # answered before our first hook (a routing redirect)
            return response
        response.headers["X-Request-Id"] = g.request_id
        user = g.get("user")
        arguments = request.view_args or {}
        fields = {
            "request_id": g.request_id,
            "method": request.method,
            "path": request.path,
            "endpoint": request.endpoint,
            "status": response.status_code,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1),
            "user": user.login if user is not None else None,
            "document": arguments.get("document_id"),
            "client": request.remote_addr,
        }
        access.info("%s %s", request.method, request.path, extra={"fields": fields})
        return response
