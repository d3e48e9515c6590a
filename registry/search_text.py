"""What a document is found by: the folded words of its number, subject, signer, recipients
and body, kept in step with the document in the same unit of work (registering, issuing,
importing). The search itself reads them (services/archive/search.py)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from basics.text import fold, nfc

from .models import Document, DocumentWords

__all__ = [
    "SearchWords",
    "number_key",
    "refresh_search_text",
    "search_order_key",
    "search_words",
    "words_of",
]

# Room for the id below the date: ids stay below 2**32, days since year 1 below 2**20.
_ID_BITS = 32
ID_MASK = (1 << _ID_BITS) - 1


def words_of(text: str) -> list[str]:
    """The folded words of ``text``: what is indexed and what is searched."""
    return re.findall(r"[0-9a-z]+", fold(nfc(text)))


def number_key(text: str) -> str:
    """``17-CTr/ĐUK``, ``Số 17 CTr DUK`` and ``17-ctr/đuk`` all give ``17 ctr duk``."""
    folded = re.sub(r"^so\s*:?\s*", "", fold(nfc(text)).strip())
    return " ".join(re.findall(r"[0-9a-z]+", folded)).lstrip("0")


def _number_words(rendered: str) -> list[str]:
    words = words_of(rendered)
    if words and words[0].isdigit() and words[0].lstrip("0") != words[0]:
        words.append(words[0].lstrip("0") or "0")  # "01" is also found as "1"
    return words


@dataclass(frozen=True)
class SearchWords:
    head: str  # number, subject, signer (documents.search_text)
    recipients: str
    words: str  # everything, the full-text indexed column


def search_words(
    number: str, subject: str, signer: str, recipients: Sequence[str], body: str
) -> SearchWords:
    """The folded words a document is found by."""
    head = " ".join([*_number_words(number), *words_of(subject), *words_of(signer)])
    folded_recipients = " ".join(word for name in recipients for word in words_of(name))
    words = " ".join(part for part in (head, folded_recipients, " ".join(words_of(body))) if part)
    return SearchWords(head, folded_recipients, words)


def search_order_key(document_date: date | None, document_id: int) -> int:
    """The order results are shown in, as one integer: newest date first, then the newest
    id; undated documents (drafts) last. Full-text indexes keep their entries in this order
    (FTS5's rowid, a B-tree on PostgreSQL), so that the newest matches of a common word are
    read first and reading stops at a page, instead of every match being sorted."""
    day = document_date.toordinal() if document_date is not None else 0
    return (day << _ID_BITS) | document_id


def refresh_search_text(
    session: Session, document: Document, recipients: Sequence[str] = ()
) -> None:
    """Recompute what ``document`` is found by (after registering and issuing)."""
    found = search_words(
        document.number.rendered if document.number else "",
        document.subject,
        document.signer_name,
        list(recipients) or [recipient.name for recipient in document.recipients],
        document.body_text,
    )
    document.search_text = found.head
    row = session.get(DocumentWords, document.id)
    if row is None:
        row = DocumentWords(document_id=document.id)
        session.add(row)
    row.head, row.recipients, row.words = found.head, found.recipients, found.words
    row.sort_key = search_order_key(document.document_date, document.id)
