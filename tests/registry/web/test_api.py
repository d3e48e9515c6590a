"""The JSON API: the verification contract of DESIGN §5 and document lookup."""

from __future__ import annotations

import io

from flask.testing import FlaskClient


def test_verify_returns_the_contract(client: FlaskClient, issued_pdf: bytes) -> None:
    response = client.post(
        "/api/v1/verify?lang=en",
        data={"file": (io.BytesIO(issued_pdf), "a.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    report = response.get_json()
    assert set(report) >= {"file", "indication", "sub_indication", "registry", "signatures"}
    assert report["indication"] == "TOTAL-PASSED"
    assert report["registry"]["status"] == "registered"
    raw = client.post("/api/v1/verify", data=issued_pdf, content_type="application/pdf")
    assert raw.get_json()["file"]["sha256"] == report["file"]["sha256"]


def test_verify_refuses_what_is_not_a_pdf(client: FlaskClient) -> None:
    empty = client.post("/api/v1/verify", data=b"")
    assert empty.status_code == 400 and "error" in empty.get_json()
    junk = client.post("/api/v1/verify", data=b"hello", content_type="application/pdf")
    assert junk.status_code == 422 and "not a PDF" in junk.get_json()["error"]


def test_an_upload_over_the_limit_is_refused(client: FlaskClient) -> None:
    big = b"%PDF-1.7\n" + b"0" * (26 * 1024 * 1024)
    response = client.post("/api/v1/verify", data=big, content_type="application/pdf")
    assert response.status_code == 413 and "error" in response.get_json()


def test_documents_by_number(client: FlaskClient) -> None:
    found = client.get("/api/v1/documents/01-TB/ĐUK")
    assert found.status_code == 200 and found.get_json()["number"]["rendered"] == "01-TB/ĐUK"
    assert client.get("/api/v1/documents/77-TB/ĐUK").status_code == 404
