"""Finding documents: by number, by words (diacritics and đ ignored), and by filters.

Words are matched as whole words against the folded text of the number, subject, signer,
recipients and body: through SQLite's FTS5 or PostgreSQL's full-text index, which give the
same answers because both see the same folded words. A document matches when it holds
every word; a query that is a registered number (``17-CTr/ĐUK``, ``17 ctr duk``) finds
that number's documents only. Ranking is the same on both: the words as a phrase in the
number, subject or signer first ("ha tinh" as Hà Tĩnh, not "hà … tĩnh" apart: Vietnamese
words are groups of syllables); then all the words there; then the phrase in the
recipients or body; then the rest. Newest first within each.

The page is read rank by rank, each rank newest first from an index kept in that order
(``document_words.sort_key``: FTS5's rowid on SQLite, a B-tree on PostgreSQL), so reading
stops once the page is full instead of ranking every match: a common word among a million
notices costs what a rare one does. The total is counted up to :data:`TOTAL_LIMIT`;
beyond it the page says "more than 1,000".
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
    func,
    literal,
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
from .search_ranks import matching_all, newest_of_best_rank, ranked

__all__ = [
    "TOTAL_LIMIT",
    "SearchPage",
    "SearchQuery",
    "search_documents",
]

TOTAL_LIMIT = 1000

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
    total: int  # at most TOTAL_LIMIT
    page: int
    per_page: int
    total_is_exact: bool = True  # False: more than ``total`` documents match

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def _contains_words(column: SQLColumnExpression[str], words: Sequence[str]) -> ColumnElement[bool]:
    """Every word in the space-separated ``column`` as a whole word (same on both engines)."""
    padded = literal(" ") + column + literal(" ")
    return and_(true(), *(padded.contains(f" {word} ", autoescape=True) for word in words))


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


def _filtered(statement: Select[Any], query: SearchQuery, viewer: Viewer) -> Select[Any]:
    """``statement`` narrowed to what ``viewer`` may see and the query's filters."""
    statement = statement.where(visible_documents(viewer))
    if query.type_code:
        statement = statement.join(DocumentType, DocumentType.id == Document.type_id).where(
            DocumentType.code == query.type_code
        )
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
    return statement


def _counted(session: Session, statement: Select[Any]) -> tuple[int, bool]:
    """How many rows ``statement`` gives, counted up to TOTAL_LIMIT; whether that is all."""
    limited = statement.with_only_columns(Document.id).order_by(None).limit(TOTAL_LIMIT + 1)
    found = session.scalar(select(func.count()).select_from(limited.subquery())) or 0
    return min(found, TOTAL_LIMIT), found <= TOTAL_LIMIT


def _page_of_ranks(
    session: Session, ranks: Sequence[Select[Any]], offset: int, per_page: int
) -> list[Document]:
    """Rows ``offset`` to ``offset + per_page`` of the ranks one after the other, each rank
    read only as far as the page needs."""
    found: list[Document] = []
    skip = offset
    for rank in ranks:
        wanted = skip + per_page - len(found)
        rows = session.scalars(rank.limit(wanted)).all()
        if len(rows) <= skip:
            skip -= len(rows)
            continue
        found += rows[skip:]
        skip = 0
        if len(found) >= per_page:
            break
    return found


def search_documents(session: Session, query: SearchQuery, viewer: Viewer) -> SearchPage:
    """The documents ``viewer`` may see that match ``query``, best first, one page."""
    words = words_of(query.text)[:MAX_WORDS]
    exact = _exact_number_ids(session, query.text) if words else []
    per_page = max(1, min(query.per_page, MAX_PER_PAGE))
    page = max(1, query.page)
    offset = (page - 1) * per_page
    newest_first = (Document.document_date.desc().nulls_last(), Document.id.desc())
    if exact or _NUMBER_SHAPED.match(query.text) or not words:
        statement = _filtered(select(Document), query, viewer)
        if exact or _NUMBER_SHAPED.match(query.text):
            # A number such as 17-CTr/ĐUK: that document (one per term it was given in), and
            # no word matches when it does not exist ("99" may well be in some body's text).
            statement = statement.where(Document.id.in_(exact or [-1]))
        total, exact_total = _counted(session, statement)
        rows = session.scalars(
            statement.order_by(*newest_first).offset(offset).limit(per_page)
        ).all()
        return SearchPage(rows, total, page, per_page, exact_total)
    postgresql = session.get_bind().dialect.name == "postgresql"
    if postgresql:
        # Parallel workers cost more to start and join than they save on a search that stops
        # at a page and 1,001 counted (the count took 45-65 ms with two, 15-30 ms without),
        # and a request's search should not take the cores other requests are served on.
        session.execute(text("SET LOCAL max_parallel_workers_per_gather = 0"))
    total, exact_total = _counted(session, _filtered(matching_all(session, words), query, viewer))
    if postgresql:
        # The newest documents decide the page when its rows are all of the best rank.
        wanted = offset + per_page
        newest = _filtered(newest_of_best_rank(words), query, viewer).limit(wanted)
        rows = session.scalars(newest).all()
        if len(rows) == wanted:
            return SearchPage(rows[offset:], total, page, per_page, exact_total)
    ranks = [_filtered(rank, query, viewer) for rank in ranked(session, words)]
    return SearchPage(
        _page_of_ranks(session, ranks, offset, per_page), total, page, per_page, exact_total
    )
