"""The whole flow in a real browser (Debian's Chromium driven by Playwright), as the people
who use it: the clerk registers the seed notice, the signer signs, the clerk issues, a
visitor downloads the PDF and verifies it (passed), and a tampered copy fails.

Screenshots of every step go to ``test-output/browser`` (or ``$SOVANBAN_TEST_OUTPUT``).
"""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select
from werkzeug.serving import make_server

from registry.config import Config
from registry.instance import Instance
from registry.models import User
from registry.services.notifying.mail import deliver_mail
from tests.support import PROJECT_ROOT
from tests.support.components import require
from tests.support.smtp import MailServer, mail_server
from tests.support.web import ACCOUNTS, BODY, PASSPHRASE, RECIPIENTS, password_of

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
OUTPUT = Path(os.environ.get("SOVANBAN_TEST_OUTPUT", PROJECT_ROOT / "test-output"))


@pytest.fixture
def server(app: Flask) -> Iterator[str]:
    running = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=running.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{running.server_port}"
    running.shutdown()
    thread.join(timeout=10)


def _logging_in(page: Any, server: str) -> tuple[Callable[[str], None], Callable[[], None]]:
    """Logging in as a role's demo account by the login form, and out by the menu."""

    def log_in(role: str) -> None:
        page.goto(f"{server}/dang-nhap")
        page.get_by_label("Tên đăng nhập").fill(ACCOUNTS[role])
        page.get_by_label("Mật khẩu").fill(password_of(ACCOUNTS[role]))
        page.get_by_role("button", name="Đăng nhập").click()

    def log_out() -> None:
        page.get_by_role("button", name="Đăng xuất").click()

    return log_in, log_out


def test_the_whole_flow_in_chromium(server: str, tmp_path: Path, seed_pdf: bytes) -> None:
    require("Chromium", CHROMIUM is not None, "install Debian's chromium package")
    from playwright.sync_api import expect, sync_playwright

    shots = OUTPUT / "browser"
    shutil.rmtree(shots, ignore_errors=True)
    shots.mkdir(parents=True)
    draft = tmp_path / "thong-bao-ket-luan.pdf"
    draft.write_bytes(seed_pdf)
    step = iter(range(1, 100))

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(accept_downloads=True, viewport={"width": 1100, "height": 900})

        def shot(name: str) -> None:
            page.screenshot(path=str(shots / f"{next(step):02d}-{name}.png"), full_page=True)

        log_in, log_out = _logging_in(page, server)

        # The clerk registers the office's notice, pasting its Nơi nhận list.
        log_in("clerk")
        page.get_by_role("link", name="Đăng ký dự thảo").click()
        page.get_by_label("Loại văn bản").select_option("TB")
        page.get_by_label("Trích yếu").fill(
            "Kết luận Hội nghị Ban Chấp hành Đảng bộ Khối lần thứ VII"
        )
        page.get_by_label("Nơi nhận").fill(
            "- Thường trực Tỉnh ủy,\n- Các ban Đảng, UBKT, Văn phòng ĐUK,\n"
            "- Các đảng ủy, chi bộ cơ sở,\n- Lưu Văn phòng Đảng ủy Khối."
        )
        page.get_by_label("Tệp dự thảo (PDF)").set_input_files(str(draft))
        shot("clerk-registers")
        page.get_by_role("button", name="Đăng ký", exact=True).click()
        expect(page.locator("#status")).to_have_text("Dự thảo")
        record = page.url
        page.get_by_role("button", name="Chuẩn bị trình ký").click()
        expect(page.locator("#status")).to_have_text("Chờ ký")
        shot("clerk-prepared")
        log_out()

        # The signer finds it in his inbox, looks at it, and signs with his passphrase.
        log_in("signer")
        expect(page.get_by_role("heading", name="Văn bản chờ ký")).to_be_visible()
        page.get_by_role("link", name=f"#{record.rsplit('/', 1)[1]}").click()
        page.get_by_label("Mật khẩu khóa / mã PIN").fill(PASSPHRASE)
        shot("signer-signs")
        page.get_by_role("button", name="Ký số", exact=True).click()
        expect(page.locator("#status")).to_have_text("Đã ký, chờ ban hành")
        log_out()

        # The clerk issues it: number, date and the office's signature.
        log_in("clerk")
        page.goto(record)
        page.get_by_label("Mật khẩu khóa / mã PIN").fill(PASSPHRASE)
        page.get_by_role("button", name="Cấp số và ban hành", exact=True).click()
        expect(page.locator("#status")).to_have_text("Đã ban hành")
        heading = page.get_by_role("heading", level=2).first.inner_text()
        shot("clerk-issued")
        log_out()

        # A visitor looks it up by number, downloads it and verifies it.
        number = next(word for word in heading.split() if "-TB/" in word)
        page.goto(server)
        page.get_by_label("Số văn bản").fill(number)
        page.get_by_role("button", name="Tìm").click()
        expect(page.get_by_role("heading", name=number)).to_be_visible()
        shot("visitor-document-page")
        with page.expect_download() as download:
            page.get_by_role("link", name="Bản phát hành").click()
        issued = tmp_path / "issued.pdf"
        download.value.save_as(issued)
        page.goto(f"{server}/kiem-tra")
        page.get_by_label("Chọn tệp PDF").set_input_files(str(issued))
        page.get_by_role("button", name="Kiểm tra", exact=True).click()
        expect(page.locator("#verdict")).to_have_text("Kết luận: HỢP LỆ")
        expect(page.locator(".pages img").first).to_be_visible()
        shot("visitor-verifies-passed")

        # A copy changed after signing fails.
        tampered = tmp_path / "tampered.pdf"
        data = bytearray(issued.read_bytes())
        at = data.find(b"/Contents", len(data) // 3)
        data[at - 20] ^= 0x01
        tampered.write_bytes(bytes(data))
        page.get_by_label("Chọn tệp PDF").set_input_files(str(tampered))
        page.get_by_role("button", name="Kiểm tra", exact=True).click()
        expect(page.locator("#verdict")).to_have_text("Kết luận: KHÔNG HỢP LỆ")
        shot("visitor-verifies-tampered")
        browser.close()
    assert len(list(shots.glob("*.png"))) == 7


def _mail_config(instance: Instance, server: MailServer) -> Config:
    mail = dataclasses.replace(
        instance.config.mail,
        host=server.host,
        port=server.port,
        starttls=True,
        username=server.user,
        password_env="TEST_MAIL_PASSWORD",
        ca_file=str(server.ca_file),
        timeout_seconds=5,
    )
    return dataclasses.replace(instance.config, mail=mail)


def _subjects(server: MailServer, address: str) -> list[str]:
    return [str(message["Subject"]) for message in server.to(address)]


def test_return_revise_sign_issue_with_the_mail_it_sends(
    server: str,
    demo_instance: Instance,
    tmp_path: Path,
    seed_pdf: bytes,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The signer returns a draft with a comment; the clerk, told by mail, replaces its file;
    the signer, told again, signs; the clerk, told, issues. Every e-mail is read back from a
    real SMTP server, and the document's history tells the story in words."""
    require("Chromium", CHROMIUM is not None, "install Debian's chromium package")
    from playwright.sync_api import expect, sync_playwright

    clerk_mail, signer_mail = "tranthithu@hatinh.dcs.vn", "nguyentrongvan@hatinh.dcs.vn"
    with demo_instance.sessions.begin() as session:
        session.scalars(select(User).where(User.login == "vanthu")).one().email = clerk_mail
    replacement = tmp_path / "du-thao-sua.pdf"
    replacement.write_bytes(seed_pdf)
    shots = OUTPUT / "browser-loop"
    shutil.rmtree(shots, ignore_errors=True)
    shots.mkdir(parents=True)

    with mail_server(tmp_path / "smtp") as mail, sync_playwright() as playwright:
        monkeypatch.setenv("TEST_MAIL_PASSWORD", mail.password)
        config = _mail_config(demo_instance, mail)

        def deliver() -> None:  # what the service's mail thread does every minute
            run = deliver_mail(demo_instance.sessions, config, demo_instance.folder)
            assert run.failed == 0 and run.retried == 0

        deliver()  # what the module's other documents had queued
        mail.received.clear()
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1100, "height": 900})

        log_in, log_out = _logging_in(page, server)

        # The clerk writes a notice in the form and prepares it for signing.
        log_in("clerk")
        page.get_by_role("link", name="Đăng ký dự thảo").click()
        page.get_by_label("Loại văn bản").select_option("TB")
        page.get_by_label("Trích yếu").fill("Kết luận giao ban tháng 12 năm 2026")
        page.get_by_label("Nơi nhận").fill(RECIPIENTS)
        page.locator("#body").fill(BODY)
        page.get_by_role("button", name="Đăng ký", exact=True).click()
        expect(page.locator("#status")).to_have_text("Dự thảo")
        record = page.url
        page.get_by_role("button", name="Chuẩn bị trình ký").click()
        expect(page.locator("#status")).to_have_text("Chờ ký")
        log_out()
        deliver()
        assert _subjects(mail, signer_mail) == [
            "[Sổ văn bản] Dự thảo chờ đồng chí ký: #"
            f"{record.rsplit('/', 1)[1]} Kết luận giao ban tháng 12 năm 2026"
        ]

        # The signer returns it with his reason.
        log_in("signer")
        page.goto(record)
        page.locator("#return-comment").fill("Sửa đoạn 2 cho rõ thời hạn.")
        page.get_by_role("button", name="Trả lại dự thảo").click()
        expect(page.locator("#status")).to_have_text("Bị trả lại")
        page.screenshot(path=str(shots / "01-signer-returned.png"), full_page=True)
        # A returned draft cannot be signed, even by a form sent from an old page.
        expect(page.get_by_role("button", name="Ký số", exact=True)).to_have_count(0)
        log_out()
        deliver()
        (returned,) = mail.to(clerk_mail)
        assert str(returned["Subject"]).startswith("[Sổ văn bản] Dự thảo bị trả lại")
        assert "Sửa đoạn 2 cho rõ thời hạn." in returned.get_content()

        # The clerk sees it waiting, replaces the draft's file with a note, prepares again.
        log_in("clerk")
        page.locator("#tasks-link").click()
        document_id = record.rsplit("/", 1)[1]
        page.locator(f'#main a[href$="/ho-so/{document_id}"]').first.click()
        page.get_by_role("link", name="Sửa, thay dự thảo").click()
        page.get_by_label("Tệp dự thảo mới (PDF)").set_input_files(str(replacement))
        page.locator("#note").fill("Đã sửa đoạn 2.")
        page.get_by_role("button", name="Sửa, thay dự thảo").click()
        expect(page.locator("#status")).to_have_text("Dự thảo")
        page.get_by_role("button", name="Chuẩn bị trình ký").click()
        expect(page.locator("#status")).to_have_text("Chờ ký")
        log_out()
        deliver()
        assert len(_subjects(mail, signer_mail)) == 2

        # The signer signs the new revision; the clerk issues it.
        log_in("signer")
        page.goto(record)
        page.get_by_label("Mật khẩu khóa / mã PIN").fill(PASSPHRASE)
        page.get_by_role("button", name="Ký số", exact=True).click()
        expect(page.locator("#status")).to_have_text("Đã ký, chờ ban hành")
        log_out()
        deliver()
        assert any("Văn bản đã ký, chờ ban hành" in s for s in _subjects(mail, clerk_mail))
        log_in("clerk")
        page.goto(record)
        page.get_by_label("Mật khẩu khóa / mã PIN").fill(PASSPHRASE)
        page.get_by_role("button", name="Cấp số và ban hành", exact=True).click()
        expect(page.locator("#status")).to_have_text("Đã ban hành")
        history = page.locator("#history").inner_text()
        page.screenshot(path=str(shots / "02-clerk-issued-history.png"), full_page=True)
        browser.close()
    for step in ("trả lại dự thảo", "Sửa đoạn 2 cho rõ thời hạn.", "thay dự thảo", "ký duyệt"):
        assert step in history, step
    assert "ban hành, cấp số" in history


def test_a_large_upload_shows_its_progress(server: str, tmp_path: Path, seed_pdf: bytes) -> None:
    """On a slow line the page tells how much of the file has gone, then shows the answer."""
    require("Chromium", CHROMIUM is not None, "install Debian's chromium package")
    from playwright.sync_api import expect, sync_playwright

    # 3 MB of comment after the file, then its cross-reference pointer again: a valid PDF.
    pointer = seed_pdf[seed_pdf.rindex(b"startxref") :]
    large = tmp_path / "ban-scan.pdf"
    large.write_bytes(seed_pdf + b"%" + b"0" * (3 * 1024 * 1024) + b"\n" + pointer)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page()
        page.goto(f"{server}/kiem-tra")
        line = page.context.new_cdp_session(page)
        line.send("Network.enable")
        line.send(
            "Network.emulateNetworkConditions",
            {
                "offline": False,
                "latency": 20,
                "downloadThroughput": -1,
                "uploadThroughput": 400_000,
            },
        )
        page.get_by_label("Chọn tệp PDF").set_input_files(str(large))
        page.get_by_role("button", name="Kiểm tra", exact=True).click()
        status = page.locator(".upload-status")
        expect(status).to_contain_text("Đang gửi tệp:")
        expect(page.locator("progress.upload-progress")).to_be_visible()
        # Part of the file has gone, and the page says how much.
        page.wait_for_function(
            "() => { const bar = document.querySelector('progress.upload-progress');"
            " return bar && bar.value > 0 && bar.value < bar.max; }"
        )
        expect(status).to_have_text(re.compile(r"Đang gửi tệp: [1-9]\d?%"))
        expect(page.locator("#verdict")).to_be_visible(timeout=60_000)  # then the answer
        browser.close()
