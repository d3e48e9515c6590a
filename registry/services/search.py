"""Finding documents: by number, by words (diacritics and đ ignored), and by filters."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from signing.text import fold, nfc

from ..models import Document, DocumentStatus, DocumentType, Secrecy, User
from .access import Viewer, visible_documents

__all__ = ["SearchPage", "SearchQuery", "refresh_search_text", "search_documents"]

MAX_PER_PAGE = 100


@dataclass(frozen=True)
class SearchQuery:
    text: str = ""
    type_code: str = ""
    status: DocumentStatus | None = None
    secrecy: Secrecy | None = None
    signer_login: str = ""
    issued_from: date | None = None
    issued_to: date | None = None
    page: int = 1
    per_page: int = 20


@dataclass(frozen=True)
class SearchPage:
    documents: Sequence[Document]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def _words(text: str) -> list[str]:
    return re.findall(r"[0-9a-z]+", fold(nfc(text)))


def refresh_search_text(document: Document, recipients: Sequence[str] = ()) -> None:
    """Recompute the folded text searched for ``document`` (after registering or issuing)."""
    names = recipients or [recipient.name for recipient in document.recipients]
    number = document.number.rendered if document.number else ""
    parts = [number, document.subject, document.signer_name, *names]
    document.search_text = " ".join(" ".join(_words(part)) for part in parts if part)


def search_documents(session: Session, query: SearchQuery, viewer: Viewer) -> SearchPage:
    """The documents ``viewer`` may see that match ``query``, newest first, one page."""
    statement = select(Document).where(visible_documents(viewer))
    for word in _words(query.text)[:12]:
        statement = statement.where(Document.search_text.contains(word, autoescape=True))
    if query.type_code:
        statement = statement.join(DocumentType).where(DocumentType.code == query.type_code)
    if query.status is not None:
        statement = statement.where(Document.status == query.status)
    if query.secrecy is not None:
        statement = statement.where(Document.secrecy == query.secrecy)
    if query.signer_login:
        statement = statement.where(
            Document.signer_id.in_(select(User.id).where(User.login == query.signer_login))
        )
    if query.issued_from is not None:
        statement = statement.where(Document.document_date >= query.issued_from)
    if query.issued_to is not None:
        statement = statement.where(Document.document_date <= query.issued_to)
    total = session.scalar(select(func.count()).select_from(statement.subquery())) or 0
    per_page = max(1, min(query.per_page, MAX_PER_PAGE))
    page = max(1, query.page)
    rows = session.scalars(
        statement.order_by(Document.document_date.desc().nulls_last(), Document.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    return SearchPage(rows, total, page, per_page)
