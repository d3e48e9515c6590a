"""Finding documents: by number, by words (diacritics and đ ignored), and by filters.

Words are matched as whole words against the folded text of the number, subject, signer,
recipients and body: through SQLite's FTS5 or PostgreSQL's full-text index, which give the
same answers because both see the same folded words. A document matches when it holds
every word; a query that is a registered number (``17-CTr/ĐUK``, ``17 ctr duk``) finds
that number's documents only. Ranking is the same on both: the words as a phrase in the
number, subject or signer first ("ha tinh" as Hà Tĩnh, not "hà … tĩnh" apart: Vietnamese
words are groups of syllables); then all the words there; then the phrase in the
recipients or body; then the rest. Newest first within each.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    SQLColumnExpression,
    and_,
    bindparam,
    case,
    func,
    literal,
    literal_column,
    select,
    text,
    true,
)
from sqlalchemy.orm import Session

from ...models import (
    LARGEST_KEY,
    Document,
    DocumentStatus,
    DocumentType,
    DocumentWords,
    NumberEntry,
    Secrecy,
    User,
)
from ...search_text import number_key, words_of
from ..people.access import Viewer, visible_documents

__all__ = [
    "SearchPage",
    "SearchQuery",
    "search_documents",
]

MAX_PER_PAGE = 100
_NUMBER_SHAPED = re.compile(r"\s*(?:s[oố]\s*:?\s*)?\d+\s*[-/]", re.IGNORECASE)
MAX_WORDS = 12


@dataclass(frozen=True)
class SearchQuery:
    text: str = ""
    type_code: str = ""
    status: DocumentStatus | None = None
    secrecy: Secrecy | None = None
    signer_login: str = ""
    recipient: str = ""
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


def _contains_words(column: SQLColumnExpression[str], words: Sequence[str]) -> ColumnElement[bool]:
    """Every word in the space-separated ``column`` as a whole word (same on both engines)."""
    padded = literal(" ") + column + literal(" ")
    return and_(true(), *(padded.contains(f" {word} ", autoescape=True) for word in words))


def _full_text_ids(session: Session, words: Sequence[str], *, phrase: bool = False) -> Select[Any]:
    """Documents holding every word (or, with ``phrase``, the words side by side)."""
    if session.get_bind().dialect.name == "sqlite":
        # Quoted: never an FTS5 operator. One quoted group is a phrase.
        match = f'"{" ".join(words)}"' if phrase else " ".join(f'"{word}"' for word in words)
        return (
            select(text("rowid"))
            .select_from(text("document_words_fts"))
            .where(
                text("document_words_fts MATCH :match").bindparams(
                    bindparam("match", value=match, unique=True)  # several in one statement
                )
            )
        )
    # words_tsv: to_tsvector('simple', words), stored and GIN-indexed (migration 0004).
    vector: ColumnElement[Any] = literal_column("document_words.words_tsv")
    query = (" <-> " if phrase else " & ").join(words)
    return select(DocumentWords.document_id).where(
        vector.op("@@")(func.to_tsquery("simple", query))
    )


def _exact_number_ids(session: Session, query_text: str) -> list[int]:
    key = number_key(query_text)
    digits = re.match(r"\d+", key)
    if digits is None or " " not in key or int(digits.group()) > LARGEST_KEY:
        return []
    entries = session.scalars(
        select(NumberEntry).where(
            NumberEntry.number == int(digits.group()), NumberEntry.document_id.is_not(None)
        )
    ).all()
    return [e.document_id for e in entries if e.document_id and number_key(e.rendered) == key]


def search_documents(session: Session, query: SearchQuery, viewer: Viewer) -> SearchPage:
    """The documents ``viewer`` may see that match ``query``, best first, one page."""
    words = words_of(query.text)[:MAX_WORDS]
    exact = _exact_number_ids(session, query.text) if words else []
    statement = select(Document).where(visible_documents(viewer))
    if exact or _NUMBER_SHAPED.match(query.text):
        # A number such as 17-CTr/ĐUK: that document (one per term it was given in), and no
        # word matches when it does not exist ("99" may well be in some body's text).
        statement = statement.where(Document.id.in_(exact or [-1]))
    elif words:
        statement = statement.where(Document.id.in_(_full_text_ids(session, words)))
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
    if query.recipient.strip():
        statement = statement.where(
            Document.id.in_(
                select(DocumentWords.document_id).where(
                    _contains_words(DocumentWords.recipients, words_of(query.recipient))
                )
            )
        )
    if query.issued_from is not None:
        statement = statement.where(Document.document_date >= query.issued_from)
    if query.issued_to is not None:
        statement = statement.where(Document.document_date <= query.issued_to)
    total = session.scalar(select(func.count()).select_from(statement.subquery())) or 0
    per_page = max(1, min(query.per_page, MAX_PER_PAGE))
    page = max(1, query.page)
    phrase = " ".join(words)
    postgres = session.get_bind().dialect.name == "postgresql"
    if words and not exact and postgres:
        # Checked row by row on the stored tsvector: an IN (phrase subquery) becomes a
        # subplan run for every row once its answer outgrows work_mem (minutes at 1M rows).
        statement = statement.join(DocumentWords, DocumentWords.document_id == Document.id)
        vector: ColumnElement[Any] = literal_column("document_words.words_tsv")
        in_body = vector.op("@@")(func.to_tsquery("simple", " <-> ".join(words)))
    else:
        in_body = Document.id.in_(_full_text_ids(session, words, phrase=True))
    rank = (
        literal(0)
        if exact or not words
        else case(
            (_contains_words(Document.search_text, [phrase]), 1),
            (_contains_words(Document.search_text, words), 2),
            (in_body, 3),
            else_=4,
        )
    )
    rows = session.scalars(
        statement.order_by(rank, Document.document_date.desc().nulls_last(), Document.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    return SearchPage(rows, total, page, per_page)
