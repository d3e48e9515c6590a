"""Hostile files at the web edge, against the real server: while they are worked on, the
public pages answer at once, no process grows past the configured memory, and each file is
refused with its reason. Reading never waits behind someone's write (SQLite's lock)."""

from __future__ import annotations

import re
import sqlite3
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from flask import Flask

from registry.instance import Instance, open_instance
from registry.models import User
from registry.services.people.accounts import create_api_token
from tests.support import hostile_pdfs
from tests.support.cli import Sovanban
from tests.support.pki import free_port
from tests.support.processes import in_session, serving
from tests.support.web import logged_in

pytestmark = pytest.mark.slow

PASSPHRASE = {"SOVANBAN_PKI_PASSPHRASE": "mat-khau-demo"}
CEILING_MB = 600


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _post(url: str, data: bytes, headers: dict[str, str]) -> tuple[int, str]:
    request = urllib.request.Request(url, data=data, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=120) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.read().decode()


@pytest.fixture
def instance_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Path:
    monkeypatch.delenv("SOVANBAN_CONFIG", raising=False)
    monkeypatch.delenv("SOVANBAN_DATABASE_URL", raising=False)
    for name, value in PASSPHRASE.items():
        monkeypatch.setenv(name, value)
    demo = Sovanban(tmp_path / "instance", capsys)
    demo.ok("demo", "--no-serve")
    config = demo.instance / "config.toml"
    text = config.read_text("utf-8")
    # The page-size limit opened wide, so that only the memory ceiling holds a huge page.
    text = text.replace("worker_memory_mb = 1024", f"worker_memory_mb = {CEILING_MB}")
    text = text.replace("max_page_side_mm = 5000", "max_page_side_mm = 100000000")
    config.write_text(text, "utf-8")
    return demo.instance


def test_hostile_files_cost_a_worker_not_the_service(instance_folder: Path, tmp_path: Path) -> None:
    instance = open_instance(instance_folder)
    with instance.sessions.begin() as session:
        clerk = session.query(User).filter_by(login="vanthu").one()
        token = create_api_token(session, clerk, "kiểm thử", actor="test")
    instance.engine.dispose()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    arguments = ["--instance", str(instance_folder), "serve", "--port", str(port)]
    with serving(arguments, port, tmp_path / "serve.log", PASSPHRASE) as server:
        latencies: list[float] = []
        peak: dict[int, float] = {}
        stop = threading.Event()

        def visit() -> None:
            while not stop.is_set():
                started = time.monotonic()
                with urllib.request.urlopen(f"{base}/", timeout=30) as answer:
                    assert answer.status == 200
                latencies.append(time.monotonic() - started)
                time.sleep(0.05)

        def watch() -> None:
            while not stop.is_set():
                for pid in [server.pid, *in_session(server.pid)]:
                    peak[pid] = max(peak.get(pid, 0.0), _rss_mb(pid))
                time.sleep(0.02)

        threads = [threading.Thread(target=visit), threading.Thread(target=watch)]
        for thread in threads:
            thread.start()
        pdf = {"Content-Type": "application/pdf"}
        bearer = {"Authorization": f"Bearer {token}"}
        try:
            answers = {
                "verify a kilometre-tall page": _post(
                    f"{base}/api/v1/verify", hostile_pdfs.tall_page(1_000_000), pdf
                ),
                "verify a looping page tree": _post(
                    f"{base}/api/v1/verify", hostile_pdfs.looping_pages(), pdf
                ),
                "register a 300 MB stream": _register(base, bearer, hostile_pdfs.inflating(300)),
                "register a deep nest": _register(base, bearer, hostile_pdfs.deep_array()),
                "register 999,999,999 pages": _register(base, bearer, hostile_pdfs.counted()),
            }
            # Its pictures are drawn too: within the limits (opened wide), past the memory.
            shown = _verification_page(base, hostile_pdfs.tall_page(1_000_000))
        finally:
            stop.set()
            for thread in threads:
                thread.join()
    for what, (status, body) in answers.items():
        expected = (200, 422) if what.startswith("verify") else (400,)
        assert status in expected, (what, status, body[:300])
    assert "inflates to more than the limit (256 MB)" in answers["register a 300 MB stream"][1]
    assert "deeper than the limit" in answers["register a deep nest"][1]
    assert "999,999,999 pages; the limit is 2,000" in answers["register 999,999,999 pages"][1]
    assert shown[0] == 200 and 'id="verdict"' in shown[1]  # the verdict, without pictures
    assert "data:image/png" not in shown[1]
    ordered = sorted(latencies)
    assert len(ordered) >= 10
    assert ordered[int(0.95 * len(ordered))] < 1.0, ordered[-5:]
    assert max(peak.values()) < CEILING_MB, peak


def _register(base: str, bearer: dict[str, str], pdf: bytes) -> tuple[int, str]:
    boundary = "ranh-gioi"
    fields = {"type": "TB", "subject": "Dự thảo", "signer": "nguyentrongvan"}
    body = b"".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in fields.items()
    )
    body += (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="x.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + pdf
        + f"\r\n--{boundary}--\r\n".encode()
    )
    headers = {**bearer, "Content-Type": f"multipart/form-data; boundary={boundary}"}
    return _post(f"{base}/api/v1/documents", body, headers)


def _verification_page(base: str, pdf: bytes) -> tuple[int, str]:
    """The public verification page, as a browser sends it (its form's CSRF token)."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
    with opener.open(f"{base}/kiem-tra", timeout=30) as page:
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.read().decode())
    assert token is not None
    boundary = "ranh-gioi"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n'
            f"{token.group(1)}\r\n"
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="x.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + pdf
        + f"\r\n--{boundary}--\r\n".encode()
    )
    request = urllib.request.Request(
        f"{base}/kiem-tra",
        data=body,
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    try:
        with opener.open(request, timeout=120) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.read().decode()


def test_reading_never_waits_behind_a_write(app: Flask, demo_instance: Instance) -> None:
    """Another process holds SQLite's write lock (a long issue, say): pages, searches and
    API reads answer at once instead of queueing behind it."""
    database = demo_instance.folder / "sovanban.sqlite3"
    writer = sqlite3.connect(database, timeout=1, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    try:
        answered: dict[str, float] = {}

        def read_all() -> None:
            client = app.test_client()
            for url in ("/", "/tra-cuu?q=hoi+nghi", "/van-ban/1", "/api/v1/documents?q=hoi"):
                started = time.monotonic()
                assert client.get(url).status_code == 200, url
                answered[url] = time.monotonic() - started

        reader = threading.Thread(target=read_all)
        reader.start()
        reader.join(timeout=30)
        assert not reader.is_alive(), "a read waited for the write lock"
        assert len(answered) == 4 and max(answered.values()) < 5
    finally:
        writer.execute("ROLLBACK")
        writer.close()


def test_a_stored_page_too_big_to_draw_is_refused_on_the_staff_page(
    app: Flask, demo_instance: Instance
) -> None:
    """A draft stored before the limits were what they are: its picture is refused with the
    limit, drawn (or not) in a worker, and the page itself still opens."""
    from registry.services.drafting.documents import DraftRequest, register_draft
    from registry.services.setup.reference_data import current_issuer
    from signing.inspect import inspect_pdf

    with demo_instance.sessions.begin() as session:
        document = register_draft(
            session,
            demo_instance.blobs,
            current_issuer(session, demo_instance.config),
            DraftRequest(
                pdf=hostile_pdfs.tall_page(),
                type_code="TB",
                subject="Dự thảo khổ giấy lạ",
                signer_login="nguyentrongvan",
            ),
            actor="test",
            inspect=inspect_pdf,  # as registered before the limits existed
        )
        document_id = document.id
    clerk = logged_in(app, "clerk")
    picture = clerk.get(f"/ho-so/{document_id}/trang-1.png")
    assert picture.status_code == 422
    assert "một trang có cạnh 5,000,000 mm; giới hạn là 5,000 mm" in picture.get_data(as_text=True)
    assert clerk.get(f"/ho-so/{document_id}").status_code == 200
