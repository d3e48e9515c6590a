"""The audit trail as people read it: events filtered and paged, and a document's history.
Whoever may not see a secret document (an administrator reads the trail too) sees that an
event about one happened, who did it and when, but not which document or what it said."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...models import AuditEvent, Document
from ..people.access import Viewer, can_see
from .history import action_words

__all__ = ["EventPage", "TrailEntry", "document_events", "event_page"]

WITHHELD = {"withheld": "mật / secret document"}


@dataclass(frozen=True)
class TrailEntry:
    id: int
    occurred_at: datetime
    actor: str
    action: str
    document_id: int | None
    details: dict[str, Any]
    words: str = ""  # what the event did, in the reader's language
    document: str = ""  # the document's number (or #id) and subject, when the reader may see it


@dataclass(frozen=True)
class EventPage:
    events: Sequence[TrailEntry]  # newest first
    page: int
    pages: int


def _entry(session: Session, event: AuditEvent, viewer: Viewer, lang: str) -> TrailEntry:
    document = session.get(Document, event.document_id) if event.document_id else None
    if document is not None and not can_see(viewer, document):
        words = "một việc về văn bản mật" if lang == "vi" else "something about a secret document"
        return TrailEntry(
            event.id, event.occurred_at, event.actor, event.action, None, WITHHELD, words
        )
    label = ""
    if document is not None:
        number = document.number.rendered if document.number else f"#{document.id}"
        label = f"{number} — {document.subject}"
    details = event.details if isinstance(event.details, dict) else {}
    return TrailEntry(
        event.id,
        event.occurred_at,
        event.actor,
        event.action,
        event.document_id,
        event.details,
        action_words(event.action, details, lang),
        label,
    )


def event_page(
    session: Session,
    viewer: Viewer,
    *,
    actor: str = "",
    action: str = "",
    page: int = 1,
    per_page: int = 50,
    lang: str = "vi",
) -> EventPage:
    """Events by ``actor`` and whose action starts with ``action`` (both optional), as
    ``viewer`` may read them."""
    query = select(AuditEvent)
    if actor:
        query = query.where(AuditEvent.actor == actor)
    if action:
        query = query.where(AuditEvent.action.startswith(action, autoescape=True))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    events = session.scalars(
        query.order_by(AuditEvent.id.desc()).offset((page - 1) * per_page).limit(per_page)
    ).all()
    shown = [_entry(session, event, viewer, lang) for event in events]
    return EventPage(shown, page, max(1, -(-total // per_page)))


def document_events(session: Session, document_id: int) -> Sequence[AuditEvent]:
    """Everything recorded about one document, in order."""
    return session.scalars(
        select(AuditEvent).where(AuditEvent.document_id == document_id).order_by(AuditEvent.id)
    ).all()
