"""One log line per request: its id (also sent back), who asked, about which document,
the status and the time taken; JSON lines for a collector."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from flask import Flask

from registry.instance import Instance
from registry.web import create_app
from registry.web.access_log import JsonLines, configure_logging
from tests.support.web import logged_in


def _lines(caplog: pytest.LogCaptureFixture) -> list[dict[str, Any]]:
    return [
        dict(record.fields)  # type: ignore[attr-defined]
        for record in caplog.records
        if record.name == "sovanban.access"
    ]


def test_each_request_is_logged_with_its_id_user_and_document(
    app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="sovanban.access")
    anonymous = app.test_client().get("/van-ban/1")
    clerk = logged_in(app, "clerk")
    caplog.clear()
    seen = clerk.get("/ho-so/1")
    (line,) = [entry for entry in _lines(caplog) if entry["path"] == "/ho-so/1"]
    assert line["user"] == "vanthu" and line["document"] == 1 and line["status"] == 200
    assert line["method"] == "GET" and line["endpoint"] == "workspace.document_page"
    assert 0 < line["duration_ms"] < 60_000
    assert line["request_id"] == seen.headers["X-Request-Id"]
    assert len(line["request_id"]) == 32 and anonymous.headers["X-Request-Id"] != line["request_id"]


def test_a_request_id_is_taken_from_a_trusted_proxy_only(
    demo_instance: Instance, app: Flask
) -> None:
    offered = {"X-Request-Id": "nginx-7f3a9c"}
    assert app.test_client().get("/healthz", headers=offered).headers["X-Request-Id"] != (
        "nginx-7f3a9c"
    )
    web = replace(demo_instance.config.web, trusted_proxies=1)
    behind = create_app(replace(demo_instance, config=replace(demo_instance.config, web=web)))
    client = behind.test_client()
    assert client.get("/healthz", headers=offered).headers["X-Request-Id"] == "nginx-7f3a9c"
    forged = {"X-Request-Id": "<script>alert(1)</script>" + "x" * 80}
    assert client.get("/healthz", headers=forged).headers["X-Request-Id"] != forged["X-Request-Id"]


def test_json_lines_keep_vietnamese_and_the_fields() -> None:
    record = logging.LogRecord("sovanban.access", logging.INFO, __file__, 1, "GET %s", ("/",), None)
    record.fields = {"user": "vanthu", "subject": "Thông báo kết luận", "status": 200}
    line = JsonLines().format(record)
    assert "Thông báo kết luận" in line
    parsed = json.loads(line)
    assert parsed["message"] == "GET /" and parsed["level"] == "info"
    assert parsed["user"] == "vanthu" and parsed["status"] == 200
    assert parsed["time"].endswith("+00:00")


@pytest.fixture
def restored_loggers() -> Iterator[None]:
    kept = {
        name: (logging.getLogger(name).handlers[:], logging.getLogger(name).propagate)
        for name in ("sovanban", "registry")
    }
    yield
    for name, (handlers, propagate) in kept.items():
        logging.getLogger(name).handlers[:] = handlers
        logging.getLogger(name).propagate = propagate


def test_a_served_request_becomes_one_json_line_on_stderr(
    app: Flask, capsys: pytest.CaptureFixture[str], restored_loggers: None
) -> None:
    configure_logging("json")
    assert logging.getLogger("sovanban.access").getEffectiveLevel() == logging.INFO
    app.test_client().get("/van-ban/1")
    lines = [json.loads(text) for text in capsys.readouterr().err.splitlines()]
    (line,) = [entry for entry in lines if entry.get("logger") == "sovanban.access"]
    assert line["path"] == "/van-ban/1" and line["document"] == 1 and line["status"] == 200
