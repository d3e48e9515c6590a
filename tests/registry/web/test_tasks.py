"""Việc chờ xử lý: what waits for each person, the notifications, and the administrator's
list of mail that could not be sent."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Flask
from sqlalchemy import select

from registry.instance import Instance
from registry.models import MailState, Notification
from tests.support.web import csrf_token, logged_in, prepared_by_form


def test_the_signer_sees_what_waits_and_clears_what_he_read(
    app: Flask, demo_instance: Instance
) -> None:
    document_id, _ = prepared_by_form(app)
    signer = logged_in(app, "signer")
    home = signer.get("/viec-can-lam/").get_data(as_text=True)
    assert "Dự thảo chờ đồng chí ký" in home and f"#{document_id}" in home
    assert 'id="tasks-link"' in home and "Việc chờ xử lý (" in home
    seen = signer.post(
        "/viec-can-lam/da-xem", data={"csrf_token": csrf_token(signer, "/viec-can-lam/")}
    )
    assert seen.status_code == 302
    page = signer.get("/viec-can-lam/").get_data(as_text=True)
    assert "Không có thông báo mới." in page
    assert f"#{document_id}" in page  # the draft itself still waits for his signature


def test_the_administrator_sees_mail_given_up(app: Flask, demo_instance: Instance) -> None:
    with demo_instance.sessions.begin() as session:
        note = session.scalars(select(Notification)).first()
        if note is None:
            from registry.models import NotificationKind, User

            user = session.scalars(select(User).where(User.login == "vanthu")).one()
            note = Notification(
                user_id=user.id,
                kind=NotificationKind.RETURNED,
                created_at=datetime.now(UTC),
                mail_state=MailState.PENDING,
            )
            session.add(note)
        note.mail_state, note.attempts = MailState.FAILED, 5
        note.last_error = "ConnectionRefusedError: [Errno 111] Connection refused"
    page = logged_in(app, "admin").get("/quan-tri/").get_data(as_text=True)
    assert 'id="failed-mail"' in page and "Connection refused" in page
