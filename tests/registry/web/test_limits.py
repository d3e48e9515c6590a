"""Rate limits are counted together by every worker process, per client address, and by
every host when they share a Redis; the address comes from X-Forwarded-For only when the
proxies in front are declared."""

from __future__ import annotations

import multiprocessing
from dataclasses import replace
from pathlib import Path

import pytest
from flask import Flask

from registry.instance import Instance
from registry.web import create_app
from registry.web.limits import HostRateLimiter
from tests.support.pki import free_port
from tests.support.redis_server import SharedRedis
from tests.support.web import csrf_token, second_host


def _hits(path: str, count: int) -> int:
    limiter = HostRateLimiter(Path(path), "login", 10, 60.0)
    return sum(1 for _ in range(count) if limiter.hit("203.0.113.7") == 0.0)


def test_worker_processes_share_one_count(tmp_path: Path) -> None:
    path = str(tmp_path / "limits.sqlite3")
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        allowed = pool.starmap(_hits, [(path, 6)] * 4)
    assert sum(allowed) == 10  # not 4 × 10, as counts kept per process would allow
    limiter = HostRateLimiter(Path(path), "login", 10, 60.0)
    assert limiter.hit("198.51.100.1") == 0.0  # another address has its own count
    assert 0.0 < limiter.hit("203.0.113.7") <= 60.0  # the wait is told


def test_the_window_slides(tmp_path: Path) -> None:
    limiter = HostRateLimiter(tmp_path / "limits.sqlite3", "verify", 2, 60.0)
    assert [limiter.hit("a", now) for now in (1000.0, 1010.0)] == [0.0, 0.0]
    assert limiter.hit("a", 1020.0) == 40.0
    assert limiter.hit("a", 1061.0) == 0.0  # the first hit has left the window


def _attempts(app: Flask, forwarded_for: str, count: int) -> list[int]:
    statuses = []
    for n in range(count):
        client = app.test_client()
        headers = {"X-Forwarded-For": forwarded_for}
        token = csrf_token(client)
        response = client.post(
            "/dang-nhap",
            data={"login": f"nobody{n}", "password": "x" * 12, "csrf_token": token},
            headers=headers,
        )
        statuses.append(response.status_code)
    return statuses


def test_forwarded_addresses_count_only_behind_a_declared_proxy(
    demo_instance: Instance, app: Flask
) -> None:
    # No proxy declared: the header is the client's to forge, so it changes nothing.
    assert _attempts(app, "192.0.2.1", 10) == [401] * 10
    assert _attempts(app, "192.0.2.2", 1) == [429]
    config = replace(demo_instance.config, web=replace(demo_instance.config.web, trusted_proxies=1))
    behind = create_app(replace(demo_instance, config=config))
    behind.config.update(TESTING=True)
    # Behind one proxy: each client is counted apart (the proxy's own address is not).
    assert _attempts(behind, "192.0.2.3", 11)[-1] == 429
    assert _attempts(behind, "192.0.2.4", 1) == [401]


def _host(instance: Instance, folder: Path, redis_url: str, prefix: str) -> Flask:
    host = create_app(second_host(instance, folder, redis_url=redis_url, redis_prefix=prefix))
    host.config.update(TESTING=True)
    return host


def test_hosts_sharing_redis_count_one_limit(
    demo_instance: Instance, tmp_path: Path, redis_server: SharedRedis
) -> None:
    """Two hosts, each with its own per-host count, configured with the same Redis: ten
    guesses in all, wherever they land; the eleventh is refused on either host."""
    first = _host(demo_instance, tmp_path / "a", redis_server.url, redis_server.prefix)
    second = _host(demo_instance, tmp_path / "b", redis_server.url, redis_server.prefix)
    assert _attempts(first, "192.0.2.10", 5) == [401] * 5
    assert _attempts(second, "192.0.2.10", 5) == [401] * 5
    assert _attempts(first, "192.0.2.10", 1) == [429]
    assert _attempts(second, "192.0.2.10", 1) == [429]
    # Another deployment on the same Redis (another prefix) counts apart.
    other = _host(demo_instance, tmp_path / "c", redis_server.url, f"{redis_server.prefix}-x")
    assert _attempts(other, "192.0.2.10", 1) == [401]


def test_a_shared_limit_answers_the_api_in_json_with_the_wait(
    demo_instance: Instance, tmp_path: Path, redis_server: SharedRedis, issued_pdf: bytes
) -> None:
    first = _host(demo_instance, tmp_path / "a", redis_server.url, redis_server.prefix)
    second = _host(demo_instance, tmp_path / "b", redis_server.url, redis_server.prefix)
    allowed = demo_instance.config.web.verifications_per_minute
    statuses = [
        (first if n % 2 else second)
        .test_client()
        .post("/api/v1/verify", data=issued_pdf, content_type="application/pdf")
        .status_code
        for n in range(allowed)
    ]
    assert statuses == [200] * allowed
    refused = first.test_client().post(
        "/api/v1/verify", data=issued_pdf, content_type="application/pdf"
    )
    assert refused.status_code == 429 and refused.is_json
    assert set(refused.get_json()) == {"error"}
    assert 1 <= int(refused.headers["Retry-After"]) <= 61


def test_while_redis_is_away_each_host_still_counts(
    demo_instance: Instance, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    closed = f"redis://127.0.0.1:{free_port()}/0"
    host = _host(demo_instance, tmp_path / "a", closed, "away")
    assert _attempts(host, "192.0.2.20", 10) == [401] * 10
    assert _attempts(host, "192.0.2.20", 1) == [429]
    assert "rate limit login counted on this host" in caplog.text
