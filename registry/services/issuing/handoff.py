"""External signing: hand a prepared (or signed) document to its signer's own token and take
back only what the hand-off allows (DESIGN §3 with the key never reaching the server).

Each hand-off has a random token whose SHA-256 alone is stored: its download and its upload
are each good once, before it expires. For issuing, the number and date are drawn when the
hand-off is made and stay the document's; a failed or expired attempt is in the audit trail
and a new hand-off issues the same number.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from pyhanko_certvalidator import ValidationContext
from sqlalchemy import select
from sqlalchemy.orm import Session

from basics.said import said
from basics.text import iso_vietnam, vietnam_date, vietnamese_date_line
from certs.identity import identity_of
from signing.handoff import Expectation, HandoffRefused, check_returned
from signing.inspect import prints_its_line
from signing.prepare import DATE_FIELD, NUMBER_FIELD, ORGANISATION_FIELD, SIGNER_FIELD

from ...audit import AuditAction, record_event
from ...config import Config
from ...errors import InputError, NotFoundError
from ...models import (
    Document,
    DocumentFile,
    DocumentStatus,
    FileKind,
    Handoff,
    NotificationKind,
    NumberEntry,
    Secrecy,
)
from ...numbering import allocate_number, number_line
from ...search_text import refresh_search_text
from ...storage import BlobStore
from ...words import STATUS_WORDS
from ..drafting.documents import read_revision
from ..notifying.notifications import notify_clerks
from ..setup.signing_tools import SigningTools
from .steps import extend_document

__all__ = [
    "HandoffTicket",
    "accept_handoff",
    "create_handoff",
    "handoff_by_token",
    "open_handoff",
    "take_download",
]

CLOCK_SKEW = timedelta(minutes=5)


@dataclass(frozen=True)
class HandoffTicket:
    handoff_id: int
    token: str  # shown once: the download and upload URLs carry it
    kind: str
    expires_at: datetime
    doc_number: str = ""  # "01-TB/ĐUK", for issuing
    number_text: str = ""  # what the number field must hold: "Số 01-TB/ĐUK" (or "01")
    date_text: str = ""  # what the date field must hold
    issued_date: str = ""  # ISO 8601, Vietnam time: the plugin's IssuedDate


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def create_handoff(
    session: Session,
    blobs: BlobStore,
    document: Document,
    kind: str,
    *,
    actor: str,
    minutes: int = 30,
    at: datetime | None = None,
) -> HandoffTicket:
    """Open a hand-off; for ``issue`` the number is drawn now (or the one drawn before)."""
    now = (at or datetime.now(UTC)).replace(microsecond=0)
    if kind == "sign":
        wanted, revision = DocumentStatus.PREPARED, FileKind.PREPARED
    elif kind == "issue":
        wanted, revision = DocumentStatus.SIGNED, FileKind.SIGNED
    else:
        raise InputError(said("a hand-off is for 'sign' or 'issue', not {kind!r}", kind=kind))
    if document.status != wanted:
        raise InputError(
            said(
                "Document #{id} is at “{status}”: only a document at “{wanted}” is handed out "
                "to be {step} on a token",
                id=document.id,
                status=STATUS_WORDS[document.status],
                wanted=STATUS_WORDS[wanted],
                step=said("signed") if kind == "sign" else said("issued"),
            )
        )
    stored, handed_out = read_revision(document, blobs, revision)
    token = secrets.token_urlsafe(32)
    handoff = Handoff(
        document_id=document.id,
        kind=kind,
        token_sha256=_digest(token),
        base_sha256=stored.sha256,
        created_by=actor,
        created_at=now,
        expires_at=now + timedelta(minutes=max(1, min(minutes, 24 * 60))),
    )
    rendered, entry = "", None
    if kind == "issue":
        entry = document.number or allocate_number(
            session,
            issuer=document.issuer,
            doc_type=document.type,
            on=vietnam_date(now),
            secret=document.secrecy != Secrecy.NONE,
            drafting_unit=document.drafting_unit,
            document_id=document.id,
        )
        rendered = entry.rendered
        handoff.number_text = f"{entry.number:02d}"
        handoff.date_text = vietnamese_date_line(document.place, vietnam_date(now))
        handoff.issued_at = now
    session.add(handoff)
    session.flush()
    record_event(
        session,
        actor=actor,
        action=AuditAction(f"handoff:{kind}"),
        document=document,
        details={
            "handoff": handoff.id,
            "expires_at": iso_vietnam(handoff.expires_at),
            "number": rendered,
        },
    )
    return HandoffTicket(
        handoff.id,
        token,
        kind,
        handoff.expires_at,
        rendered,
        _number_value(document, entry, handed_out),
        handoff.date_text,
        iso_vietnam(now) if kind == "issue" else "",
    )


def _number_value(document: Document, entry: NumberEntry | None, handed_out: bytes) -> str:
    """What the number field of the handed-out file must hold once issued: the whole number
    line when the field prints it, else the number ("01"); "" when nothing is to be filled."""
    if entry is None:
        return ""
    if prints_its_line(handed_out, NUMBER_FIELD):
        return number_line(entry, document.issuer)
    return f"{entry.number:02d}"


def handoff_by_token(session: Session, token: str) -> Handoff:
    handoff = session.scalars(select(Handoff).where(Handoff.token_sha256 == _digest(token))).first()
    if handoff is None:
        raise NotFoundError(said("no such hand-off (the address is wrong or was never given)"))
    return handoff


def _usable(handoff: Handoff, now: datetime) -> None:
    if handoff.finished_at is not None:
        raise HandoffRefused(
            said("this hand-off was already used ({value})", value=handoff.outcome or "finished")
        )
    if now > handoff.expires_at:
        raise HandoffRefused(
            said(
                "this hand-off expired at {iso_vietnam}",
                iso_vietnam=iso_vietnam(handoff.expires_at),
            )
        )


def take_download(session: Session, blobs: BlobStore, token: str) -> tuple[Handoff, bytes]:
    """The revision to sign; the download address is good once, before it expires."""
    handoff = handoff_by_token(session, token)
    now = datetime.now(UTC)
    _usable(handoff, now)
    if handoff.downloaded_at is not None:
        raise HandoffRefused(said("this download address was already used: open a new hand-off"))
    handoff.downloaded_at = now
    return handoff, blobs.get(handoff.base_sha256)


def _owner_problem(certificate: x509.Certificate, email: str, fingerprint: str, who: str) -> str:
    if fingerprint:
        if certificate.fingerprint(hashes.SHA256()).hex() != fingerprint.lower():
            return f"the certificate is not {who}'s (its fingerprint is not the configured one)"
        return ""
    if not email:
        return f"no certificate is configured for {who} (an e-mail or a fingerprint)"
    if email.lower() not in identity_of(certificate).emails:
        return f"the certificate is not {who}'s (it does not name {email})"
    return ""


def accept_handoff(
    session: Session,
    blobs: BlobStore,
    config: Config,
    handoff: Handoff,
    returned: bytes,
    tools: SigningTools | None,
    context: Callable[[], ValidationContext],
    *,
    actor: str,
) -> Document:
    """Take the signed file back, or refuse it with the reason (:class:`HandoffRefused`).

    Either way the hand-off is used up and the attempt recorded; the caller commits both
    outcomes. On refusal the document stays exactly as it was.
    """
    document = handoff.document
    now = datetime.now(UTC)
    try:
        _usable(handoff, now)
        base = blobs.get(handoff.base_sha256)
        expected_status = (
            DocumentStatus.PREPARED if handoff.kind == "sign" else DocumentStatus.SIGNED
        )
        if document.status != expected_status:
            raise HandoffRefused(
                said(
                    "Document #{id} is now at “{status}”",
                    id=document.id,
                    status=STATUS_WORDS[document.status],
                )
            )
        expectation = Expectation(
            base=base,
            field=SIGNER_FIELD if handoff.kind == "sign" else ORGANISATION_FIELD,
            filled=(
                {
                    NUMBER_FIELD: _number_value(document, document.number, base),
                    DATE_FIELD: handoff.date_text,
                }
                if handoff.kind == "issue"
                else {}
            ),
            not_before=handoff.created_at - CLOCK_SKEW,
            not_after=now + CLOCK_SKEW,
            certified_base=handoff.kind == "issue",
        )
        signature = check_returned(returned, expectation, context)
        certificate = x509.load_der_x509_certificate(signature.certificate.dump())
        if handoff.kind == "sign":
            signer = document.signer
            problem = _owner_problem(
                certificate,
                signer.email if signer else "",
                signer.certificate_sha256 if signer else "",
                document.signer_name,
            )
        else:
            problem = _owner_problem(certificate, config.issuer.email, "", config.issuer.name)
        if problem:
            raise HandoffRefused(problem)
    except HandoffRefused as refused:
        handoff.finished_at, handoff.outcome = now, f"refused: {refused.message}"
        record_event(
            session,
            actor=actor,
            action=AuditAction.HANDOFF_REFUSED,
            document=document,
            details={"handoff": handoff.id, "reason": refused.said.as_record()},
        )
        raise
    stored = blobs.put(returned)
    kind = FileKind.SIGNED if handoff.kind == "sign" else FileKind.ISSUED
    document.files.append(DocumentFile(kind=kind, sha256=stored.sha256, size=stored.size))
    handoff.finished_at, handoff.outcome = now, "accepted"
    if handoff.kind == "sign":
        document.status = DocumentStatus.SIGNED
        notify_clerks(session, NotificationKind.TO_ISSUE, document)
    else:
        document.status = DocumentStatus.ISSUED
        document.issued_at = signature.signing_time or handoff.issued_at
        document.document_date = vietnam_date(handoff.issued_at or now)
        session.flush()
        refresh_search_text(session, document)
    record_event(
        session,
        actor=actor,
        action=AuditAction(f"handoff:accepted-{handoff.kind}"),
        document=document,
        details={
            "handoff": handoff.id,
            "sha256": stored.sha256,
            "certificate_sha256": certificate.fingerprint(hashes.SHA256()).hex(),
            "timestamped": signature.timestamped,
        },
    )
    if handoff.kind == "issue" and tools is not None:  # the B-LTA archive copy, as issuing does
        extend_document(session, blobs, document, tools, actor=actor, source=returned)
    return document


def open_handoff(session: Session, document: Document) -> Handoff:
    """The document's newest hand-off that is not finished; refused when there is none."""
    handoff = session.scalars(
        select(Handoff)
        .where(Handoff.document_id == document.id, Handoff.finished_at.is_(None))
        .order_by(Handoff.id.desc())
    ).first()
    if handoff is None:
        raise NotFoundError(
            said("document #{id} has no open hand-off (sovanban handoff)", id=document.id)
        )
    return handoff
