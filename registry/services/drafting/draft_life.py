"""A document's life before it is signed, as an office lives it (DESIGN §3, step 3).

- The clerk **revises** a draft: a new file, new metadata, or both. The new file is a new
  draft revision (every earlier revision is kept) and the document goes back to draft, to
  be prepared again.
- The signer **returns** a draft or a prepared document with a comment (trả lại); the
  clerk answers with a revision, and it comes back to him.
- Either **comments** on it; the comments are kept with the document.

States and who moves them:

    draft ──prepare──▶ prepared ──sign──▶ signed ──issue──▶ issued
      ▲  ╲                │
      │   ╲──return──▶ returned ◀──return── (prepared)
      └──revise── (draft, prepared, returned)

A signed, issued or withdrawn document is revised by no one; a returned one is signed by
no one (only a prepared document is signed) until a revision answers the return.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from basics.said import Said, said
from basics.text import nfc
from signing.inspect import PdfFacts, inspect_within

from ...audit import AuditAction, record_event
from ...errors import InputError
from ...models import (
    Comment,
    CommentKind,
    Document,
    DocumentFile,
    DocumentStatus,
    FileKind,
    NotificationKind,
    Secrecy,
    Urgency,
    User,
)
from ...recipients import RecipientLine
from ...search_text import refresh_search_text
from ...storage import BlobStore
from ...words import STATUS_WORDS
from ..notifying.notifications import notify_clerks
from .documents import MAX_SUBJECT, get_type, read_draft, record_recipients, record_references
from .draft_checks import secrecy_disagreement, signing_authority

__all__ = ["MAX_COMMENT", "Revision", "add_comment", "return_document", "revise_document"]

MAX_COMMENT = 4000
_REVISABLE = (DocumentStatus.DRAFT, DocumentStatus.PREPARED, DocumentStatus.RETURNED)
_RETURNABLE = (DocumentStatus.DRAFT, DocumentStatus.PREPARED)


@dataclass(frozen=True)
class Revision:
    """What the clerk changes; ``None`` (or no file) keeps what the document has."""

    pdf: bytes | None = None
    file_name: str = ""
    type_code: str | None = None
    subject: str | None = None
    recipients: tuple[RecipientLine, ...] | None = None
    urgency: Urgency | None = None
    secrecy: Secrecy | None = None
    authority: str | None = None
    position: str | None = None
    note: str = ""  # what was changed and why, for the signer


def _comment_text(text: str, what: Said) -> str:
    body = nfc(text.strip())
    if not body:
        raise InputError(said("{what}: write what it says", what=what))
    if len(body) > MAX_COMMENT:
        raise InputError(
            said(
                "{what}: longer than {most} characters",
                what=what,
                most=MAX_COMMENT,
            )
        )
    return body


def _comment(
    session: Session,
    document: Document,
    author: User | None,
    actor: str,
    kind: CommentKind,
    body: str,
) -> Comment:
    comment = Comment(
        document_id=document.id,
        author=author.login if author else actor,
        author_name=author.full_name if author else actor,
        kind=kind,
        body=body,
    )
    session.add(comment)
    session.flush()
    session.expire(document, ["comments"])
    return comment


def revise_document(
    session: Session,
    blobs: BlobStore,
    document: Document,
    revision: Revision,
    *,
    author: User | None,
    actor: str,
    inspect: Callable[[bytes], PdfFacts] = inspect_within,
) -> list[str]:
    """Apply ``revision`` to a document not yet signed; the names of what changed. The
    document is a draft again, to be prepared anew; nothing changed is an error."""
    if document.status not in _REVISABLE:
        raise InputError(
            said(
                "Document #{id} is at “{status}”: only a draft, a prepared or a returned "
                "document can be revised",
                id=document.id,
                status=STATUS_WORDS[document.status],
            )
        )
    changed: list[str] = []
    facts = None
    if revision.pdf is not None:
        facts = read_draft(inspect, revision.pdf, revision.file_name or "the new draft")
        if facts.signature_fields:
            raise InputError(
                said(
                    "The new file is already signed ({signature_fields}): send the unsigned draft",
                    signature_fields=", ".join(facts.signature_fields),
                )
            )
    secrecy = revision.secrecy if revision.secrecy is not None else document.secrecy
    text = facts.text if facts is not None else document.body_text
    disagreement = secrecy_disagreement(text, secrecy)
    if disagreement is not None and disagreement[1]:
        raise InputError(disagreement[0])
    if revision.type_code is not None:
        doc_type = get_type(session, document.issuer, revision.type_code)
        if doc_type.id != document.type_id:
            document.type_id, changed = doc_type.id, [*changed, "type"]
            session.expire(document, ["type"])
    if revision.subject is not None:
        subject = nfc(" ".join(revision.subject.split()))
        if not subject or len(subject) > MAX_SUBJECT:
            raise InputError(
                said(
                    "The subject must be given, {MAX_SUBJECT} characters at most",
                    MAX_SUBJECT=MAX_SUBJECT,
                )
            )
        if subject != document.subject:
            document.subject, changed = subject, [*changed, "subject"]
    for name, value in (("urgency", revision.urgency), ("secrecy", revision.secrecy)):
        if value is not None and value != getattr(document, name):
            setattr(document, name, value)
            changed.append(name)
    if revision.authority is not None:
        authority = signing_authority(document.issuer.scheme, revision.authority)
        if authority != document.signer_authority:
            document.signer_authority, changed = authority, [*changed, "authority"]
    if revision.position is not None:
        position = nfc(" ".join(revision.position.split()))
        if position != document.signer_position:
            document.signer_position, changed = position, [*changed, "position"]
    if revision.recipients is not None:
        record_recipients(session, document, revision.recipients)
        changed.append("recipients")
    digest = ""
    if revision.pdf is not None and facts is not None:
        blob = blobs.put(revision.pdf)
        digest = blob.sha256
        document.files.append(
            DocumentFile(
                kind=FileKind.DRAFT,
                sha256=blob.sha256,
                size=blob.size,
                original_name=revision.file_name[:255],
            )
        )
        document.page_count, document.body_text = facts.page_count, facts.text
        record_references(session, document, facts.text)
        changed.append("file")
    if not changed:
        raise InputError(said("Nothing was changed"))
    document.status = DocumentStatus.DRAFT
    details: dict[str, object] = {"changed": changed}
    if revision.note.strip():
        note = _comment_text(revision.note, said("The note"))
        details["comment"] = _comment(
            session, document, author, actor, CommentKind.REVISION, note
        ).id
    session.flush()
    refresh_search_text(session, document)
    if digest:
        details["sha256"] = digest
    record_event(
        session,
        actor=actor,
        action=AuditAction.DOCUMENT_REVISE,
        document=document,
        details=details,
    )
    return changed


def return_document(
    session: Session, document: Document, *, comment: str, by: User, actor: str
) -> Comment:
    """The signer ``by`` returns ``document`` (a draft or prepared, his to sign) with
    ``comment``; it waits for the clerk's revision."""
    if document.signer_id != by.id:
        raise InputError(
            said(
                "Document #{id} is {signer_name}'s to sign, not {full_name}'s",
                id=document.id,
                signer_name=document.signer_name,
                full_name=by.full_name,
            )
        )
    if document.status not in _RETURNABLE:
        raise InputError(
            said(
                "Document #{id} is at “{status}”: only a draft or a prepared document can be "
                "returned",
                id=document.id,
                status=STATUS_WORDS[document.status],
            )
        )
    body = _comment_text(comment, said("The reason for returning it"))
    document.status = DocumentStatus.RETURNED
    made = _comment(session, document, by, actor, CommentKind.RETURN, body)
    notify_clerks(session, NotificationKind.RETURNED, document, detail=body)
    record_event(
        session,
        actor=actor,
        action=AuditAction.DOCUMENT_RETURN,
        document=document,
        details={"comment": made.id},
    )
    return made


def add_comment(
    session: Session, document: Document, *, text: str, author: User | None, actor: str
) -> Comment:
    """A comment on ``document`` by the clerk or its signer, kept with it."""
    made = _comment(
        session,
        document,
        author,
        actor,
        CommentKind.COMMENT,
        _comment_text(text, said("The comment")),
    )
    record_event(
        session,
        actor=actor,
        action=AuditAction.DOCUMENT_COMMENT,
        document=document,
        details={"comment": made.id},
    )
    return made
