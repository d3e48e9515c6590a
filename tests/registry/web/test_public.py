"""The public pages, as a visitor without an account meets them."""

from __future__ import annotations

import io
from pathlib import Path

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from registry.instance import Instance
from registry.models import Document, Secrecy
from tests.support.web import csrf_token


def test_the_home_page_lists_the_issued_notice(client: FlaskClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Sổ văn bản đi" in text and "01-TB/ĐUK" in text
    assert "Outgoing-document register" in client.get("/?lang=en").get_data(as_text=True)


def test_searching_by_number_leads_to_the_document(client: FlaskClient) -> None:
    for typed in ("01-TB/ĐUK", "1 TB DUK"):
        found = client.get("/tra-cuu", query_string={"q": typed})
        assert found.status_code == 302 and found.headers["Location"].endswith("/van-ban/1")
    page = client.get("/van-ban/1").get_data(as_text=True)
    assert "Nguyễn Trọng Vân" in page and "Thường trực Tỉnh ủy" in page
    # Both signatures of the issued copy, verified: the signer's and the office's.
    assert page.count(">HỢP LỆ<") == 2 and "dukhoicaccoquantinh@hatinh.dcs.vn" in page
    missing = client.get("/tra-cuu", query_string={"q": "99-TB/ĐUK"})
    assert missing.status_code == 404 and "Không tìm thấy" in missing.get_data(as_text=True)


def test_downloads_are_the_stored_revisions(client: FlaskClient, issued_pdf: bytes) -> None:
    issued = client.get("/van-ban/1/issued.pdf")
    assert issued.status_code == 200 and issued.mimetype == "application/pdf"
    assert issued.data == issued_pdf
    assert client.get("/van-ban/1/archive.pdf").data.startswith(issued_pdf)
    assert client.get("/van-ban/1/draft.pdf").status_code == 404


def _upload(client: FlaskClient, data: bytes, url: str = "/kiem-tra") -> TestResponse:
    return client.post(
        url,
        data={"file": (io.BytesIO(data), "x.pdf"), "csrf_token": csrf_token(client, "/kiem-tra")},
        content_type="multipart/form-data",
    )


def test_the_verification_page(client: FlaskClient, issued_pdf: bytes) -> None:
    assert client.get("/kiem-tra").status_code == 200
    passed = _upload(client, issued_pdf)
    text = passed.get_data(as_text=True)
    assert passed.status_code == 200 and "HỢP LỆ" in text and "Có trong sổ văn bản" in text
    # The first page and the page with the signatures, drawn with the fields outlined.
    assert text.count('src="data:image/png;base64,') == 2
    tampered = _upload(client, issued_pdf + b"\n%x\n", "/kiem-tra?lang=en")
    assert "FAILED" in tampered.get_data(as_text=True)
    junk = _upload(client, b"junk")
    assert junk.status_code == 422 and "not a PDF" in junk.get_data(as_text=True)


def test_a_secret_document_does_not_exist_for_the_public(
    client: FlaskClient, demo_instance: Instance
) -> None:
    with demo_instance.sessions.begin() as session:
        document = session.get(Document, 1)
        assert document is not None
        document.secrecy = Secrecy.SECRET
    try:
        assert client.get("/van-ban/1").status_code == 404
        assert client.get("/van-ban/1/issued.pdf").status_code == 404
        assert "01-TB/ĐUK" not in client.get("/").get_data(as_text=True)
        assert client.get("/api/v1/documents/01-TB/ĐUK").status_code == 404
    finally:
        with demo_instance.sessions.begin() as session:
            document = session.get(Document, 1)
            assert document is not None
            document.secrecy = Secrecy.NONE


def test_templates_escape_what_they_show(client: FlaskClient) -> None:
    page = client.get("/tra-cuu", query_string={"q": "<script>alert(1)</script>"})
    assert "<script>alert(1)</script>" not in page.get_data(as_text=True)
    assert "&lt;script&gt;" in page.get_data(as_text=True)


def test_the_pki_services_are_mounted(client: FlaskClient) -> None:
    crl = client.get("/pki/crl/issuing-ca.crl")
    assert crl.status_code == 200 and crl.mimetype == "application/pkix-crl"


def test_sovanban_serve_answers_in_its_own_process(demo_instance: Instance, tmp_path: Path) -> None:
    import urllib.request

    from tests.support.pki import free_port
    from tests.support.processes import serving
    from tests.support.web import PASSPHRASE

    port = free_port()
    arguments = ["--instance", str(demo_instance.folder), "serve", "--port", str(port)]
    env = {"SOVANBAN_PKI_PASSPHRASE": PASSPHRASE}
    with serving(arguments, port, tmp_path / "serve.log", env):
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as response:
            assert "01-TB/ĐUK" in response.read().decode()
        with urllib.request.urlopen(
            f"http://127.0.0.1:{port}/pki/crl/root-ca.crl", timeout=10
        ) as response:
            assert response.headers["Content-Type"] == "application/pkix-crl"


def test_verifications_are_rate_limited_per_address(
    client: FlaskClient, tokens: dict[str, str]
) -> None:
    statuses = [
        client.post("/api/v1/verify", data=b"x", content_type="application/pdf").status_code
        for _ in range(32)
    ]
    assert statuses[:30] == [422] * 30 and statuses[30:] == [429, 429]
    limited = client.post("/api/v1/verify", data=b"x", content_type="application/pdf")
    assert int(limited.headers["Retry-After"]) >= 1
    # An account's machine client, from the same address, answers for its own use.
    bearer = {"Authorization": f"Bearer {tokens['auditor']}"}
    for _ in range(3):
        answered = client.post(
            "/api/v1/verify", data=b"x", content_type="application/pdf", headers=bearer
        )
        assert answered.status_code == 422


def test_the_public_page_shows_the_first_page_as_printed(client: FlaskClient) -> None:
    page = client.get("/van-ban/1").get_data(as_text=True)
    assert 'id="first-page"' in page
    picture = client.get("/van-ban/1/trang-1.png")
    assert picture.status_code == 200 and picture.data.startswith(b"\x89PNG")
    from io import BytesIO

    from PIL import Image

    with Image.open(BytesIO(picture.data)) as image:
        assert image.width == 800 and image.height > 1000  # an A4 page, drawn whole
    assert client.get("/van-ban/999/trang-1.png").status_code == 404
