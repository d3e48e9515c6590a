"""The whole flow in a real browser (Debian's Chromium driven by Playwright), as the people
who use it: the clerk registers the seed notice, the signer signs, the clerk issues, a
visitor downloads the PDF and verifies it (passed), and a tampered copy fails.

Screenshots of every step go to ``test-output/browser`` (or ``$SOVANBAN_TEST_OUTPUT``).
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import make_server

from tests.support import PROJECT_ROOT
from tests.support.components import require
from tests.support.web import ACCOUNTS, PASSPHRASE, password_of

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

        def log_in(role: str) -> None:
            page.goto(f"{server}/dang-nhap")
            page.get_by_label("Tên đăng nhập").fill(ACCOUNTS[role])
            page.get_by_label("Mật khẩu").fill(password_of(ACCOUNTS[role]))
            page.get_by_role("button", name="Đăng nhập").click()

        def log_out() -> None:
            page.get_by_role("button", name="Đăng xuất").click()

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
