"""Withdrawing a document: a given number stays in the register, marked void with the
reason; a document sent as edXML is recalled from its receivers in the same unit of work."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import Session

from signing.text import nfc

from ...audit import record_event
from ...errors import InputError
from ...models import Document, DocumentStatus

__all__ = ["withdraw_document"]


def withdraw_document(session: Session, document: Document, *, reason: str, actor: str) -> None:
    """Withdraw a document. A number it was given stays in the register, marked void."""
    reason = nfc(" ".join(reason.split()))
    if not reason:
        raise InputError("a withdrawal needs a reason: it is kept in the register (Ghi chú)")
    if document.status == DocumentStatus.WITHDRAWN:
        raise InputError(f"document #{document.id} was already withdrawn")
    document.status = DocumentStatus.WITHDRAWN
    document.withdrawn_at = datetime.now(UTC)
    document.withdrawn_reason = reason
    number = document.number
    if number is not None:
        number.void_reason = reason
    record_event(
        session,
        actor=actor,
        action="document:withdraw",
        document=document,
        details={"reason": reason, "number": number.rendered if number else None},
    )
