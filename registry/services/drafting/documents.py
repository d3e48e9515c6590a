"""Registering drafts, finding documents and reading their stored revisions."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from basics.said import said
from basics.text import nfc
from signing.errors import UnusablePdfError
from signing.inspect import PdfFacts, inspect_within

from ...audit import AuditAction, record_event
from ...errors import InputError, NotFoundError
from ...models import (
    LARGEST_KEY,
    Document,
    DocumentFile,
    DocumentReference,
    DocumentStatus,
    DocumentType,
    FileKind,
    Issuer,
    NumberEntry,
    Recipient,
    Secrecy,
    Urgency,
    User,
)
from ...recipients import RecipientLine
from ...references import find_citations
from ...search_text import number_key, refresh_search_text
from ...storage import BlobStore
from ..people.users import get_user
from .draft_checks import secrecy_disagreement, signing_authority

__all__ = [
    "MAX_SUBJECT",
    "DraftRequest",
    "SignerQueue",
    "document_types",
    "find_document",
    "get_type",
    "issued_documents",
    "list_documents",
    "read_draft",
    "read_revision",
    "record_recipients",
    "record_references",
    "register_draft",
    "signer_queue",
]

MAX_SUBJECT = 1000
# The kinds of a document's own revisions (attachments are other files).
REVISION_KINDS = frozenset(
    {FileKind.DRAFT, FileKind.PREPARED, FileKind.SIGNED, FileKind.ISSUED, FileKind.ARCHIVE}
)


@dataclass(frozen=True)
class DraftRequest:
    """What the clerk gives when registering a draft."""

    pdf: bytes
    type_code: str
    subject: str
    signer_login: str
    recipients: tuple[RecipientLine, ...] = ()
    urgency: Urgency = Urgency.NORMAL
    secrecy: Secrecy = Secrecy.NONE
    drafting_unit: str = ""
    file_name: str = ""
    authority: str = ""  # "T/M BAN THƯỜNG VỤ"; "" for the signer's own
    position: str = ""  # "PHÓ BÍ THƯ THƯỜNG TRỰC"; "" for the signer's own


def get_type(session: Session, issuer: Issuer, code: str) -> DocumentType:
    doc_type = session.scalars(
        select(DocumentType).where(
            DocumentType.family == issuer.scheme,
            DocumentType.code == nfc(code.strip()),
            DocumentType.active.is_(True),
        )
    ).first()
    if doc_type is None:
        known = session.scalars(
            select(DocumentType.code)
            .where(DocumentType.family == issuer.scheme, DocumentType.active.is_(True))
            .order_by(DocumentType.code)
        ).all()
        raise InputError(
            said(
                "unknown document type {code!r} (known: {known})", code=code, known=", ".join(known)
            )
        )
    return doc_type


def read_draft(inspect: Callable[[bytes], PdfFacts], pdf: bytes, name: str) -> PdfFacts:
    """``inspect(pdf)``, a file that cannot be used refused as the user's input."""
    try:
        return inspect(pdf)
    except UnusablePdfError as exc:
        raise InputError(said("{name}: {message}", name=name, message=exc.said)) from exc


def register_draft(
    session: Session,
    blobs: BlobStore,
    issuer: Issuer,
    request: DraftRequest,
    *,
    actor: str,
    inspect: Callable[[bytes], PdfFacts] = inspect_within,
) -> Document:
    """Register a draft PDF with its metadata; the blob is stored before the caller commits.
    The PDF is read (``inspect``) before the session is used: a caller that has no
    transaction open holds none while a long file is read."""
    subject = nfc(" ".join(request.subject.split()))
    if not subject:
        raise InputError(said("the subject (trích yếu) must not be empty"))
    if len(subject) > MAX_SUBJECT:
        raise InputError(
            said("the subject is longer than {MAX_SUBJECT} characters", MAX_SUBJECT=MAX_SUBJECT)
        )
    name = request.file_name or "the draft"
    facts = read_draft(inspect, request.pdf, name)
    doc_type = get_type(session, issuer, request.type_code)
    signer = get_user(session, request.signer_login)
    if "signer" not in signer.role_set:
        raise InputError(
            said(
                "{login} ({full_name}) is not a signer",
                login=signer.login,
                full_name=signer.full_name,
            )
        )
    if facts.signature_fields:
        raise InputError(
            said(
                "{name} is already signed ({signature_fields}); register the unsigned draft",
                name=name,
                signature_fields=", ".join(facts.signature_fields),
            )
        )
    authority = signing_authority(issuer.scheme, request.authority or signer.authority)
    signer_position = nfc(" ".join((request.position or signer.position).split()))
    disagreement = secrecy_disagreement(facts.text, request.secrecy)
    if disagreement is not None and disagreement[1]:
        raise InputError(disagreement[0])
    blob = blobs.put(request.pdf)
    document = Document(
        issuer_id=issuer.id,
        type_id=doc_type.id,
        subject=subject,
        signer_id=signer.id,
        signer_name=signer.full_name,
        signer_position=signer_position,
        signer_authority=authority,
        place=issuer.place,
        urgency=request.urgency,
        secrecy=request.secrecy,
        status=DocumentStatus.DRAFT,
        drafting_unit=nfc(request.drafting_unit.strip()),
        page_count=facts.page_count,
        body_text=facts.text,
        registered_by=actor,
        created_at=datetime.now(UTC),
    )
    session.add(document)
    session.flush()
    session.add(
        DocumentFile(
            document_id=document.id,
            kind=FileKind.DRAFT,
            sha256=blob.sha256,
            size=blob.size,
            original_name=request.file_name[:255],
        )
    )
    record_recipients(session, document, request.recipients)
    record_references(session, document, facts.text)
    refresh_search_text(session, document, [line.name for line in request.recipients])
    record_event(
        session,
        actor=actor,
        action=AuditAction.DOCUMENT_REGISTER,
        document=document,
        details={"sha256": blob.sha256, "size": blob.size, "type": doc_type.code},
    )
    session.flush()
    return document


def record_recipients(session: Session, document: Document, lines: Sequence[RecipientLine]) -> None:
    """The Nơi nhận rows of ``document`` from ``lines``, matched to the directory (replacing
    any it had)."""
    from ...directory import match_recipients

    for old in list(document.recipients):
        session.delete(old)
    session.flush()
    for position, line in enumerate(match_recipients(session, lines), start=1):
        session.add(
            Recipient(
                document_id=document.id,
                position=position,
                name=line.name,
                organ_id=line.organ_id,
                purpose=line.purpose,
                is_archive_copy=line.is_archive_copy,
                copies=line.copies,
            )
        )
    session.flush()
    session.expire(document, ["recipients"])


def record_references(session: Session, document: Document, text: str) -> None:
    """The documents ``text`` cites, as ``document``'s references (replacing any it had)."""
    for old in list(document.references):
        session.delete(old)
    session.flush()
    type_names = session.scalars(select(DocumentType.name).distinct()).all()
    for citation in find_citations(text, type_names):
        cited = session.scalars(
            select(NumberEntry.document_id).where(
                NumberEntry.issuer_id == document.issuer_id,
                NumberEntry.rendered == citation.number_text,
            )
        ).first()
        session.add(
            DocumentReference(
                document_id=document.id,
                type_name=citation.type_name,
                number_text=citation.number_text,
                cited_date=citation.cited_date,
                cited_document_id=cited,
            )
        )
    session.flush()
    session.expire(document, ["references"])


def find_document(session: Session, key: str) -> Document:
    """A document by its id (``12`` or ``#12``) or by its number (``25-TB/ĐUK``)."""
    text = key.strip()
    if re.fullmatch(r"#?\d+", text):
        wanted_id = int(text.lstrip("#"))
        document = session.get(Document, wanted_id) if wanted_id <= LARGEST_KEY else None
        if document is None:
            raise NotFoundError(said("no document with id {lstrip}", lstrip=text.lstrip("#")))
        return document
    wanted = number_key(text)
    digits = re.match(r"\d+", wanted)
    if digits is not None and int(digits.group()) > LARGEST_KEY:
        raise NotFoundError(said("no document is registered under the number {key!r}", key=key))
    if digits is None:
        raise NotFoundError(
            said("{key!r} is neither a document id nor a number like 25-TB/ĐUK", key=key)
        )
    candidates = session.scalars(
        select(NumberEntry).where(
            NumberEntry.number == int(digits.group()), NumberEntry.document_id.is_not(None)
        )
    ).all()
    matches = [entry for entry in candidates if number_key(entry.rendered) == wanted]
    if not matches:
        raise NotFoundError(said("no document is registered under the number {key!r}", key=key))
    if len(matches) > 1:
        which = ", ".join(f"#{entry.document_id} ({entry.period_key})" for entry in matches)
        raise InputError(
            said("{key!r} was given in several periods: {which}; use the id", key=key, which=which)
        )
    document = session.get(Document, matches[0].document_id)
    assert document is not None  # the foreign key guarantees it
    return document


def list_documents(
    session: Session, *, status: DocumentStatus | None = None, limit: int = 100
) -> Sequence[Document]:
    query = select(Document).order_by(Document.id.desc()).limit(limit)
    if status is not None:
        query = query.where(Document.status == status)
    return session.scalars(query).all()


def read_revision(
    document: Document, blobs: BlobStore, kind: FileKind | None = None
) -> tuple[DocumentFile, bytes]:
    """The newest stored revision of ``kind`` (or the document's current one: the newest
    of all but attachments, a new draft after a prepared one included), hash-checked."""
    by_kind: dict[FileKind, DocumentFile] = {}
    newest: DocumentFile | None = None
    for stored in document.files:  # ordered by id: later rows replace earlier ones
        by_kind[stored.kind] = stored
        if stored.kind in REVISION_KINDS:
            newest = stored
    if kind is not None:
        chosen = by_kind.get(kind)
        if chosen is None:
            have = ", ".join(sorted({stored.kind.value for stored in document.files}))
            raise NotFoundError(
                said(
                    "document #{id} has no {value} revision ({have})",
                    id=document.id,
                    value=kind.value,
                    have=have,
                )
            )
    else:
        chosen = newest
        if chosen is None:
            raise NotFoundError(said("document #{id} has no stored revision", id=document.id))
    return chosen, blobs.get(chosen.sha256)


def document_types(session: Session, family: str | None = None) -> list[DocumentType]:
    """The active document types, of one numbering family (party/state) or all, by name."""
    query = select(DocumentType).where(DocumentType.active.is_(True)).order_by(DocumentType.name)
    if family is not None:
        query = query.where(DocumentType.family == family)
    return list(session.scalars(query))


@dataclass(frozen=True)
class SignerQueue:
    waiting: Sequence[Document]  # prepared, for him to sign
    done: Sequence[Document]  # the last he signed (signed or issued since)


def signer_queue(session: Session, user: User, *, done_limit: int = 20) -> SignerQueue:
    mine = select(Document).where(Document.signer_id == user.id)
    waiting = session.scalars(
        mine.where(Document.status == DocumentStatus.PREPARED).order_by(Document.id)
    ).all()
    done = session.scalars(
        mine.where(Document.status.in_([DocumentStatus.SIGNED, DocumentStatus.ISSUED]))
        .order_by(Document.id.desc())
        .limit(done_limit)
    ).all()
    return SignerQueue(waiting, done)


def issued_documents(session: Session) -> Sequence[Document]:
    """Every issued document, oldest first (for sweeps over the whole archive)."""
    return session.scalars(
        select(Document).where(Document.status == DocumentStatus.ISSUED).order_by(Document.id)
    ).all()
