"""How each engine gives a search's matches rank by rank, newest first (search.py ranks).

SQLite: one FTS5 query per rank over the columns ``head`` (number, subject, signer) and
``words`` (everything); the table's rowid is the order key, so ``ORDER BY rowid DESC
LIMIT n`` reads the newest matches and stops. PostgreSQL: the same ranks as conditions on
the stored tsvectors, ordered by the B-tree on the key.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    column,
    func,
    literal_column,
    not_,
    select,
    table,
)
from sqlalchemy.orm import Session

from ...models import Document, DocumentWords
from ...search_text import ID_MASK

__all__ = ["PROBE_ROWS", "matching_all", "newest_of_best_rank", "ranked"]

# How many of the newest documents PostgreSQL looks at before ranking every match.
PROBE_ROWS = 2000

_FTS = table("document_words_fts", column("rowid"), column("document_words_fts"))


def ranked(session: Session, words: Sequence[str]) -> list[Select[Any]]:
    """The documents holding every word, one statement per rank (best first), each newest
    first; the caller adds visibility, filters and a limit."""
    if session.get_bind().dialect.name == "sqlite":
        # Quoted: never an FTS5 operator (words are [0-9a-z]+). {head}: number, subject,
        # signer; {words}: everything.
        phrase = '"' + " ".join(words) + '"'
        every = "(" + " AND ".join(f'"{word}"' for word in words) + ")"
        ranks = [f"{{head}} : {phrase}"]
        if len(words) > 1:
            ranks.append(f"{{head}} : {every} NOT {{head}} : {phrase}")
        ranks.append(f"{{words}} : {phrase} NOT {{head}} : {every}")
        if len(words) > 1:
            ranks.append(f"{{words}} : {every} NOT {{words}} : {phrase} NOT {{head}} : {every}")
        return [
            select(Document)
            .select_from(_FTS)
            .join(Document, Document.id == _FTS.c.rowid.op("&")(ID_MASK))
            .where(_FTS.c.document_words_fts.op("MATCH")(match))
            .order_by(_FTS.c.rowid.desc())
            for match in ranks
        ]
    return [
        select(Document)
        .join(DocumentWords, DocumentWords.document_id == Document.id)
        .where(condition)
        .order_by(DocumentWords.sort_key.desc())
        for condition in pg_rank_conditions(words, PgVectors.of_table())
    ]


@dataclass(frozen=True)
class PgVectors:
    """The stored tsvectors a condition reads (migrations 0004, 0010), GIN-indexed."""

    head: ColumnElement[Any]
    everything: ColumnElement[Any]

    @classmethod
    def of_table(cls) -> PgVectors:
        return cls(
            literal_column("document_words.head_tsv"), literal_column("document_words.words_tsv")
        )


def pg_rank_conditions(words: Sequence[str], vectors: PgVectors) -> list[ColumnElement[bool]]:
    """Rank by rank, what a document holding every word must also hold to be in it."""
    phrase_query = func.to_tsquery("simple", " <-> ".join(words))
    every_query = func.to_tsquery("simple", " & ".join(words))
    in_head = vectors.head.op("@@")(phrase_query)
    all_in_head = vectors.head.op("@@")(every_query)
    in_words = vectors.everything.op("@@")(phrase_query)
    conditions: list[ColumnElement[bool]] = [in_head]
    if len(words) > 1:
        conditions.append(and_(all_in_head, not_(in_head)))
    conditions.append(and_(in_words, not_(all_in_head)))
    if len(words) > 1:
        every_in_words = vectors.everything.op("@@")(every_query)
        conditions.append(and_(every_in_words, not_(in_words), not_(all_in_head)))
    return conditions


def newest_of_best_rank(words: Sequence[str]) -> Select[Any]:
    """PostgreSQL: the best rank's documents among the newest PROBE_ROWS, newest first.

    Its GIN index gives matches in no order and cannot check a phrase without reading each
    candidate row, and its planner takes the words of a phrase for independent, expecting
    a handful of rows where there are thousands. When the best rank is common among the
    newest documents, which is what a common search is, its newest members there are the
    page's first rows: the caller uses them when there are enough of them."""
    newest = (
        select(
            DocumentWords.document_id,
            DocumentWords.sort_key,
            literal_column("document_words.head_tsv").label("head_tsv"),
            literal_column("document_words.words_tsv").label("words_tsv"),
        )
        .order_by(DocumentWords.sort_key.desc())
        .limit(PROBE_ROWS)
        .subquery()
    )
    vectors = PgVectors(newest.c.head_tsv, newest.c.words_tsv)
    every = vectors.everything.op("@@")(func.to_tsquery("simple", " & ".join(words)))
    return (
        select(Document)
        .join(newest, newest.c.document_id == Document.id)
        .where(every, pg_rank_conditions(words, vectors)[0])
        .order_by(newest.c.sort_key.desc())
    )


def matching_all(session: Session, words: Sequence[str]) -> Select[Any]:
    """The documents holding every word, in no order (for counting)."""
    if session.get_bind().dialect.name == "sqlite":
        every = " AND ".join(f'"{word}"' for word in words)
        return (
            select(Document)
            .select_from(_FTS)
            .join(Document, Document.id == _FTS.c.rowid.op("&")(ID_MASK))
            .where(_FTS.c.document_words_fts.op("MATCH")(f"{{words}} : ({every})"))
        )
    everything: ColumnElement[Any] = literal_column("document_words.words_tsv")
    return (
        select(Document)
        .join(DocumentWords, DocumentWords.document_id == Document.id)
        .where(everything.op("@@")(func.to_tsquery("simple", " & ".join(words))))
    )
