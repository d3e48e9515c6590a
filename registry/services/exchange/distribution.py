"""Distribution of issued documents as edXML packages: the recipient directory, packages
for new documents, recalls and replacements, incoming packages and delivery statuses."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from basics.language import DEFAULT_LANGUAGE, shown
from basics.said import Said, as_said, said
from basics.text import vietnam_date
from signing.verify.report import DocumentReport

from ...audit import AuditAction, record_event
from ...config import Config
from ...directory import ORGAN_ID_SHAPE
from ...edxml import (
    Attachment,
    EdxmlDocument,
    EdxmlError,
    OrganInfo,
    StatusPackage,
    read_incoming,
    write_package,
)
from ...edxml.dates import format_date
from ...edxml.model import STATUS_CODES, BusinessType
from ...errors import InputError
from ...instance import Instance
from ...models import (
    Document,
    DocumentStatus,
    FileKind,
    NotificationKind,
    NumberEntry,
    Organ,
    Recipient,
    Secrecy,
    Urgency,
)
from ...words import STATUS_WORDS
from ..drafting.documents import read_revision
from ..notifying.notifications import notify_clerks
from .transport import Transport

__all__ = [
    "AppliedStatus",
    "Outgoing",
    "ReceivedPackage",
    "document_id_of",
    "export_package",
    "outgoing_package",
    "recall_document",
    "receive",
    "record_delivery_failure",
    "record_sent",
    "send_document",
    "sendable_receivers",
]

PRIORITY = {Urgency.NORMAL: 0, Urgency.URGENT: 1, Urgency.VERY_URGENT: 2, Urgency.FLASH: 3}


def document_id_of(sender_organ_id: str, entry: NumberEntry, issued: datetime) -> str:
    """``OrganId,yyyy/MM/dd,number/notation`` (QCVN 102), in Vietnam's date."""
    return (
        f"{sender_organ_id},{format_date(vietnam_date(issued))},{entry.number:02d}/{entry.notation}"
    )


def _sender(config: Config) -> OrganInfo:
    issuer = config.issuer
    if not issuer.organ_id:
        raise InputError(
            said(
                "[issuer] organ_id is not set: edXML needs the body's 13-character identifier "
                "({ORGAN_ID_SHAPE})",
                ORGAN_ID_SHAPE=ORGAN_ID_SHAPE,
            )
        )
    return OrganInfo(issuer.organ_id, issuer.name, issuer.superior_body, issuer.email)


def _receivers(session: Session, document: Document) -> list[tuple[Recipient, OrganInfo]]:
    directory = {o.organ_id: o for o in session.scalars(select(Organ))}
    receivers = []
    for recipient in document.recipients:
        if recipient.is_archive_copy or not recipient.organ_id:
            continue
        known = directory.get(recipient.organ_id)
        receivers.append(
            (
                recipient,
                OrganInfo(
                    recipient.organ_id,
                    known.name if known else recipient.name,
                    email=known.email if known else "",
                ),
            )
        )
    return receivers


def _number_to_send(document: Document) -> NumberEntry:
    """The number of a document that may be sent; :class:`InputError` for one that may not."""
    entry = document.number
    if document.status not in (DocumentStatus.ISSUED, DocumentStatus.WITHDRAWN) or entry is None:
        raise InputError(
            said(
                "Document #{id} is at “{status}”: only issued documents are sent",
                id=document.id,
                status=STATUS_WORDS[document.status],
            )
        )
    if document.secrecy != Secrecy.NONE:
        raise InputError(
            said(
                "document #{id} is secret: secret documents are not sent over the network",
                id=document.id,
            )
        )
    return entry


def sendable_receivers(session: Session, document: Document) -> list[tuple[Recipient, OrganInfo]]:
    """The receivers a package of ``document`` goes to; :class:`InputError` when it cannot be
    sent (not issued, secret, or no recipient with an OrganId). Cheap: no package is built."""
    _number_to_send(document)
    receivers = _receivers(session, document)
    if not receivers:
        raise InputError(
            said(
                "document #{id} has no recipient with an OrganId: add the bodies to the "
                "directory (sovanban organs add) or give organ_id in the recipients",
                id=document.id,
            )
        )
    return receivers


def export_package(
    session: Session,
    instance: Instance,
    document: Document,
    *,
    business: BusinessType = BusinessType.NEW,
    reason: str = "",
    replaces: Sequence[str] = (),
    at: datetime | None = None,
) -> tuple[EdxmlDocument, bytes]:
    """The edXML package of an issued document, its signed PDF attached."""
    entry = _number_to_send(document)
    assert document.issued_at is not None and document.document_date is not None
    stored, pdf = read_revision(document, instance.blobs, FileKind.ISSUED)
    name = entry.rendered.replace("/", "-")
    content = EdxmlDocument(
        sender=_sender(instance.config),
        receivers=tuple(organ for _, organ in _receivers(session, document)),
        code_number=f"{entry.number:02d}",
        code_notation=entry.notation,
        place=document.place,
        promulgation_date=document.document_date,
        type_code=document.type.code,
        type_name=document.type.name,
        subject=document.subject,
        content=document.subject,
        signer_competence=document.signer_authority,
        signer_position=document.signer_position,
        signer_name=document.signer_name,
        due_date=None,
        to_places=tuple(
            f"{r.name} ({r.purpose})" if r.purpose else r.name for r in document.recipients
        )
        or (document.issuer.name,),
        priority=PRIORITY[document.urgency],
        sphere="",
        typer_notation="",
        promulgation_amount=sum(r.copies for r in document.recipients),
        page_amount=document.page_count,
        steering_type=1,
        document_id=document_id_of(instance.config.issuer.organ_id, entry, document.issued_at),
        sent_at=(at or datetime.now(UTC)).replace(microsecond=0),
        business_type=business,
        business_reason=reason,
        replaces=tuple(replaces),
        attachments=(
            Attachment(
                content_id=str(uuid.uuid5(uuid.NAMESPACE_URL, f"sovanban:{stored.sha256}")),
                name=f"{name}.signed.pdf",
                content_type="application/pdf",
                data=pdf,
                description=f"{document.type.name} {entry.rendered}",
            ),
        ),
    )
    return content, write_package(content)


@dataclass(frozen=True)
class Outgoing:
    """A package ready to leave, and what is recorded once it has."""

    name: str  # "<DocumentId>-<kind>": the same package is sent under the same name
    package: bytes
    document_id: str  # edXML's DocumentId, by which receivers know a package seen before
    sent_at: datetime
    business: BusinessType
    organ_ids: tuple[str, ...]


def outgoing_package(
    session: Session,
    instance: Instance,
    document: Document,
    *,
    business: BusinessType = BusinessType.NEW,
    reason: str = "",
    replaces: Sequence[str] = (),
) -> Outgoing:
    """The package of ``document`` for its receivers with an OrganId (read only)."""
    receivers = sendable_receivers(session, document)
    content, package = export_package(
        session, instance, document, business=business, reason=reason, replaces=replaces
    )
    return Outgoing(
        name=f"{content.document_id}-{business.name.lower()}",
        package=package,
        document_id=content.document_id,
        sent_at=content.sent_at,
        business=business,
        organ_ids=tuple(organ.organ_id for _, organ in receivers),
    )


def record_sent(
    session: Session, document: Document, outgoing: Outgoing, where: str, *, actor: str
) -> None:
    """The package has left: the receivers' sending time and the event."""
    if outgoing.business != BusinessType.RECALL:
        for recipient, _ in _receivers(session, document):
            recipient.sent_at = outgoing.sent_at
            recipient.delivery_status = ""
            recipient.delivered_at = None
    record_event(
        session,
        actor=actor,
        action=AuditAction(f"document:send-{outgoing.business.name.lower()}"),
        document=document,
        details={
            "document_id": outgoing.document_id,
            "to": list(outgoing.organ_ids),
            "where": where,
        },
    )


def send_document(
    session: Session,
    instance: Instance,
    document: Document,
    transport: Transport,
    *,
    actor: str,
    business: BusinessType = BusinessType.NEW,
    reason: str = "",
    replaces: Sequence[str] = (),
) -> str:
    """Build and deliver the package now; the receivers' sending time is recorded."""
    outgoing = outgoing_package(
        session, instance, document, business=business, reason=reason, replaces=replaces
    )
    where = transport.deliver(outgoing.name, outgoing.package)
    record_sent(session, document, outgoing, where, actor=actor)
    return where


def record_delivery_failure(
    session: Session, document: Document, reason: str | Said, *, actor: str
) -> None:
    """A package that did not leave: recorded, and the clerks told (in a transaction of its
    own, after the failed one was rolled back)."""
    record_event(
        session,
        actor=actor,
        action=AuditAction.DOCUMENT_SEND_FAILED,
        document=document,
        details={"reason": as_said(reason).as_record()},
    )
    # A notification is read in the office's language (it goes out by mail too).
    detail = shown(reason, DEFAULT_LANGUAGE)[:500]
    notify_clerks(session, NotificationKind.DELIVERY_FAILED, document, detail=detail)


def recall_document(
    session: Session, instance: Instance, document: Document, transport: Transport, *, actor: str
) -> str | None:
    """After a withdrawal: the recall package (BussinessDocType 1) to those it was sent to."""
    if not any(r.sent_at for r in document.recipients):
        return None
    return send_document(
        session,
        instance,
        document,
        transport,
        actor=actor,
        business=BusinessType.RECALL,
        reason=document.withdrawn_reason,
    )


@dataclass(frozen=True)
class ReceivedPackage:
    content: EdxmlDocument
    reports: tuple[DocumentReport | None, ...]  # one per attachment; None: not a PDF

    @property
    def attachments_with_reports(self) -> list[tuple[Any, DocumentReport | None]]:
        return list(zip(self.content.attachments, self.reports, strict=True))


@dataclass(frozen=True)
class AppliedStatus:
    document: Document
    recipient: Recipient
    status: StatusPackage


def receive(
    session: Session, instance: Instance, data: bytes, *, actor: str
) -> ReceivedPackage | AppliedStatus:
    """Whatever arrived: a receiver's status is recorded on its recipient; a document
    package is checked and its attached PDFs verified."""
    incoming = read_incoming(data)
    if isinstance(incoming, StatusPackage):
        return _apply(session, instance.config, incoming, actor=actor)
    return _verified(session, instance, incoming)


def _verified(session: Session, instance: Instance, content: EdxmlDocument) -> ReceivedPackage:
    from ..verification.verify import verify_for_instance

    reports = tuple(
        verify_for_instance(session, instance, attachment.data)
        if attachment.content_type == "application/pdf"
        else None
        for attachment in content.attachments
    )
    return ReceivedPackage(content, reports)


def _document_for(session: Session, config: Config, document_id: str) -> Document:
    parts = document_id.split(",", 2)
    if len(parts) != 3 or parts[0] != config.issuer.organ_id:
        raise EdxmlError(
            said(
                "the status is about {document_id!r}, which is not one of ours",
                document_id=document_id,
            )
        )
    number_text, _, notation = parts[2].partition("/")
    candidates = session.scalars(
        select(NumberEntry).where(
            NumberEntry.notation == notation,
            NumberEntry.number == (int(number_text) if number_text.isdigit() else -1),
            NumberEntry.document_id.is_not(None),
        )
    ).all()
    for entry in candidates:
        document = session.get(Document, entry.document_id)
        if (
            document is not None
            and document.issued_at is not None
            and (document_id_of(config.issuer.organ_id, entry, document.issued_at) == document_id)
        ):
            return document
    raise EdxmlError(
        said(
            "no document {document_id!r} in the register: the status is refused",
            document_id=document_id,
        )
    )


def _apply(session: Session, config: Config, status: StatusPackage, *, actor: str) -> AppliedStatus:
    document = _document_for(session, config, status.document_id)
    recipient = next(
        (r for r in document.recipients if r.organ_id == status.receiver.organ_id), None
    )
    if recipient is None:
        raise EdxmlError(
            said(
                "{organ_id} ({name}) is not a recipient of {value}: the status is refused",
                organ_id=status.receiver.organ_id,
                name=status.receiver.name,
                value=document.number.rendered if document.number else document.id,
            )
        )
    recipient.delivery_status = status.status_code
    recipient.delivered_at = status.timestamp.astimezone(UTC)
    record_event(
        session,
        actor=actor,
        action=AuditAction.DOCUMENT_DELIVERY_STATUS,
        document=document,
        details={
            "organ_id": status.receiver.organ_id,
            "status": status.status_code,
            "meaning": STATUS_CODES[status.status_code],
            "description": status.description,
        },
    )
    return AppliedStatus(document, recipient, status)
