"""The service under gunicorn with several workers: a login made on one worker holds on the
others; 16 API clients issue at once on either engine; guessing and slow clients are held off."""

from __future__ import annotations

import contextlib
import http.cookiejar
import re
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.support.served import serve

pytestmark = [
    pytest.mark.slow,
    # urllib's redirect handler leaves the 302 response of the login for the collector.
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
]


def test_gunicorn_workers_share_the_register_on_postgresql(
    postgres_url: str, tmp_path: Path
) -> None:
    with serve(tmp_path, postgres_url, workers=3) as served:
        base = served.base
        opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        with opener.open(f"{base}/dang-nhap", timeout=20) as response:
            page = response.read().decode()
        token = re.search(r'name="csrf_token" value="([^"]+)"', page)
        assert token is not None
        form = {
            "login": "kiemsoat",
            "password": served.passwords["kiemsoat"],
            "csrf_token": token.group(1),
        }
        opener.open(f"{base}/dang-nhap", data=urllib.parse.urlencode(form).encode()).close()
        # Many requests spread over the workers: the session holds on every one.
        for _ in range(12):
            with opener.open(f"{base}/kiem-soat/", timeout=20) as response:
                assert response.geturl().endswith("/kiem-soat/")
                assert "Tổng quan" in response.read().decode()
        with urllib.request.urlopen(f"{base}/tra-cuu?q=01-TB/%C4%90UK", timeout=20) as response:
            assert response.geturl().endswith("/van-ban/1")


def test_sixteen_api_clients_issue_through_four_workers(database_url: str, tmp_path: Path) -> None:
    """Register → prepare → sign → issue from 16 clients at once on 4 gunicorn workers, on
    either engine: every notice numbered once, none skipped, each PDF verifies, the register
    sound. (benchmarks/issuing_load.py runs the same with 500 notices.)"""
    from tests.support.invariants import assert_register_sound
    from tests.support.load import issue_concurrently, verify_all

    documents = 24
    with serve(tmp_path, database_url, workers=4) as served:
        run = issue_concurrently(served, documents, clients=16)
        assert run.errors == []
        verdicts = verify_all(served, sorted(run.numbers))
        log = served.log.read_text("utf-8", "replace")
    numbers = sorted(int(rendered.split("-")[0]) for rendered in run.numbers.values())
    assert numbers == list(range(2, documents + 2))  # 01 is the demo's own notice
    assert set(verdicts.values()) == {"TOTAL-PASSED"} and len(verdicts) == documents
    assert "Traceback" not in log and "WORKER TIMEOUT" not in log
    # The demo instance on the test's database (gunicorn got the URL from serve()).
    blobs = tmp_path / "instance" / "blobs"
    assert_register_sound(database_url, blobs)


def _attempt_login(base: str, login: str, password: str) -> int:
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    with opener.open(f"{base}/dang-nhap", timeout=20) as response:
        token = re.search(r'name="csrf_token" value="([^"]+)"', response.read().decode())
    assert token is not None
    form = {"login": login, "password": password, "csrf_token": token.group(1)}
    try:
        with opener.open(f"{base}/dang-nhap", urllib.parse.urlencode(form).encode(), timeout=20):
            return 200
    except urllib.error.HTTPError as error:
        error.close()
        return error.code


def test_guessing_and_slow_uploads_against_four_workers(tmp_path: Path) -> None:
    """Password guessing from one address: the per-minute limit holds across the four
    workers and the account is locked. Four clients sending their bodies a byte at a time
    (as many as there are workers) are cut off at the body deadline with 408, and an ordinary
    visitor waiting behind them is answered then, not after gunicorn's two minutes."""
    import sqlite3
    import threading

    with serve(tmp_path, None, workers=4, web={"upload_seconds": "2"}) as served:
        statuses = [_attempt_login(served.base, "vanthu", f"doan-sai-{n:04d}") for n in range(16)]
        assert statuses == [401] * 10 + [429] * 6  # not 4 × 10 guesses: one count for all
        with sqlite3.connect(served.instance / "sovanban.sqlite3") as database:
            (locked_until,) = database.execute(
                "SELECT locked_until FROM login_locks JOIN users ON users.id = user_id "
                "WHERE login = 'vanthu' AND address = '127.0.0.1'"
            ).fetchone()
        database.close()
        assert locked_until is not None  # 5 wrong passwords: the account waits, from there

        host, port = served.base.removeprefix("http://").split(":")
        slow = []
        for _ in range(4):
            connection = socket.create_connection((host, int(port)), timeout=30)
            connection.sendall(
                b"POST /api/v1/verify HTTP/1.1\r\nHost: sovanban\r\n"
                b"Content-Type: application/pdf\r\nContent-Length: 100000\r\n\r\n%PDF-1.7\n"
            )
            slow.append(connection)
        stop = threading.Event()

        def dribble() -> None:
            while not stop.wait(0.3):
                for connection in slow:
                    with contextlib.suppress(OSError):  # cut off: nothing more to send
                        connection.send(b"0")

        sender = threading.Thread(target=dribble)
        sender.start()
        started = time.monotonic()
        try:
            with urllib.request.urlopen(served.base + "/", timeout=60) as response:
                assert response.status == 200
            waited = time.monotonic() - started
            answers = []
            for connection in slow:
                answers.append(connection.recv(200).split(b"\r\n")[0])
        finally:
            stop.set()
            sender.join()
            for connection in slow:
                connection.close()
        # 2 s + 100,000 bytes at 64 KiB/s: the workers are free within about 4 s.
        assert waited < 15, waited
        assert answers == [b"HTTP/1.1 408 REQUEST TIMEOUT"] * 4, answers
        log = served.log.read_text("utf-8", "replace")
    assert "Traceback" not in log and "WORKER TIMEOUT" not in log
