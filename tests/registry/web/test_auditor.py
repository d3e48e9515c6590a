"""The auditor's pages: dashboard, audit trail, integrity report."""

from __future__ import annotations

from flask import Flask

from registry.instance import Instance
from registry.models import DocumentFile
from tests.support.storage import local_blobs
from tests.support.web import csrf_token, logged_in


def test_the_dashboard_counts_and_charts(app: Flask) -> None:
    page = logged_in(app, "auditor").get("/kiem-soat/").get_data(as_text=True)
    assert "<svg" in page and "<rect" in page and "Đã ban hành" in page
    assert "B-LTA" in page


def test_the_audit_trail_lists_and_filters(app: Flask) -> None:
    auditor = logged_in(app, "auditor")
    page = auditor.get("/kiem-soat/nhat-ky", query_string={"hanh_dong": "document:issue"})
    text = page.get_data(as_text=True)
    assert "document:issue" in text and "document:register" not in text
    # In words, with the document's number and subject; the codes only behind "details".
    assert "ban hành, cấp số 01-TB/ĐUK" in text
    assert "01-TB/ĐUK — Kết luận Hội nghị Ban Chấp hành Đảng bộ Khối lần thứ VII" in text
    english = auditor.get("/kiem-soat/nhat-ky", query_string={"hanh_dong": "user:", "lang": "en"})
    assert "logged in" in english.get_data(as_text=True)


def test_the_integrity_report_finds_a_damaged_file(app: Flask, demo_instance: Instance) -> None:
    auditor = logged_in(app, "auditor")
    token = csrf_token(auditor, "/kiem-soat/toan-ven")
    clean = auditor.post("/kiem-soat/toan-ven", data={"csrf_token": token}).get_data(as_text=True)
    assert "Mọi tệp còn nguyên vẹn" in clean
    with demo_instance.sessions() as session:
        draft = session.query(DocumentFile).filter_by(document_id=1, kind="draft").one()
        path = local_blobs(demo_instance).path_for(draft.sha256)
    original = path.read_bytes()
    path.chmod(0o644)
    path.write_bytes(original + b"x")
    try:
        damaged = auditor.post("/kiem-soat/toan-ven", data={"csrf_token": token})
        assert "corrupted" in damaged.get_data(as_text=True)
    finally:
        path.write_bytes(original)
