"""Page pictures and public verification reports: drawn once per process by default, once
for every host when they share a Redis, and drawn again (never refused) when it is away."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from registry.instance import Instance
from registry.web import create_app
from registry.web.caches import ProcessCache
from tests.support.pki import free_port
from tests.support.redis_server import SharedRedis
from tests.support.web import second_host


def test_the_process_cache_keeps_the_most_recent_until_they_expire(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = [1000.0]
    monkeypatch.setattr("registry.web.caches.time.monotonic", lambda: clock[0])
    cache = ProcessCache(2)
    cache.put("a", b"1", 60)
    cache.put("b", b"2", 60)
    assert cache.get("a") == b"1"  # now the most recent
    cache.put("c", b"3", 60)
    assert (cache.get("a"), cache.get("b"), cache.get("c")) == (b"1", None, b"3")
    clock[0] += 61
    assert cache.get("a") is None and cache.get("c") is None


def _host(instance: Instance, folder: Path, redis_url: str, prefix: str) -> Flask:
    host = create_app(second_host(instance, folder, redis_url=redis_url, redis_prefix=prefix))
    host.config.update(TESTING=True)
    return host


def _no_drawing(*_: Any, **__: Any) -> Any:
    raise AssertionError("drawn again: the other host's picture was not used")


def test_hosts_sharing_redis_draw_a_page_and_verify_a_notice_once(
    demo_instance: Instance,
    tmp_path: Path,
    redis_server: SharedRedis,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first = _host(demo_instance, tmp_path / "a", redis_server.url, redis_server.prefix)
    second = _host(demo_instance, tmp_path / "b", redis_server.url, redis_server.prefix)
    drawn = first.test_client().get("/van-ban/1/trang-1.png")
    assert drawn.status_code == 200 and drawn.data.startswith(b"\x89PNG")
    page = first.test_client().get("/van-ban/1")
    assert page.status_code == 200
    monkeypatch.setattr("registry.web.workspace.pdf_workers", _no_drawing)
    monkeypatch.setattr("registry.web.public.pool_for", _no_drawing)
    again = second.test_client().get("/van-ban/1/trang-1.png")
    assert again.status_code == 200 and again.data == drawn.data
    report = second.test_client().get("/van-ban/1")
    assert report.status_code == 200
    verdict = _verdict(page.get_data(as_text=True))
    assert "Nguyễn Trọng Vân" in verdict  # the report of the signatures is on the page
    assert _verdict(report.get_data(as_text=True)) == verdict


def _verdict(html: str) -> str:
    start = html.index("<main")
    return html[start : html.index("</main>", start)]


def test_while_redis_is_away_pages_are_drawn_here(
    demo_instance: Instance, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    host = _host(demo_instance, tmp_path / "a", f"redis://127.0.0.1:{free_port()}/0", "away")
    drawn = host.test_client().get("/van-ban/1/trang-1.png")
    assert drawn.status_code == 200 and drawn.data.startswith(b"\x89PNG")
    assert host.test_client().get("/van-ban/1").status_code == 200
    assert "cache unreachable" in caplog.text
