"""The audit trail: one row per action, added in the transaction of the change it records."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from .models import AuditEvent, Document

__all__ = ["record_event"]


def record_event(
    session: Session,
    *,
    actor: str,
    action: str,
    document: Document | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append an event; ``action`` reads ``subject:verb`` (``document:register``)."""
    event = AuditEvent(
        occurred_at=datetime.now(UTC),
        actor=actor,
        action=action,
        document_id=document.id if document is not None else None,
        details=details or {},
    )
    session.add(event)
    return event
