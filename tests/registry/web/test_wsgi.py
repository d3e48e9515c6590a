"""The service under gunicorn with several workers on PostgreSQL: a login made on one worker
holds on the others, and work done through one is seen by all."""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.pki import free_port

pytestmark = [
    pytest.mark.slow,
    # urllib's redirect handler leaves the 302 response of the login for the collector.
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
]


def _wait_for(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    for _ in range(300):
        assert process.poll() is None, log.read_text("utf-8", "replace")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("gunicorn did not start")


def test_gunicorn_workers_share_the_register_on_postgresql(
    postgres_url: str, tmp_path: Path
) -> None:
    folder = tmp_path / "instance"
    env = {
        **os.environ,
        "SOVANBAN_DATABASE_URL": postgres_url,
        "SOVANBAN_PKI_PASSPHRASE": "pg-demo",
        "SOVANBAN_INSTANCE": str(folder),
    }
    command = [sys.executable, "-c", "from registry.cli import main; main()"]
    demo = subprocess.run(
        [*command, "demo", "--no-serve", "--json"],
        env=env,
        capture_output=True,
        timeout=300,
        check=True,
    )
    import json

    accounts = {a["login"]: a["password"] for a in json.loads(demo.stdout)["accounts"]}
    port = free_port()
    gunicorn = Path(sys.executable).with_name("gunicorn")
    log = tmp_path / "gunicorn.log"
    log_file = log.open("wb")
    server = subprocess.Popen(
        [str(gunicorn), "-w", "3", "-b", f"127.0.0.1:{port}", "registry.web.wsgi:app"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        _wait_for(port, server, log)
        base = f"http://127.0.0.1:{port}"
        opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        with opener.open(f"{base}/dang-nhap", timeout=20) as response:
            page = response.read().decode()
        token = re.search(r'name="csrf_token" value="([^"]+)"', page)
        assert token is not None
        form = urllib.parse.urlencode(
            {"login": "kiemsoat", "password": accounts["kiemsoat"], "csrf_token": token.group(1)}
        ).encode()
        opener.open(f"{base}/dang-nhap", data=form, timeout=20).close()
        # Many requests spread over the workers: the session holds on every one.
        for _ in range(12):
            with opener.open(f"{base}/kiem-soat/", timeout=20) as response:
                assert response.geturl().endswith("/kiem-soat/")
                assert "Tổng quan" in response.read().decode()
        with urllib.request.urlopen(f"{base}/tra-cuu?q=01-TB/%C4%90UK", timeout=20) as response:
            assert response.geturl().endswith("/van-ban/1")
    finally:
        server.terminate()
        server.wait(timeout=20)
        log_file.close()


def test_sixteen_api_clients_issue_through_four_workers(database_url: str, tmp_path: Path) -> None:
    """Register → prepare → sign → issue from 16 clients at once on 4 gunicorn workers, on
    either engine: every notice numbered once, none skipped, each PDF verifies, the register
    sound. (benchmarks/issuing_load.py runs the same with 500 notices.)"""
    from benchmarks.issuing_load import issue_concurrently, verify_all
    from benchmarks.served import serve
    from tests.registry.invariants import assert_register_sound

    documents = 32
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
