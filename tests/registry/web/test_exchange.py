"""From the clerk's workspace: send an issued document as edXML (and a failure recorded and
told), receive a recipient's status, sign an attachment."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import Flask
from pyhanko.pdf_utils.reader import PdfFileReader
from sqlalchemy import func, select

from basics.said import Said
from registry.audit import AuditAction
from registry.edxml import OrganInfo, StatusPackage, read_package, write_status
from registry.instance import Instance
from registry.models import (
    AuditEvent,
    Document,
    JobRun,
    JobState,
    Notification,
    NotificationKind,
)
from registry.services.drafting.documents import DraftRequest, register_draft
from registry.services.exchange.transport import TransportError
from registry.services.jobs.queue import wait_for
from registry.services.jobs.sending import SEND
from registry.services.setup.reference_data import current_issuer
from tests.support.pdfs import text_pdf
from tests.support.web import PASSPHRASE, csrf_token, logged_in


def _sending(instance: Instance) -> JobRun:
    """The newest sending run, once it has ended."""
    with instance.reading_sessions() as session:
        newest = session.scalars(
            select(JobRun.id).where(JobRun.task == SEND).order_by(JobRun.id.desc()).limit(1)
        ).one()
    return wait_for(instance, newest, 30)


def test_send_then_a_recipients_status_arrives(app: Flask, demo_instance: Instance) -> None:
    clerk = logged_in(app, "clerk")
    sent = clerk.post("/van-thu/1/gui", data={"csrf_token": csrf_token(clerk, "/ho-so/1")})
    assert sent.status_code == 303 and sent.headers["Location"].endswith("/ho-so/1")
    assert _sending(demo_instance).state == JobState.DONE
    page = clerk.get("/ho-so/1").get_data(as_text=True)
    assert 'id="sending-' in page and "Đã xử lý xong" in page
    outbox = Path(demo_instance.folder) / "outbox"
    (package,) = [p for p in outbox.glob("*new.edxml")]
    document_id = read_package(package.read_bytes()).document_id
    status = write_status(
        StatusPackage(
            document_id,
            OrganInfo("000.00.00.Z02", "Thường trực Tỉnh ủy"),
            "03",
            "",
            datetime(2026, 12, 6, 3, 0, tzinfo=UTC),
        )
    )
    page = "/van-thu/nhan-goi-tin"
    received = clerk.post(
        page,
        data={"file": (io.BytesIO(status), "status.edxml"), "csrf_token": csrf_token(clerk, page)},
        content_type="multipart/form-data",
    )
    text = received.get_data(as_text=True)
    assert received.status_code == 200 and 'id="received-status"' in text
    assert "Đã tiếp nhận" in text
    junk = clerk.post(
        page,
        data={"file": (io.BytesIO(b"<x/>"), "x.edxml"), "csrf_token": csrf_token(clerk, page)},
        content_type="multipart/form-data",
    )
    assert junk.status_code == 400 and 'role="alert"' in junk.get_data(as_text=True)
    with demo_instance.sessions() as session:
        document = session.get(Document, 1)
        assert document is not None
        accepted = [r for r in document.recipients if r.organ_id == "000.00.00.Z02"]
        assert [r.delivery_status for r in accepted] == ["03"]


def test_a_package_that_does_not_leave_is_recorded_and_the_clerks_told(
    app: Flask, demo_instance: Instance, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Down:
        def deliver(self, name: str, package: bytes) -> str:
            raise TransportError(
                "http://truc.example.vn/edxml did not take it: 503", worth_retrying=False
            )

    monkeypatch.setattr("registry.services.jobs.sending.transport_for", lambda _instance: Down())

    def sent_times() -> list[object]:
        with demo_instance.sessions() as session:
            document = session.get(Document, 1)
            assert document is not None
            return [r.sent_at for r in document.recipients]

    before = sent_times()
    clerk = logged_in(app, "clerk")
    asked = clerk.post("/van-thu/1/gui", data={"csrf_token": csrf_token(clerk, "/ho-so/1")})
    assert asked.status_code == 303
    assert _sending(demo_instance).state == JobState.FAILED
    page = clerk.get("/ho-so/1").get_data(as_text=True)
    assert 'id="sending-' in page and "503" in page and "Thất bại" in page
    with demo_instance.sessions() as session:
        failed = session.scalars(
            select(AuditEvent).where(AuditEvent.action == AuditAction.DOCUMENT_SEND_FAILED)
        ).all()
        assert len(failed) == 1 and "503" in str(Said.from_record(failed[0].details["reason"]))
        told = session.scalars(
            select(Notification).where(Notification.kind == NotificationKind.DELIVERY_FAILED)
        ).all()
        assert told and all(n.document_id == 1 for n in told)
    assert sent_times() == before  # nothing recorded as sent


def test_a_document_that_cannot_be_sent_is_said_at_once(
    app: Flask, demo_instance: Instance
) -> None:
    """A draft has no package: the clerk reads why on the page, and no job is asked for."""
    with demo_instance.sessions.begin() as session:
        runs = session.scalar(select(func.count()).select_from(JobRun))
        draft = register_draft(
            session,
            demo_instance.blobs,
            current_issuer(session, demo_instance.config),
            DraftRequest(
                pdf=text_pdf("Dự thảo"),
                type_code="TB",
                subject="Dự thảo chưa ký",
                signer_login="nguyentrongvan",
            ),
            actor="vanthu",
        )
    clerk = logged_in(app, "clerk")
    refused = clerk.post(
        f"/van-thu/{draft.id}/gui", data={"csrf_token": csrf_token(clerk, f"/ho-so/{draft.id}")}
    )
    assert refused.status_code == 400
    assert 'id="step-error"' in refused.get_data(as_text=True)
    with demo_instance.reading_sessions() as session:
        assert session.scalar(select(func.count()).select_from(JobRun)) == runs


def test_an_attachment_is_signed_listed_and_downloaded(app: Flask, demo_instance: Instance) -> None:
    clerk = logged_in(app, "clerk")
    annex = text_pdf("Phụ lục: danh sách đảng viên được khen thưởng")
    wrong = clerk.post(
        "/van-thu/1/phu-luc",
        data={
            "file": (io.BytesIO(annex), "phu-luc.pdf"),
            "secret": "sai",
            "csrf_token": csrf_token(clerk, "/ho-so/1"),
        },
        content_type="multipart/form-data",
    )
    assert wrong.status_code == 400
    done = clerk.post(
        "/van-thu/1/phu-luc",
        data={
            "file": (io.BytesIO(annex), "phu-luc.pdf"),
            "secret": PASSPHRASE,
            "csrf_token": csrf_token(clerk, "/ho-so/1"),
        },
        content_type="multipart/form-data",
    )
    assert done.status_code == 302
    page = clerk.get("/ho-so/1").get_data(as_text=True)
    assert 'id="attachments"' in page and "phu-luc.pdf" in page
    with demo_instance.sessions() as session:
        document = session.get(Document, 1)
        assert document is not None
        stored = [f for f in document.files if f.kind.value == "attachment"][-1]
    signed = clerk.get(f"/ho-so/1/phu-luc/{stored.id}.pdf")
    assert signed.status_code == 200
    (signature,) = PdfFileReader(io.BytesIO(signed.data)).embedded_signatures
    assert signature.field_name == "chu_ky_phu_luc"
    assert logged_in(app, "clerk").get("/ho-so/1/phu-luc/999999.pdf").status_code == 404
