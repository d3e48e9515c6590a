"""Sending the queued notifications by e-mail (SMTP), after the actions that caused them.

A run reads what is due in a short transaction, talks to the mail server with no
transaction open, and records each outcome in another: a slow or absent mail server holds
no lock and blocks no signature. A message that cannot be sent is tried again after 1, 5,
30 and 120 minutes, then marked failed, which the administrator sees. A message about a
secret document names no subject: mail leaves the office's network.
"""

from __future__ import annotations

import os
import smtplib
import ssl
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import formataddr
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from basics.language import translator
from basics.said import Said, said

from ...config import Config
from ...models import MailState, Notification, NotificationKind, Secrecy
from .notifications import notify_expired_handoffs

__all__ = ["BACKOFF", "MailRun", "deliver_mail", "message_for"]

BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2))
_BATCH = 50

# The subject, and a first line of the body. Mail is written in the office's language, the
# subject also in English below it (a recipient's language is not known).
_WORDS: dict[NotificationKind, tuple[Said, Said]] = {
    NotificationKind.TO_SIGN: (
        said("A draft waits for your signature"),
        said("The office has prepared a draft for you to sign."),
    ),
    NotificationKind.RETURNED: (
        said("A draft was returned"),
        said("The signer returned the draft; revise it and send it again."),
    ),
    NotificationKind.TO_ISSUE: (
        said("Signed, to be issued"),
        said("The signer has signed; the document waits for its number and issue."),
    ),
    NotificationKind.HANDOFF_EXPIRED: (
        said("A hand-off to sign on a token expired"),
        said("The file handed off to sign on a USB token expired before it came back."),
    ),
    NotificationKind.DELIVERY_FAILED: (
        said("An electronic delivery failed"),
        said("The edXML package could not be sent."),
    ),
}


@dataclass(frozen=True)
class MailRun:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    expired_handoffs: int = 0


def message_for(notification: Notification, config: Config) -> EmailMessage:
    """The e-mail telling ``notification``'s person what waits for them."""
    subject, lead = _WORDS[notification.kind]
    vietnamese = translator("vi")
    subject_vi, subject_en = vietnamese(subject.text), str(subject)
    document = notification.document
    secret = document is not None and document.secrecy != Secrecy.NONE
    title = ""
    if document is not None:
        number = document.number.rendered if document.number else f"#{document.id}"
        title = (
            f"{number} (văn bản mật / secret document)"
            if secret
            else (f"{number} {document.subject}")
        )
    message = EmailMessage()
    message["Subject"] = f"[Sổ văn bản] {subject_vi}: {title}" if title else subject_vi
    message["From"] = config.mail.sender or formataddr(("Sổ văn bản", "sovanban@localhost"))
    message["To"] = formataddr((notification.user.full_name, notification.user.email))
    lines = [f"Kính gửi đồng chí {notification.user.full_name},", "", lead.shown(vietnamese)]
    if title:
        lines.append(f"Văn bản: {title}")
    if notification.detail and not secret:
        lines.append(f"Ghi chú: {notification.detail}")
    if document is not None and config.web.public_url:
        lines.append(f"Mở: {config.web.public_url.rstrip('/')}/ho-so/{document.id}")
    lines += ["", f"({subject_en}.)", "", "Sổ văn bản — thư tự động, xin đừng trả lời."]
    message.set_content("\n".join(lines))
    return message


def _connect(config: Config, folder: Path) -> smtplib.SMTP:
    settings = config.mail
    server = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout_seconds)
    try:
        server.ehlo()
        if settings.starttls:
            context = ssl.create_default_context()
            if settings.ca_file:
                context.load_verify_locations(str(folder / settings.ca_file))
            server.starttls(context=context)
            server.ehlo()
        if settings.username:
            server.login(settings.username, os.environ.get(settings.password_env, ""))
    except BaseException:
        server.close()
        raise
    return server


def _due(session: Session, now: datetime) -> list[Notification]:
    return list(
        session.scalars(
            select(Notification)
            .where(
                Notification.mail_state == MailState.PENDING, Notification.next_attempt_at <= now
            )
            .order_by(Notification.id)
            .limit(_BATCH)
        )
    )


def deliver_mail(
    sessions: sessionmaker[Session], config: Config, folder: Path, now: datetime | None = None
) -> MailRun:
    """Send what is due (and tell of expired hand-offs first); what happened."""
    now = now or datetime.now(UTC)
    with sessions.begin() as session:
        expired = notify_expired_handoffs(session, now)
        rows = _due(session, now)
        if not config.mail.host:  # the office sends no mail: nothing waits for a server
            for row in rows:
                row.mail_state, row.next_attempt_at = MailState.NONE, None
            return MailRun(expired_handoffs=expired)
        due = [(row.id, message_for(row, config)) for row in rows]
    if not due:
        return MailRun(expired_handoffs=expired)
    outcomes: dict[int, str] = {}
    try:
        with _connect(config, folder) as server:
            for row_id, message in due:
                try:
                    server.send_message(message)
                    outcomes[row_id] = ""
                except smtplib.SMTPException as exc:
                    outcomes[row_id] = f"{type(exc).__name__}: {exc}"
    except (OSError, smtplib.SMTPException, ssl.SSLError) as exc:
        reason = f"{type(exc).__name__}: {exc}"
        outcomes.update({row_id: reason for row_id, _ in due if row_id not in outcomes})
    sent = retried = failed = 0
    with sessions.begin() as session:
        for row_id, error in outcomes.items():
            found = session.get(Notification, row_id)
            if found is None:
                continue
            row = found
            row.attempts += 1
            if not error:
                row.mail_state, row.next_attempt_at, sent = MailState.SENT, None, sent + 1
            elif row.attempts > len(BACKOFF):
                row.mail_state, row.next_attempt_at, failed = MailState.FAILED, None, failed + 1
                row.last_error = error[:1000]
            else:
                row.next_attempt_at = now + BACKOFF[row.attempts - 1]
                row.last_error, retried = error[:1000], retried + 1
    return MailRun(sent, retried, failed, expired)
