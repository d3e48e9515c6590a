"""Every route × every role: the right answer for each, CSRF on every form, no secret leaks."""

from __future__ import annotations

import io
import re

import pytest
from flask import Flask

from registry.instance import Instance
from registry.models import Document, Secrecy
from tests.support.routes import ROUTES
from tests.support.web import ROLES, csrf_token, logged_in


def test_the_matrix_names_every_route(app: Flask) -> None:
    """A new route must be added to the matrix, with the roles it lets in."""
    routes = {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}
    }
    assert {(endpoint, spec[0]) for endpoint, spec in ROUTES.items()} <= routes
    missing = {endpoint for endpoint, _ in routes} - set(ROUTES)
    assert not missing, f"routes without an entry in the role matrix: {sorted(missing)}"


@pytest.mark.parametrize("role", ROLES)
def test_every_route_answers_each_role_rightly(
    app: Flask, tokens: dict[str, str], role: str
) -> None:
    browser = logged_in(app, role)
    page_token = csrf_token(browser, "/kiem-tra")
    for endpoint, (method, url, allowed) in ROUTES.items():
        if url.startswith("/api/"):
            headers = {"Authorization": f"Bearer {tokens[role]}"} if role in tokens else {}
            response = app.test_client().open(url, method=method, headers=headers, json={})
            refused = 401 if role == "anonymous" else 403
        else:
            data = {"csrf_token": page_token} if method == "POST" else None
            response = browser.open(url, method=method, data=data)
            refused = 302 if role == "anonymous" else 403
        where = f"{role} {method} {url} ({endpoint})"
        assert response.status_code < 500, f"{where}: {response.status_code}"
        if response.mimetype == "text/html":  # no inline script: ours, from a file, at most
            scripts = re.findall(r"<script[^>]*>", response.get_data(as_text=True))
            assert all('src="/tai-len.js"' in tag for tag in scripts), where
        if role in allowed:
            assert response.status_code not in (401, 403), f"{where} was refused"
            if response.status_code == 302:
                assert "/dang-nhap" not in response.headers["Location"], where
        else:
            assert response.status_code == refused, f"{where}: {response.status_code}"
            if refused == 302:
                assert response.headers["Location"].startswith("/dang-nhap?next="), where
        if endpoint == "auth.logout":
            browser = logged_in(app, role)
            page_token = csrf_token(browser, "/kiem-tra")


@pytest.mark.parametrize(
    ("role", "url"),
    [
        ("anonymous", "/kiem-tra"),
        ("anonymous", "/dang-nhap"),
        ("clerk", "/van-thu/dang-ky"),
        ("clerk", "/van-thu/1/thu-hoi"),
        ("signer", "/ky/1"),
        ("signer", "/tai-khoan"),
        ("auditor", "/kiem-soat/toan-ven"),
        ("admin", "/quan-tri/nguoi-dung"),
        ("admin", "/quan-tri/nguoi-dung/vanthu"),
        ("clerk", "/dang-xuat"),
    ],
)
def test_forms_without_a_csrf_token_are_refused(app: Flask, role: str, url: str) -> None:
    browser = logged_in(app, role)
    for data in ({}, {"csrf_token": "forged"}):
        response = browser.post(url, data={**data, "reason": "x", "login": "quantri"})
        assert response.status_code == 400
        assert "Biểu mẫu đã hết hạn" in response.get_data(as_text=True)


def test_a_secret_document_appears_on_no_public_page(
    app: Flask, demo_instance: Instance, tokens: dict[str, str], issued_pdf: bytes
) -> None:
    with demo_instance.sessions.begin() as session:
        document = session.get(Document, 1)
        assert document is not None
        document.secrecy = Secrecy.TOP_SECRET
    try:
        visitor = app.test_client()
        for url in (
            "/",
            "/tra-cuu?q=01-TB/ĐUK",
            "/tra-cuu?q=hoi+nghi+ban+chap+hanh",
            "/tra-cuu?q=1+TB+DUK",
            "/van-ban/1",
            "/van-ban/1/issued.pdf",
            "/van-ban/1/archive.pdf",
            "/api/v1/documents?q=hoi+nghi",
            "/api/v1/documents/1",
            "/api/v1/documents/01-TB/ĐUK",
            "/api/v1/documents/1/files/issued",
        ):
            response = visitor.get(url)
            text = response.get_data(as_text=True)
            assert "Hội nghị Ban Chấp hành" not in text and "/van-ban/1" not in text, url
            if "01-TB" not in url:  # an answer may repeat what was asked, nothing more
                assert "01-TB/ĐUK" not in text, url
        assert visitor.get("/van-ban/1").status_code == 404
        assert visitor.get("/api/v1/documents?q=hoi+nghi").get_json()["total"] == 0
        # Inside, only the clerk, the auditor and the document's signer see it.
        for role, expected in (("admin", 404), ("clerk", 200), ("auditor", 200), ("signer", 200)):
            assert logged_in(app, role).get("/ho-so/1").status_code == expected, role
        admin_api = app.test_client().get(
            "/api/v1/documents?q=hoi+nghi", headers={"Authorization": f"Bearer {tokens['admin']}"}
        )
        assert admin_api.get_json()["total"] == 0
        # The verifier answers for the secret document's file, and for a copy extended after
        # it, exactly as for a file the register does not hold: nothing confirmed.
        extended = issued_pdf + b"\n% a later update\n"
        for data in (issued_pdf, extended):
            for headers in ({}, {"Authorization": f"Bearer {tokens['admin']}"}):
                report = visitor.post(
                    "/api/v1/verify", data=data, content_type="application/pdf", headers=headers
                ).get_json()
                assert report["registry"] == {
                    "status": "not_registered",
                    "number_in_file": "01-TB/ĐUK",
                }
        form = {
            "file": (io.BytesIO(issued_pdf), "tb.pdf"),
            "csrf_token": csrf_token(visitor, "/kiem-tra"),
        }
        page = visitor.post("/kiem-tra", data=form).get_data(as_text=True)
        assert "Không có trong sổ văn bản" in page and "/ho-so/1" not in page
        clerk_report = (
            app.test_client()
            .post(
                "/api/v1/verify",
                data=issued_pdf,
                content_type="application/pdf",
                headers={"Authorization": f"Bearer {tokens['clerk']}"},
            )
            .get_json()
        )
        assert clerk_report["registry"]["status"] == "registered"
        # The administrator reads the audit trail too: that something happened, not to what.
        trail = logged_in(app, "admin").get("/kiem-soat/nhat-ky?hanh_dong=document:issue")
        text = trail.get_data(as_text=True)
        assert trail.status_code == 200 and "document:issue" in text and "secret document" in text
        assert "01-TB/ĐUK" not in text and "/ho-so/1" not in text
        audited = logged_in(app, "auditor").get("/kiem-soat/nhat-ky?hanh_dong=document:issue")
        assert "01-TB/ĐUK" in audited.get_data(as_text=True)
    finally:
        with demo_instance.sessions.begin() as session:
            document = session.get(Document, 1)
            assert document is not None
            document.secrecy = Secrecy.NONE
