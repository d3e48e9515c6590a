"""The auditor's pages: dashboard, audit trail, integrity report."""

from __future__ import annotations

import re
import time

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from registry.instance import Instance
from registry.models import DocumentFile, JobRun, JobState
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


def _finished(auditor: FlaskClient, started: TestResponse) -> str:
    """The run's page once the background check is done (it refreshes itself until then)."""
    assert started.status_code == 303
    location = started.headers["Location"]
    assert re.fullmatch(r"/kiem-soat/viec/\d+", location), location
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        page = auditor.get(location).get_data(as_text=True)
        if 'http-equiv="refresh"' not in page:
            return page
        time.sleep(0.1)
    raise AssertionError(f"{location} still running after 60 s")


def test_the_integrity_check_runs_in_the_background_and_finds_a_damaged_file(
    app: Flask, demo_instance: Instance
) -> None:
    auditor = logged_in(app, "auditor")
    token = csrf_token(auditor, "/kiem-soat/toan-ven")
    clean = _finished(auditor, auditor.post("/kiem-soat/toan-ven", data={"csrf_token": token}))
    assert "Mọi tệp còn nguyên vẹn" in clean and 'id="files-checked"' in clean
    with demo_instance.sessions() as session:
        draft = session.query(DocumentFile).filter_by(document_id=1, kind="draft").one()
        path = local_blobs(demo_instance).path_for(draft.sha256)
    original = path.read_bytes()
    path.chmod(0o644)
    path.write_bytes(original + b"x")
    try:
        damaged = auditor.post("/kiem-soat/toan-ven", data={"csrf_token": token})
        assert "corrupted" in _finished(auditor, damaged)
    finally:
        path.write_bytes(original)
    listed = auditor.get("/kiem-soat/toan-ven").get_data(as_text=True)
    assert 'id="recent-runs"' in listed and "Băm lại mọi tệp đã lưu" in listed


def test_the_chain_check_runs_in_the_background(app: Flask) -> None:
    auditor = logged_in(app, "auditor")
    token = csrf_token(auditor, "/kiem-soat/nhat-ky")
    page = _finished(
        auditor, auditor.post("/kiem-soat/nhat-ky/kiem-tra", data={"csrf_token": token})
    )
    assert 'id="chain-verdict"' in page and "Chuỗi nhật ký nguyên vẹn" in page


def test_a_failed_background_job_is_shown_to_the_administrator(
    app: Flask, demo_instance: Instance
) -> None:
    with demo_instance.sessions.begin() as session:
        session.add(
            JobRun(
                task="audit.seal",
                arguments={},
                actor="service",
                state=JobState.FAILED,
                attempts=5,
                error="ConnectionError: the timestamp service did not answer",
            )
        )
    page = logged_in(app, "admin").get("/quan-tri/").get_data(as_text=True)
    assert 'id="job-runs"' in page and "the timestamp service did not answer" in page
    assert "Niêm phong nhật ký" in page
