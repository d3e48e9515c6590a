"""Every page of every role, and every error a person meets, in Vietnamese: nothing left in
English (a message missing from the catalog fails the request loudly under test, and the
page's text is read for English words that slipped past the catalog), the errors naming the
field or the key by its label, never a path of the server."""

from __future__ import annotations

import html
import io
import re
from collections.abc import Iterator

import lxml.html
import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from registry.instance import Instance
from tests.support.routes import ROUTES
from tests.support.web import BODY, RECIPIENTS, ROLES, csrf_token, logged_in, prepared_by_form

# Words of English sentences that Vietnamese never writes, and English error vocabulary.
_ENGLISH = re.compile(
    r"\b(?:the|is|are|was|were|not|cannot|must|this|with|from|your|please|has|have|been|"
    r"could|should|does|of|and|for|by|error|invalid|unknown|wrong|missing|failed|refused|"
    r"found|allowed|expired|request|server)\b",
    re.IGNORECASE,
)
# What a page may show in English on purpose: the link to the English interface.
_MEANT = {"English"}
_ATTRIBUTES = ("alt", "title", "placeholder", "aria-label")


def english_on(page: str) -> list[str]:
    """The pieces of ``page``'s visible text (and labels read aloud) written in English."""
    tree = lxml.html.fromstring(page)
    for hidden in tree.xpath("//script | //style"):
        hidden.drop_tree()
    pieces = [text.strip() for text in tree.itertext()]
    pieces += [str(value) for name in _ATTRIBUTES for value in tree.xpath(f"//@{name}")]
    return [piece for piece in pieces if piece not in _MEANT and _ENGLISH.search(piece)]


def _check(response: TestResponse, where: str) -> str:
    assert response.status_code < 500, f"{where}: {response.status_code}"
    if response.mimetype != "text/html":  # a PDF, a picture, a script
        return ""
    page = response.get_data(as_text=True)
    if not response.location:  # a redirect's page is not read
        assert '<html lang="vi">' in page, where
        assert not english_on(page), f"{where} shows English: {english_on(page)}"
    return html.unescape(page)


@pytest.fixture
def returned_draft(app: Flask) -> int:
    """A draft the signer returned with a comment, answered by the clerk: a page with
    comments, a history and notifications on it."""
    document_id, location = prepared_by_form(app)
    signer = logged_in(app, "signer")
    signer.post(
        f"/ky/{document_id}/tra-lai",
        data={"comment": "Sửa đoạn 2", "csrf_token": csrf_token(signer, location)},
    )
    clerk = logged_in(app, "clerk")
    clerk.post(
        f"/ho-so/{document_id}/y-kien",
        data={"comment": "Đã nhận, sẽ sửa", "csrf_token": csrf_token(clerk, location)},
    )
    return document_id


def _pages_of(document_id: int) -> Iterator[str]:
    for _endpoint, (method, url, _allowed) in ROUTES.items():
        if method == "GET" and not url.startswith("/api/"):
            yield url
    yield f"/ho-so/{document_id}"
    yield f"/van-thu/{document_id}/sua"
    yield "/van-thu/?trang_thai=returned"
    yield "/ho-so/tim-kiem?trang_thai=returned&q=giao+ban"


@pytest.mark.parametrize("role", ROLES)
def test_every_page_of_every_role_is_in_vietnamese(
    app: Flask, returned_draft: int, role: str
) -> None:
    browser = logged_in(app, role)
    for url in _pages_of(returned_draft):
        _check(browser.get(url), f"{role} GET {url}")
    # What a refused role meets, and what every role meets on a wrong address.
    _check(browser.get("/khong-co-trang-nay"), f"{role} 404")
    _check(browser.get("/ho-so/999999"), f"{role} no such document")


def _post(browser: FlaskClient, url: str, page: str, **data: object) -> TestResponse:
    return browser.post(
        url,
        data={**data, "csrf_token": csrf_token(browser, page)},
        content_type="multipart/form-data",
    )


def test_the_errors_people_meet_are_in_vietnamese_and_keep_what_was_typed(
    app: Flask, returned_draft: int
) -> None:
    anonymous = app.test_client()
    wrong_login = _post(anonymous, "/dang-nhap", "/dang-nhap", login="vanthu", password="sai")
    assert "Sai tên đăng nhập hoặc mật khẩu" in _check(wrong_login, "wrong password")
    nothing = _post(anonymous, "/kiem-tra", "/kiem-tra")
    assert "Chưa chọn tệp" in _check(nothing, "verify without a file")
    not_pdf = _post(anonymous, "/kiem-tra", "/kiem-tra", file=(io.BytesIO(b"GIF89a"), "a.pdf"))
    assert "không phải tệp PDF" in _check(not_pdf, "verify a picture")

    clerk = logged_in(app, "clerk")
    form = {
        "type": "TB",
        "subject": "Thông báo về việc họp",
        "signer": "nguyentrongvan",
        "urgency": "gấp",
        "secrecy": "none",
        "recipients": RECIPIENTS,
        "body": BODY,
    }
    bad_urgency = _post(clerk, "/van-thu/dang-ky", "/van-thu/dang-ky", **form)
    page = _check(bad_urgency, "register with an unknown urgency")
    assert "Độ khẩn: giá trị 'gấp' không hợp lệ" in page
    assert ">Thông báo về việc họp</textarea>" in page  # what was typed is kept
    issued = _post(clerk, "/van-thu/1/ban-hanh", "/ho-so/1", secret="sai")
    assert "sai mật khẩu" in _check(issued, "issue with a wrong passphrase")
    unchanged = _post(clerk, f"/van-thu/{returned_draft}/sua", f"/van-thu/{returned_draft}/sua")
    assert "Không có gì thay đổi" in _check(unchanged, "a revision that changes nothing")

    signer = logged_in(app, "signer")
    prepared, location = prepared_by_form(app)
    wrong_passphrase = _post(signer, f"/ky/{prepared}", location, secret="khong-dung")
    page = _check(wrong_passphrase, "sign with a wrong passphrase")
    # The key named by its label, its file by name only, never the server's path.
    assert "Khóa “nguyentrongvan”: …/signer.p12: sai mật khẩu" in page and "/pki/" not in page
    empty_return = _post(signer, f"/ky/{prepared}/tra-lai", location, comment=" ")
    assert "Lý do trả lại: hãy ghi nội dung" in _check(empty_return, "return without a reason")

    admin = logged_in(app, "admin")
    short = _post(
        admin,
        "/quan-tri/nguoi-dung",
        "/quan-tri/",
        login="thuky",
        full_name="Đỗ Thư Ký",
        password="ngan",
        roles="clerk",
    )
    page = _check(short, "a password too short")
    assert "Mật khẩu cần ít nhất 10 ký tự" in page and 'value="Đỗ Thư Ký"' in page


def test_every_http_error_page_is_in_vietnamese(app: Flask, demo_instance: Instance) -> None:
    visitor = app.test_client()
    forbidden = logged_in(app, "signer").get("/quan-tri/")
    assert "không được xem trang này" in _check(forbidden, "403")
    assert "Không có trang hoặc văn bản này" in _check(visitor.get("/khong-co"), "404")
    assert "không nhận loại yêu cầu đó" in _check(visitor.put("/kiem-tra"), "405")
    csrf = visitor.post("/kiem-tra", data={})
    assert "Biểu mẫu đã hết hạn" in _check(csrf, "400")
    limit = app.config["MAX_CONTENT_LENGTH"]
    too_large = visitor.post(
        "/kiem-tra", data=b"0" * (limit + 1), content_type="multipart/form-data; boundary=x"
    )
    assert too_large.status_code == 413
    assert "Tệp gửi lên quá lớn" in _check(too_large, "413")
    for _ in range(demo_instance.config.web.login_attempts_per_minute + 1):
        guessing = _post(visitor, "/dang-nhap", "/dang-nhap", login="x", password="y")
    assert guessing.status_code == 429 and guessing.headers["Retry-After"]
    assert "Quá nhiều yêu cầu" in _check(guessing, "429")


def test_a_server_error_is_a_page_in_vietnamese(demo_instance: Instance) -> None:
    from registry.services.setup.pki import pki_services
    from registry.web import create_app
    from tests.support.web import PASSPHRASE

    app = create_app(demo_instance, pki=pki_services(demo_instance, PASSPHRASE.encode()))

    @app.get("/hong")
    def broken() -> str:
        raise RuntimeError("/srv/sovanban/secret-key is missing")

    response = app.test_client().get("/hong")
    assert response.status_code == 500
    page = _check_server_error(response)
    assert "Máy chủ gặp lỗi" in page and "secret-key" not in page


def _check_server_error(response: TestResponse) -> str:
    page = response.get_data(as_text=True)
    assert '<html lang="vi">' in page and not english_on(page), english_on(page)
    return page


def test_english_is_there_for_whoever_chooses_it(app: Flask) -> None:
    browser = logged_in(app, "clerk")
    page = browser.get("/van-thu/?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in page and "Register a draft" in page
    # The choice is remembered, and errors follow it.
    refused = _post(
        browser,
        "/van-thu/dang-ky",
        "/van-thu/dang-ky",
        type="TB",
        subject="Họp",
        signer="nguyentrongvan",
        urgency="gấp",
        recipients=RECIPIENTS,
        body=BODY,
    )
    assert "Urgency: unknown value 'gấp'" in html.unescape(refused.get_data(as_text=True))


def test_the_walk_would_see_english_left_on_a_page() -> None:
    assert english_on("<p>the file is not a PDF</p>") == ["the file is not a PDF"]
    assert english_on('<img alt="The first page">') == ["The first page"]
    assert not english_on("<p>Tệp in dấu MẬT</p><a>English</a><script>var is = 1</script>")


@pytest.mark.parametrize(
    ("lang", "exact", "shown"),
    [
        ("vi", True, "12.345"),
        ("en", True, "12,345"),
        ("vi", False, "hơn 1.000"),
        ("en", False, "more than 1,000"),
    ],
)
def test_counts_are_written_as_the_reader_writes_them(
    app: Flask, lang: str, exact: bool, shown: str
) -> None:
    from registry.web.i18n import result_count

    with app.test_request_context(f"/tra-cuu?lang={lang}"):
        assert result_count(12_345 if exact else 1000, exact) == shown
