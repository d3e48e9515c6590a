"""Withdrawing a document: a given number stays in the register, marked void with the
reason; a document sent as edXML is recalled from its receivers in the same unit of work."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from basics.said import said
from basics.text import nfc

from ...audit import AuditAction, record_event
from ...errors import InputError
from ...instance import Instance
from ...models import Document, DocumentStatus
from ..exchange.distribution import recall_document
from ..exchange.transport import Transport, transport_for

__all__ = ["Withdrawal", "withdraw_and_recall", "withdraw_document"]


def withdraw_document(session: Session, document: Document, *, reason: str, actor: str) -> None:
    """Withdraw a document. A number it was given stays in the register, marked void."""
    reason = nfc(" ".join(reason.split()))
    if not reason:
        raise InputError(said("a withdrawal needs a reason: it is kept in the register (Ghi chú)"))
    if document.status == DocumentStatus.WITHDRAWN:
        raise InputError(said("document #{id} was already withdrawn", id=document.id))
    document.status = DocumentStatus.WITHDRAWN
    document.withdrawn_at = datetime.now(UTC)
    document.withdrawn_reason = reason
    number = document.number
    if number is not None:
        number.void_reason = reason
    record_event(
        session,
        actor=actor,
        action=AuditAction.DOCUMENT_WITHDRAW,
        document=document,
        details={"reason": reason, "number": number.rendered if number else None},
    )


@dataclass(frozen=True)
class Withdrawal:
    document_id: int
    number: str | None  # the number that stays in the register, void
    recall: str | None  # where the recall package went; None if it was never sent


def withdraw_and_recall(
    session: Session,
    instance: Instance,
    document: Document,
    *,
    reason: str,
    actor: str,
    transport: Transport | None = None,
) -> Withdrawal:
    """Withdraw ``document`` and, if it was sent as edXML, send the recall to the same
    receivers, in one unit of work: if the recall cannot leave, nothing is withdrawn."""
    withdraw_document(session, document, reason=reason, actor=actor)
    where = recall_document(
        session, instance, document, transport or transport_for(instance), actor=actor
    )
    number = document.number.rendered if document.number else None
    return Withdrawal(document.id, number, where)
