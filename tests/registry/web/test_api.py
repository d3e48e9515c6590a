"""The JSON API: the verification contract of DESIGN §5 and document lookup."""

from __future__ import annotations

import io
import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from werkzeug.test import TestResponse

from registry.instance import Instance
from tests.support.web import PASSPHRASE


def _register(
    client: FlaskClient, token: str, pdf: bytes, subject: str, lang: str = "", **fields: str
) -> TestResponse:
    """POST /documents as a machine client does: the draft and the form fields."""
    return client.post(
        "/api/v1/documents" + (f"?lang={lang}" if lang else ""),
        data={
            "file": (io.BytesIO(pdf), "du-thao.pdf"),
            "type": "TB",
            "subject": subject,
            "signer": "nguyentrongvan",
            "recipients": "- Thường trực Tỉnh ủy,\n- Lưu Văn phòng Đảng ủy Khối.",
            **fields,
        },
        headers={"Authorization": f"Bearer {token}"},
        content_type="multipart/form-data",
    )


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
    assert "01-TB/ĐUK".encode() in found.data  # UTF-8 as written, not \u escapes
    assert client.get("/api/v1/documents/77-TB/ĐUK").status_code == 404


def _spec(client: FlaskClient) -> dict[str, Any]:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec: dict[str, Any] = response.get_json()
    return spec


def _check(spec: dict[str, Any], path: str, method: str, response: TestResponse) -> None:
    """The status is one the document lists for the operation, and a JSON body fits it."""
    documented = spec["paths"][path][method]["responses"]
    assert str(response.status_code) in documented, (path, method, response.status_code)
    content = documented[str(response.status_code)].get("content", {})
    assert response.mimetype in content, (path, method, response.mimetype)
    if response.mimetype == "application/json":
        schema = {**content["application/json"]["schema"], "components": spec["components"]}
        Draft202012Validator(schema).validate(response.get_json())


def test_the_openapi_document_is_valid_and_names_every_api_route(
    client: FlaskClient, app: Flask
) -> None:
    spec = _spec(client)
    validate(spec)
    served = {
        (
            re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule.removeprefix("/api/v1")),
            method.lower(),
        )
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1")
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}
    }
    documented = {(path, method) for path, item in spec["paths"].items() for method in item}
    assert served == documented


def test_every_documented_route_answers_as_documented(
    client: FlaskClient, tokens: dict[str, str], issued_pdf: bytes, seed_pdf: bytes
) -> None:
    """Each operation driven the way a machine client would, its answers checked against
    the document: the machine flow register → prepare → sign → issue → withdraw."""
    spec = _spec(client)
    clerk = {"Authorization": f"Bearer {tokens['clerk']}"}
    signer = {"Authorization": f"Bearer {tokens['signer']}"}
    _check(spec, "/openapi.json", "get", client.get("/api/v1/openapi.json"))
    _check(
        spec,
        "/verify",
        "post",
        client.post("/api/v1/verify", data=issued_pdf, content_type="application/pdf"),
    )
    _check(
        spec,
        "/verify",
        "post",
        client.post("/api/v1/verify", data=b"x", content_type="application/pdf"),
    )
    _check(spec, "/documents", "get", client.get("/api/v1/documents?q=hoi+nghi"))
    _check(
        spec,
        "/documents",
        "get",
        client.get("/api/v1/documents", headers={"Authorization": "Bearer svb_x"}),
    )
    _check(spec, "/documents/{key}", "get", client.get("/api/v1/documents/01-TB/ĐUK"))
    _check(spec, "/documents/{key}", "get", client.get("/api/v1/documents/99-TB/ĐUK"))
    _check(
        spec,
        "/documents/{document_id}/files/{revision}",
        "get",
        client.get("/api/v1/documents/1/files/archive"),
    )
    _check(
        spec,
        "/documents/{document_id}/files/{revision}",
        "get",
        client.get("/api/v1/documents/1/files/draft"),
    )

    refused = client.post("/api/v1/documents", data={}, headers=signer)
    _check(spec, "/documents", "post", refused)
    assert refused.status_code == 403
    registered = _register(client, tokens["clerk"], seed_pdf, "Thông báo qua API")
    _check(spec, "/documents", "post", registered)
    assert registered.status_code == 201, registered.get_json()
    document_id = registered.get_json()["id"]
    base = f"/api/v1/documents/{document_id}"
    _check(
        spec,
        "/documents/{document_id}/prepare",
        "post",
        client.post(f"{base}/prepare", headers=clerk),
    )
    no_secret = client.post(f"{base}/sign", json={}, headers=signer)
    _check(spec, "/documents/{document_id}/sign", "post", no_secret)
    assert no_secret.status_code == 400
    signed = client.post(f"{base}/sign", json={"secret": PASSPHRASE}, headers=signer)
    _check(spec, "/documents/{document_id}/sign", "post", signed)
    assert signed.get_json()["status"] == "signed"
    issued = client.post(f"{base}/issue", json={"secret": PASSPHRASE}, headers=clerk)
    _check(spec, "/documents/{document_id}/issue", "post", issued)
    number = issued.get_json()["number"]["rendered"]
    pdf = client.get(f"{base}/files/issued")
    _check(spec, "/documents/{document_id}/files/{revision}", "get", pdf)
    report = client.post("/api/v1/verify", data=pdf.data, content_type="application/pdf").get_json()
    assert report["indication"] == "TOTAL-PASSED" and report["registry"]["number"] == number
    withdrawn = client.post(f"{base}/withdraw", json={"reason": "Thử nghiệm"}, headers=clerk)
    _check(spec, "/documents/{document_id}/withdraw", "post", withdrawn)
    assert withdrawn.get_json()["number"]["void_reason"] == "Thử nghiệm"
    _check(
        spec,
        "/documents/{document_id}/withdraw",
        "post",
        client.post(f"{base}/withdraw", json={"reason": "x"}),
    )


def test_issuing_takes_the_office_key_and_withdrawing_recalls_what_was_sent(
    client: FlaskClient, tokens: dict[str, str], seed_pdf: bytes, demo_instance: Instance
) -> None:
    """The API behaves as the clerk's page does: a person's key cannot sign the office's
    field, and a withdrawal of a document sent as edXML sends its recall."""
    from registry.edxml import read_package
    from registry.models import Document
    from registry.services.exchange.distribution import send_document
    from registry.services.exchange.transport import transport_for

    clerk = {"Authorization": f"Bearer {tokens['clerk']}"}
    signer = {"Authorization": f"Bearer {tokens['signer']}"}
    created = _register(client, tokens["clerk"], seed_pdf, "Thông báo gửi rồi thu hồi").get_json()
    base = f"/api/v1/documents/{created['id']}"
    assert client.post(f"{base}/prepare", headers=clerk).status_code == 200
    assert (
        client.post(f"{base}/sign", json={"secret": PASSPHRASE}, headers=signer).status_code == 200
    )
    personal = client.post(
        f"{base}/issue", json={"secret": PASSPHRASE, "key": "nguyentrongvan"}, headers=clerk
    )
    assert personal.status_code == 400
    assert "personal key" in personal.get_json()["error"]
    assert client.get(base, headers=clerk).get_json()["status"] == "signed"
    issued = client.post(f"{base}/issue", json={"secret": PASSPHRASE}, headers=clerk)
    assert issued.status_code == 200 and issued.get_json()["status"] == "issued"
    with demo_instance.sessions.begin() as session:
        document = session.get(Document, created["id"])
        assert document is not None
        send_document(session, demo_instance, document, transport_for(demo_instance), actor="t")
    outbox = demo_instance.folder / "outbox"
    before = set(outbox.glob("*.edxml"))
    withdrawn = client.post(f"{base}/withdraw", json={"reason": "Gửi nhầm"}, headers=clerk)
    assert withdrawn.status_code == 200
    (recall,) = set(outbox.glob("*.edxml")) - before
    package = read_package(recall.read_bytes())
    assert (package.business_type, package.business_reason) == (1, "Gửi nhầm")


def test_a_registration_with_an_unknown_urgency_is_refused_in_both_languages(
    client: FlaskClient, tokens: dict[str, str], seed_pdf: bytes, demo_instance: Instance
) -> None:
    from sqlalchemy import func, select

    from registry.models import Document

    with demo_instance.sessions() as session:
        before = session.scalar(select(func.count()).select_from(Document))
    refused = _register(client, tokens["clerk"], seed_pdf, "Thông báo khẩn", urgency="x")
    assert refused.status_code == 400
    error = refused.get_json()["error"]  # a program's language by default: English
    assert error.startswith("Urgency: unknown value 'x' (one of normal, ") and "hoa_toc" in error
    in_vietnamese = _register(client, tokens["clerk"], seed_pdf, "Thông báo", "vi", urgency="x")
    assert in_vietnamese.status_code == 400
    assert in_vietnamese.get_json()["error"].startswith("Độ khẩn: giá trị 'x' không hợp lệ")
    with demo_instance.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Document)) == before


def test_a_lone_surrogate_in_a_json_body_is_a_clear_refusal(
    client: FlaskClient, tokens: dict[str, str]
) -> None:
    clerk = {"Authorization": f"Bearer {tokens['clerk']}", "Content-Type": "application/json"}
    before = client.get("/api/v1/documents/1", headers=clerk).get_json()
    refused = client.post(
        "/api/v1/documents/1/withdraw", data=b'{"reason": "S\\udc80ai"}', headers=clerk
    )  # was a 500: the database cannot store the text
    assert refused.status_code == 400
    assert "lone surrogate" in refused.get_json()["error"]
    assert client.get("/api/v1/documents/1", headers=clerk).get_json() == before


def test_errors_name_no_server_path(
    client: FlaskClient, tokens: dict[str, str], demo_instance: Instance
) -> None:
    clerk = {"Authorization": f"Bearer {tokens['clerk']}"}
    wrong = client.post("/api/v1/documents/1/issue", json={"secret": "sai"}, headers=clerk)
    error = wrong.get_json()["error"]
    assert wrong.status_code == 400 and "wrong passphrase" in error
    assert str(demo_instance.folder) not in error and "/keys/" not in error
    assert error.startswith("The key “van-phong”: …/organisation.p12:")  # its label, no path


def test_the_draft_life_through_the_api(
    client: FlaskClient, tokens: dict[str, str], seed_pdf: bytes
) -> None:
    """Return → revise → comment → history → sign, each answer checked against the document."""
    spec = _spec(client)
    clerk = {"Authorization": f"Bearer {tokens['clerk']}"}
    signer = {"Authorization": f"Bearer {tokens['signer']}"}
    auditor = {"Authorization": f"Bearer {tokens['auditor']}"}
    registered = _register(client, tokens["clerk"], seed_pdf, "Thông báo trả lại qua API")
    base = f"/api/v1/documents/{registered.get_json()['id']}"
    client.post(f"{base}/prepare", headers=clerk)
    empty = client.post(f"{base}/return", json={"comment": " "}, headers=signer)
    _check(spec, "/documents/{document_id}/return", "post", empty)
    assert empty.status_code == 400
    returned = client.post(f"{base}/return", json={"comment": "Sửa trích yếu."}, headers=signer)
    _check(spec, "/documents/{document_id}/return", "post", returned)
    assert returned.get_json()["status"] == "returned"
    refused = client.post(f"{base}/sign", json={"secret": PASSPHRASE}, headers=signer)
    assert refused.status_code == 400 and "it is at “Returned”" in refused.get_json()["error"]
    revised = client.post(
        f"{base}/revise",
        data={
            "file": (io.BytesIO(seed_pdf + b"\n%v2\n"), "du-thao-2.pdf"),
            "subject": "Thông báo đã sửa qua API",
            "note": "Đã sửa trích yếu.",
        },
        headers=clerk,
        content_type="multipart/form-data",
    )
    _check(spec, "/documents/{document_id}/revise", "post", revised)
    assert revised.status_code == 200, revised.get_json()
    body = revised.get_json()
    assert body["status"] == "draft" and body["subject"] == "Thông báo đã sửa qua API"
    assert [f["revision"] for f in body["files"]] == ["draft", "prepared", "draft"]
    said = client.post(f"{base}/comments", json={"comment": "Mời anh ký."}, headers=clerk)
    _check(spec, "/documents/{document_id}/comments", "post", said)
    assert said.status_code == 201, said.get_json()
    assert [c["kind"] for c in said.get_json()["comments"]] == ["return", "revision", "comment"]
    admin = {"Authorization": f"Bearer {tokens['admin']}"}
    assert client.get(base, headers=admin).get_json()["comments"] is None  # not his to follow
    assert client.get("/api/v1/documents/1").get_json()["comments"] is None  # nor the public's
    history = client.get(f"{base}/history?lang=en", headers=auditor)
    _check(spec, "/documents/{document_id}/history", "get", history)
    whats = [entry["what"] for entry in history.get_json()["history"]]
    assert whats[:6] == [
        "registered the draft",
        "prepared it for signing",
        "returned the draft",
        f"failed to sign: {refused.get_json()['error']}",  # recorded, without the passphrase
        "revised the draft (subject, file)",
        "commented",
    ]
    client.post(f"{base}/prepare", headers=clerk)
    signed = client.post(f"{base}/sign", json={"secret": PASSPHRASE}, headers=signer)
    assert signed.get_json()["status"] == "signed"
    late = client.post(f"{base}/revise", data={"subject": "Muộn"}, headers=clerk)
    _check(spec, "/documents/{document_id}/revise", "post", late)
    assert late.status_code == 400


def test_a_tokens_use_is_noted_at_most_once_a_minute(
    client: FlaskClient, demo_instance: Instance
) -> None:
    """A program calling many times a minute costs one write, not one per call; a use
    after the minute is noted again; a revoked token is refused at once."""
    from datetime import UTC, datetime, timedelta

    from registry.models import ApiToken, User
    from registry.services.people.accounts import TOKEN_USE_RESOLUTION, create_api_token

    label = "tests (a minute)"
    with demo_instance.sessions.begin() as session:
        user = session.query(User).filter_by(login="vanthu").one()
        clerk = {"Authorization": f"Bearer {create_api_token(session, user, label, actor='t')}"}

    def last_used() -> datetime | None:
        with demo_instance.sessions() as session:
            return session.query(ApiToken).filter_by(label=label).one().last_used_at

    assert client.get("/api/v1/documents", headers=clerk).status_code == 200
    first = last_used()
    assert first is not None and datetime.now(UTC) - first < TOKEN_USE_RESOLUTION
    for _ in range(3):
        assert client.get("/api/v1/documents", headers=clerk).status_code == 200
    assert last_used() == first
    with demo_instance.sessions.begin() as session:
        token = session.query(ApiToken).filter_by(label=label).one()
        token.last_used_at = first - 2 * TOKEN_USE_RESOLUTION
    assert client.get("/api/v1/documents", headers=clerk).status_code == 200
    later = last_used()
    assert later is not None and later > first
    with demo_instance.sessions.begin() as session:
        token = session.query(ApiToken).filter_by(label=label).one()
        token.revoked_at = datetime.now(UTC) - timedelta(seconds=1)
    assert client.get("/api/v1/documents", headers=clerk).status_code == 401


def test_a_verification_by_an_account_is_recorded_and_an_anonymous_one_is_not(
    client: FlaskClient, tokens: dict[str, str], issued_pdf: bytes, demo_instance: Instance
) -> None:
    """The upload is verified without holding the database's write lock; the account's
    verification is then written to the audit chain in a transaction of its own."""
    import hashlib

    from registry.models import AuditEvent
    from registry.services.archive.audit_chain import verify_chain

    def verifications() -> list[AuditEvent]:
        with demo_instance.sessions() as session:
            return list(session.query(AuditEvent).filter_by(action="document:verify").all())

    before = len(verifications())
    anonymous = client.post("/api/v1/verify", data=issued_pdf, content_type="application/pdf")
    assert anonymous.status_code == 200 and len(verifications()) == before
    signer = {"Authorization": f"Bearer {tokens['signer']}"}
    answer = client.post(
        "/api/v1/verify", data=issued_pdf, content_type="application/pdf", headers=signer
    )
    assert answer.status_code == 200
    recorded = verifications()
    assert len(recorded) == before + 1
    assert recorded[-1].actor == "nguyentrongvan"
    assert recorded[-1].details["sha256"] == hashlib.sha256(issued_pdf).hexdigest()
    assert recorded[-1].details["indication"] == answer.get_json()["indication"]
    with demo_instance.sessions() as session:
        assert verify_chain(session).intact
