"""Prepare, sign and issue a registered notice (DESIGN §3, steps 2–4).

Each step takes the caller's session and never commits. Blobs are stored before the
caller commits; a failure anywhere (a TSA that is down, a wrong key, a revoked
certificate) raises, the caller rolls back, and the number that issuing drew goes back
to its series: nothing is consumed, the document stays as it was and can be issued again.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from pyhanko.sign import signers
from sqlalchemy.orm import Session

from basics.said import Said, as_said, said
from basics.text import iso_vietnam, vietnam_date, vietnamese_date_line
from certs.identity import identity_of
from signing.errors import SigningError
from signing.inspect import inspect_within
from signing.keys import check_certificate_standing
from signing.placement import Prepared, PrepareSpec, place_and_prepare
from signing.prepare import Box, Placement

from ...audit import AuditAction, record_event
from ...config import PlacementConfig
from ...errors import InputError
from ...instance import Instance
from ...models import (
    Document,
    DocumentFile,
    DocumentStatus,
    FileKind,
    NotificationKind,
    Secrecy,
)
from ...numbering import allocate_number, number_line
from ...search_text import refresh_search_text
from ...storage import BlobStore
from ...words import STATUS_WORDS
from ..drafting.documents import read_revision
from ..notifying.notifications import notify, notify_clerks
from ..setup.signing_tools import SigningTools, prepare_spec
from ..workers import pdf_workers

__all__ = [
    "attach_file",
    "configured_placement",
    "extend_document",
    "issue_document",
    "prepare_document",
    "prepare_in_instance",
    "record_failed_step",
    "sign_document",
]


def configured_placement(config: PlacementConfig) -> Placement | None:
    """The configured fallback boxes, when all four are given."""
    boxes = vars(config)
    if not all(boxes.values()):
        return None
    number, date, signer, organisation = (
        Box(int(box[0]) - 1, *box[1:])
        for box in (config.number, config.date, config.signer, config.organisation)
    )
    return Placement(number=number, date=date, signer=signer, organisation=organisation)


_STEPS = {
    "prepared": said("prepared"),
    "signed": said("signed"),
    "issued": said("issued"),
    "extended": said("given its archive copy"),
    "given attachments": said("given attachments"),
}


def _require(document: Document, status: DocumentStatus, step: str) -> None:
    if document.status != status:
        raise InputError(
            said(
                "Document #{id} cannot be {step}: it is at “{status}”, and only a document at "
                "“{wanted}” can be",
                id=document.id,
                step=_STEPS[step],
                status=STATUS_WORDS[document.status],
                wanted=STATUS_WORDS[status],
            )
        )


def _store(
    session: Session, blobs: BlobStore, document: Document, kind: FileKind, data: bytes
) -> str:
    blob = blobs.put(data)
    # Through the relationship, so that the next step in this transaction sees the revision.
    document.files.append(DocumentFile(kind=kind, sha256=blob.sha256, size=blob.size))
    return blob.sha256


def _signer_email(signer: signers.Signer) -> str:
    from cryptography import x509

    if signer.signing_cert is None:
        raise InputError(said("the signing key has no certificate"))
    cert = x509.load_der_x509_certificate(signer.signing_cert.dump())
    emails = identity_of(cert).emails
    return emails[0] if emails else ""


def _refuse_untrusted(signer: signers.Signer, tools: SigningTools) -> None:
    """No signature with a certificate that is revoked or cannot be trusted now."""
    try:
        check_certificate_standing(signer, tools.archive_context())
    except SigningError as exc:
        raise InputError(exc.said) from exc


# The draft, the signer's name, the fallback boxes and what to leave room for in; the
# prepared PDF out.
Preparer = Callable[[bytes, str, Placement | None, PrepareSpec | None], Prepared]


def prepare_document(
    session: Session,
    blobs: BlobStore,
    document: Document,
    *,
    actor: str,
    fallback: Placement | None = None,
    prepare: Preparer = place_and_prepare,
    release: Callable[[], None] = lambda: None,
    spec: PrepareSpec | None = None,
) -> tuple[Said, ...]:
    """Draft → prepared: the number, date and both signature fields, placed from the text
    (or at the configured ``fallback`` boxes when the text does not show where); what the
    clerk should know of the result (the seal printed smaller…), also kept in the audit trail.

    The draft is read, then ``release()`` is called before the long work (the web ends its
    reading transaction there, so that no lock is held while a large file is prepared);
    the document is checked again before the prepared file is stored. ``spec`` (see
    setup.signing_tools.prepare_spec) says what the stamps will need room for."""
    _require(document, DocumentStatus.DRAFT, "prepared")
    _, draft = read_revision(document, blobs, FileKind.DRAFT)
    document_id, signer_name = document.id, document.signer_name
    release()
    try:
        prepared = prepare(draft, signer_name, fallback, spec)
    except SigningError as exc:
        if fallback:
            raise InputError(
                said("document #{id}: {message}", id=document_id, message=exc.said)
            ) from exc
        raise InputError(
            said(
                "document #{id}: {message} (or configure [signing.placement])",
                id=document_id,
                message=exc.said,
            )
        ) from exc
    session.refresh(document)  # another clerk may have prepared it meanwhile
    _require(document, DocumentStatus.DRAFT, "prepared")
    digest = _store(session, blobs, document, FileKind.PREPARED, prepared.pdf)
    document.status = DocumentStatus.PREPARED
    details: dict[str, object] = {"sha256": digest}
    if prepared.notes:
        details["notes"] = [note.as_record() for note in prepared.notes]
    record_event(
        session,
        actor=actor,
        action=AuditAction.DOCUMENT_PREPARE,
        document=document,
        details=details,
    )
    notify(session, [document.signer], NotificationKind.TO_SIGN, document)
    return prepared.notes


def prepare_in_instance(
    session: Session,
    instance: Instance,
    document: Document,
    *,
    actor: str,
    release: Callable[[], None] = lambda: None,
) -> tuple[Said, ...]:
    """:func:`prepare_document` as an instance does it: in a PDF worker, with the configured
    boxes as the fallback and room for the instance's stamps."""
    return prepare_document(
        session,
        instance.blobs,
        document,
        actor=actor,
        fallback=configured_placement(instance.config.signing.placement),
        prepare=pdf_workers(instance).prepare,
        release=release,
        spec=prepare_spec(instance, document),
    )


def record_failed_step(
    session: Session, document: Document, *, issuing: bool, reason: str | Said, actor: str
) -> None:
    """A signature or an issue that did not happen (a wrong passphrase or PIN, a refused
    key, a timestamp service down): recorded after the attempt was rolled back, without the
    secret (the reason is the error's words, never what was typed)."""
    record_event(
        session,
        actor=actor,
        action=AuditAction.DOCUMENT_ISSUE_FAILED if issuing else AuditAction.DOCUMENT_SIGN_FAILED,
        document=document,
        details={"reason": as_said(reason).as_record()},  # shown in the reader's language
    )


def sign_document(
    session: Session,
    blobs: BlobStore,
    document: Document,
    signer: signers.Signer,
    tools: SigningTools,
    *,
    actor: str,
) -> None:
    """Prepared → signed: the signer's certification signature, with a certificate that is his."""
    _require(document, DocumentStatus.PREPARED, "signed")
    email = _signer_email(signer)
    expected = document.signer.email.lower() if document.signer and document.signer.email else ""
    if expected and email != expected:
        raise InputError(
            said(
                "the key's certificate is {value}, but document #{id} is to be signed by "
                "{signer_name} ({expected})",
                value=email or "without an e-mail",
                id=document.id,
                signer_name=document.signer_name,
                expected=expected,
            )
        )
    _refuse_untrusted(signer, tools)
    _, prepared = read_revision(document, blobs, FileKind.PREPARED)
    signed = tools.signing.sign(
        prepared, signer, tools.timestamper, email=email, location=document.place
    )
    digest = _store(session, blobs, document, FileKind.SIGNED, signed)
    document.status = DocumentStatus.SIGNED
    record_event(
        session,
        actor=actor,
        action=AuditAction.DOCUMENT_SIGN,
        document=document,
        details={"sha256": digest, "signer_email": email},
    )
    notify_clerks(session, NotificationKind.TO_ISSUE, document)


def issue_document(
    session: Session,
    blobs: BlobStore,
    document: Document,
    signer: signers.Signer,
    tools: SigningTools,
    *,
    actor: str,
    at: datetime | None = None,
) -> bytes:
    """Signed → issued: number, date and the organisation's signature; the issued PDF.

    The archive copy is then raised to B-LTA; if revocation data cannot be had now, the
    issue stands and ``sovanban extend`` completes the archive copy later.
    """
    _require(document, DocumentStatus.SIGNED, "issued")
    _refuse_untrusted(signer, tools)
    moment = (at or datetime.now(UTC)).replace(microsecond=0)
    issued_on = vietnam_date(moment)
    # An issue hand-off drew the number already: it is this document's, whoever signs.
    number = document.number or allocate_number(
        session,
        issuer=document.issuer,
        doc_type=document.type,
        on=issued_on,
        secret=document.secrecy != Secrecy.NONE,
        drafting_unit=document.drafting_unit,
        document_id=document.id,
    )
    _, signed = read_revision(document, blobs, FileKind.SIGNED)
    issued = tools.signing.issue(
        signed,
        signer,
        tools.timestamper,
        number_text=f"{number.number:02d}",
        number_line=number_line(number, document.issuer),
        date_text=vietnamese_date_line(document.place, issued_on),
        email=_signer_email(signer),
        location=document.place,
        at=moment,
        url=tools.document_url(document.id),
    )
    digest = _store(session, blobs, document, FileKind.ISSUED, issued)
    document.status = DocumentStatus.ISSUED
    document.issued_at = moment
    document.document_date = issued_on
    session.flush()  # the number row joins the document before its search text is made
    session.expire(document, ["number"])
    refresh_search_text(session, document)
    record_event(
        session,
        actor=actor,
        action=AuditAction.DOCUMENT_ISSUE,
        document=document,
        details={"number": number.rendered, "sha256": digest, "issued_at": iso_vietnam(moment)},
    )
    extend_document(session, blobs, document, tools, actor=actor, source=issued)
    return issued


def extend_document(
    session: Session,
    blobs: BlobStore,
    document: Document,
    tools: SigningTools,
    *,
    actor: str,
    source: bytes | None = None,
) -> bool:
    """Add a B-LTA archive revision (DSS + document timestamp); False if it cannot be done now."""
    if source is None:
        _require(document, DocumentStatus.ISSUED, "extended")
        _, source = read_revision(document, blobs)
    try:
        archive = tools.signing.extend(source, tools.timestamper, tools.archive_context())
    except SigningError as exc:
        record_event(
            session,
            actor=actor,
            action=AuditAction.ARCHIVE_EXTEND_FAILED,
            document=document,
            details={"reason": exc.said.as_record()},
        )
        return False
    digest = _store(session, blobs, document, FileKind.ARCHIVE, archive)
    record_event(
        session,
        actor=actor,
        action=AuditAction.ARCHIVE_EXTEND,
        document=document,
        details={"sha256": digest},
    )
    return True


def attach_file(
    session: Session,
    blobs: BlobStore,
    document: Document,
    attachment: bytes,
    signer: signers.Signer,
    tools: SigningTools,
    *,
    actor: str,
    name: str = "",
) -> bytes:
    """Sign an attachment sent as a separate file with the organisation's key; kept with the
    issued document (NĐ 30: number and time at the top right of page 1, no image)."""
    _require(document, DocumentStatus.ISSUED, "given attachments")
    if document.number is None:
        raise InputError(said("document #{id} has no number", id=document.id))
    try:
        facts = inspect_within(attachment)
    except SigningError as exc:
        raise InputError(
            said("{value}: {message}", value=name or "the attachment", message=exc.said)
        ) from exc
    if facts.signature_fields:
        raise InputError(said("{value} is already signed", value=name or "the attachment"))
    _refuse_untrusted(signer, tools)
    signed = tools.signing.sign_attachment(
        attachment, signer, tools.timestamper, number=document.number.rendered
    )
    digest = _store(session, blobs, document, FileKind.ATTACHMENT, signed)
    document.files[-1].original_name = name[:255]
    record_event(
        session,
        actor=actor,
        action=AuditAction.DOCUMENT_ATTACH,
        document=document,
        details={"sha256": digest, "name": name},
    )
    return signed
