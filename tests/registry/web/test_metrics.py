"""Prometheus metrics: requests by endpoint, issues and verifications counted and timed;
shown to a scraper on this host or holding the token, to nobody else."""

from __future__ import annotations

import io

import pytest
from flask import Flask
from prometheus_client import REGISTRY

from registry.instance import Instance
from registry.models import JobRun, JobState
from tests.support.web import PASSPHRASE


def _value(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_requests_issues_and_verifications_are_counted(
    app: Flask, tokens: dict[str, str], seed_pdf: bytes
) -> None:
    client = app.test_client()
    clerk = {"Authorization": f"Bearer {tokens['clerk']}"}
    signer = {"Authorization": f"Bearer {tokens['signer']}"}
    before = {
        "pages": _value(
            "sovanban_http_requests_total", method="GET", endpoint="public.index", status="200"
        ),
        "issued": _value("sovanban_issues_total", outcome="issued"),
        "failed": _value("sovanban_issues_total", outcome="failed"),
        "timed": _value("sovanban_issue_seconds_count"),
        "passed": _value("sovanban_verifications_total", indication="TOTAL-PASSED"),
    }
    assert client.get("/").status_code == 200
    registered = client.post(
        "/api/v1/documents",
        data={
            "file": (io.BytesIO(seed_pdf), "du-thao.pdf"),
            "type": "TB",
            "subject": "Đếm số liệu",
            "signer": "nguyentrongvan",
        },
        headers=clerk,
        content_type="multipart/form-data",
    )
    base = f"/api/v1/documents/{registered.get_json()['id']}"
    assert client.post(f"{base}/prepare", headers=clerk).status_code == 200
    signed = client.post(f"{base}/sign", json={"secret": PASSPHRASE}, headers=signer)
    assert signed.status_code == 200
    wrong = client.post(f"{base}/issue", json={"secret": "not the passphrase"}, headers=clerk)
    assert wrong.status_code == 400
    assert (
        client.post(f"{base}/issue", json={"secret": PASSPHRASE}, headers=clerk).status_code == 200
    )
    pdf = client.get(f"{base}/files/issued", headers=clerk).data
    verified = client.post("/api/v1/verify", data=pdf, content_type="application/pdf")
    assert verified.get_json()["indication"] == "TOTAL-PASSED"

    assert (
        _value("sovanban_http_requests_total", method="GET", endpoint="public.index", status="200")
        == before["pages"] + 1
    )
    assert _value("sovanban_issues_total", outcome="issued") == before["issued"] + 1
    assert _value("sovanban_issues_total", outcome="failed") == before["failed"] + 1
    assert _value("sovanban_issue_seconds_count") == before["timed"] + 1
    assert _value("sovanban_verifications_total", indication="TOTAL-PASSED") == before["passed"] + 1
    exposition = client.get("/metrics")
    assert exposition.status_code == 200
    assert exposition.headers["Content-Type"].startswith("text/plain")
    text = exposition.get_data(as_text=True)
    assert 'sovanban_verifications_total{indication="TOTAL-PASSED"}' in text
    assert 'endpoint="api.issue"' in text and "/api/v1/documents/" not in text  # no raw paths


def test_background_jobs_are_counted_by_state(app: Flask, demo_instance: Instance) -> None:
    with demo_instance.sessions.begin() as session:
        session.add(JobRun(task="audit.seal", arguments={}, actor="t", state=JobState.FAILED))
    text = app.test_client().get("/metrics").get_data(as_text=True)
    assert 'sovanban_job_runs{state="failed",task="audit.seal"}' in text


def test_metrics_are_shown_only_on_this_host_or_with_the_token(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = {"REMOTE_ADDR": "203.0.113.9"}
    assert app.test_client().get("/metrics").status_code == 200  # loopback
    assert app.test_client().get("/metrics", environ_base=elsewhere).status_code == 404
    monkeypatch.setenv("SOVANBAN_METRICS_TOKEN", "s3cret-scraper-token")
    client = app.test_client()
    assert client.get("/metrics").status_code == 404  # with a token set, loopback needs it too
    wrong = {"Authorization": "Bearer guessed"}
    assert client.get("/metrics", headers=wrong, environ_base=elsewhere).status_code == 404
    right = {"Authorization": "Bearer s3cret-scraper-token"}
    answer = client.get("/metrics", headers=right, environ_base=elsewhere)
    assert answer.status_code == 200 and b"sovanban_http_requests_total" in answer.data
