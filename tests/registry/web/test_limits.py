"""Rate limits are counted together by every worker process, per client address; the
address comes from X-Forwarded-For only when the proxies in front are declared."""

from __future__ import annotations

import multiprocessing
from dataclasses import replace
from pathlib import Path

from flask import Flask

from registry.instance import Instance
from registry.web import create_app
from registry.web.limits import RateLimiter
from tests.support.web import csrf_token


def _hits(path: str, count: int) -> int:
    limiter = RateLimiter(Path(path), "login", 10, 60.0)
    return sum(1 for _ in range(count) if limiter.hit("203.0.113.7") == 0.0)


def test_worker_processes_share_one_count(tmp_path: Path) -> None:
    path = str(tmp_path / "limits.sqlite3")
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        allowed = pool.starmap(_hits, [(path, 6)] * 4)
    assert sum(allowed) == 10  # not 4 × 10, as counts kept per process would allow
    limiter = RateLimiter(Path(path), "login", 10, 60.0)
    assert limiter.hit("198.51.100.1") == 0.0  # another address has its own count
    assert 0.0 < limiter.hit("203.0.113.7") <= 60.0  # the wait is told


def test_the_window_slides(tmp_path: Path) -> None:
    limiter = RateLimiter(tmp_path / "limits.sqlite3", "verify", 2, 60.0)
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
