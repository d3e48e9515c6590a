"""The audit trail as people read it: events filtered and paged, and a document's history."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...models import AuditEvent

__all__ = ["EventPage", "document_events", "event_page"]


@dataclass(frozen=True)
class EventPage:
    events: Sequence[AuditEvent]  # newest first
    page: int
    pages: int


def event_page(
    session: Session, *, actor: str = "", action: str = "", page: int = 1, per_page: int = 50
) -> EventPage:
    """Events by ``actor`` and whose action starts with ``action`` (both optional)."""
    query = select(AuditEvent)
    if actor:
        query = query.where(AuditEvent.actor == actor)
    if action:
        query = query.where(AuditEvent.action.startswith(action, autoescape=True))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    events = session.scalars(
        query.order_by(AuditEvent.id.desc()).offset((page - 1) * per_page).limit(per_page)
    ).all()
    return EventPage(events, page, max(1, -(-total // per_page)))


def document_events(session: Session, document_id: int) -> Sequence[AuditEvent]:
    """Everything recorded about one document, in order."""
    return session.scalars(
        select(AuditEvent).where(AuditEvent.document_id == document_id).order_by(AuditEvent.id)
    ).all()
