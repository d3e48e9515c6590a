"""The signer's signature from the browser: a wrong passphrase keeps him on the document,
says why, and is recorded without what he typed."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from registry.instance import Instance
from registry.models import AuditEvent
from tests.support.web import csrf_token, logged_in, prepared_by_form


def test_a_wrong_passphrase_is_said_on_the_page_and_recorded_without_it(
    app: Flask, demo_instance: Instance
) -> None:
    document_id, location = prepared_by_form(app)
    signer = logged_in(app, "signer")
    typed = "mat-khau-sai-9731"
    wrong = signer.post(
        f"/ky/{document_id}", data={"secret": typed, "csrf_token": csrf_token(signer, location)}
    )
    page = wrong.get_data(as_text=True)
    assert wrong.status_code == 400 and 'id="step-error"' in page and 'id="sign"' in page
    assert typed not in page and "/pki/" not in page  # no secret, no server path
    with demo_instance.sessions() as session:
        (failed,) = session.scalars(
            select(AuditEvent).where(
                AuditEvent.action == "document:sign-failed", AuditEvent.document_id == document_id
            )
        ).all()
        assert failed.actor == "nguyentrongvan" and typed not in str(failed.details)
