"""What a person is told, written in the same transaction as the action that causes it.

Each notification is listed under "Việc chờ xử lý" until read, and queued for e-mail when
its person has an address (mail.py sends it later, outside the action: a mail server that
is down never blocks or undoes a signature; an office without one sends nothing). Whom
each kind goes to:

- a draft prepared for signing → its signer;
- a draft returned, a document signed and ready to issue, a delivery that failed → every
  active clerk;
- a hand-off that expired unused → the person who opened it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...models import Document, Handoff, MailState, Notification, NotificationKind, User

__all__ = [
    "failed_mail",
    "mark_read",
    "notify",
    "notify_clerks",
    "notify_expired_handoffs",
    "unread",
    "unread_count",
]


def notify(
    session: Session,
    users: Iterable[User | None],
    kind: NotificationKind,
    document: Document | None,
    detail: str = "",
) -> list[Notification]:
    """One notification per active user; e-mail queued for those with an address."""
    now = datetime.now(UTC)
    made = []
    for user in users:
        if user is None or not user.active:
            continue
        mailed = bool(user.email)
        made.append(
            Notification(
                user_id=user.id,
                document_id=document.id if document is not None else None,
                kind=kind,
                detail=detail,
                created_at=now,
                mail_state=MailState.PENDING if mailed else MailState.NONE,
                next_attempt_at=now if mailed else None,
            )
        )
    session.add_all(made)
    session.flush()
    return made


def clerks(session: Session) -> Sequence[User]:
    """The active accounts whose clerk role is in force."""
    users = session.scalars(select(User).where(User.active.is_(True))).all()
    return [user for user in users if "clerk" in user.role_set]


def notify_clerks(
    session: Session, kind: NotificationKind, document: Document | None, detail: str = ""
) -> list[Notification]:
    return notify(session, clerks(session), kind, document, detail)


def notify_expired_handoffs(session: Session, now: datetime) -> int:
    """Tell whoever opened each hand-off that ran out unused, once (it is then over)."""
    expired = session.scalars(
        select(Handoff).where(Handoff.finished_at.is_(None), Handoff.expires_at < now)
    ).all()
    for handoff in expired:
        handoff.finished_at, handoff.outcome = now, "expired"
        opener = session.scalars(select(User).where(User.login == handoff.created_by)).first()
        if opener is not None:
            notify(session, [opener], NotificationKind.HANDOFF_EXPIRED, handoff.document)
    session.flush()
    return len(expired)


def unread(session: Session, user: User) -> Sequence[Notification]:
    """What waits for ``user``, newest first."""
    return session.scalars(
        select(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .order_by(Notification.id.desc())
    ).all()


def unread_count(session: Session, user: User) -> int:
    """How many wait for ``user`` (the menu's count, on every page: a count, not the rows)."""
    return (
        session.scalar(
            select(func.count())
            .select_from(Notification)
            .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        )
        or 0
    )


def mark_read(session: Session, user: User, ids: Iterable[int]) -> int:
    """Mark ``user``'s notifications ``ids`` read (another person's are left alone)."""
    now = datetime.now(UTC)
    count = 0
    for notification in session.scalars(
        select(Notification).where(Notification.id.in_(list(ids)), Notification.user_id == user.id)
    ):
        if notification.read_at is None:
            notification.read_at, count = now, count + 1
    return count


def failed_mail(session: Session, limit: int = 100) -> Sequence[Notification]:
    """E-mails given up on, newest first: the administrator sees them."""
    return session.scalars(
        select(Notification)
        .where(Notification.mail_state == MailState.FAILED)
        .order_by(Notification.id.desc())
        .limit(limit)
    ).all()
