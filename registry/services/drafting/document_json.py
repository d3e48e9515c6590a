"""Documents as plain data: what ``--json`` prints and the JSON API answers."""

from __future__ import annotations

from typing import Any

from basics.text import iso_vietnam

from ...models import Document, DocumentReference
from ..people.access import Viewer, can_see, takes_part

__all__ = ["document_summary", "document_view"]


def document_summary(document: Document) -> dict[str, Any]:
    """The fields of a list row."""
    number = document.number
    return {
        "id": document.id,
        "status": document.status.value,
        "type": document.type.code,
        "number": number.rendered if number else None,
        "subject": document.subject,
        "signer": document.signer_name,
        "document_date": document.document_date.isoformat() if document.document_date else None,
        "created_at": iso_vietnam(document.created_at),
    }


def document_view(document: Document, viewer: Viewer | None = None) -> dict[str, Any]:
    """Everything the registry holds about ``document``, as ``viewer`` may see it (``None``:
    the operator at the command line): a cited document it may not see is not linked."""
    number = document.number
    comments = (
        [
            {
                "author": comment.author,
                "name": comment.author_name,
                "kind": comment.kind.value,
                "text": comment.body,
                "at": iso_vietnam(comment.created_at),
            }
            for comment in document.comments
        ]
        if viewer is None or takes_part(viewer, document)
        else None  # kept from the public and from those who take no part in it
    )
    return {
        **document_summary(document),
        "comments": comments,
        "type": {"code": document.type.code, "name": document.type.name},
        "issuer": {"abbreviation": document.issuer.abbreviation, "name": document.issuer.name},
        "number": (
            {
                "rendered": number.rendered,
                "number": number.number,
                "notation": number.notation,
                "period": number.period_key,
                "void_reason": number.void_reason or None,
            }
            if number
            else None
        ),
        "signer": {
            "login": document.signer.login if document.signer else None,
            "name": document.signer_name,
            "position": document.signer_position,
            "authority": document.signer_authority,
        },
        "place": document.place,
        "urgency": document.urgency.value,
        "secrecy": document.secrecy.value,
        "page_count": document.page_count,
        "issued_at": iso_vietnam(document.issued_at) if document.issued_at else None,
        "recipients": [
            {
                "name": recipient.name,
                "purpose": recipient.purpose or None,
                "organ_id": recipient.organ_id or None,
                "archive_copy": recipient.is_archive_copy,
                "copies": recipient.copies,
            }
            for recipient in document.recipients
        ],
        "references": [
            {
                "type": reference.type_name,
                "number": reference.number_text,
                "date": reference.cited_date.isoformat() if reference.cited_date else None,
                "document_id": _cited(reference, viewer),
            }
            for reference in document.references
        ],
        "files": [
            {
                "revision": stored.kind.value,
                "sha256": stored.sha256,
                "size": stored.size,
                "stored_at": iso_vietnam(stored.created_at),
            }
            for stored in document.files
        ],
    }


def _cited(reference: DocumentReference, viewer: Viewer | None) -> int | None:
    cited = reference.cited_document
    if cited is None or (viewer is not None and not can_see(viewer, cited)):
        return None  # a secret document's id is not told by the documents that cite it
    return cited.id
