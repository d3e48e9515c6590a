"""The ranks each engine reads: together exactly the documents holding every word, none in
two ranks, each newest first; PostgreSQL's newest-documents shortcut only ever gives the
first rank's newest members."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from registry.config import load_config
from registry.db import make_engine, make_session_factory
from registry.search_text import search_order_key, words_of
from registry.services.archive.search_ranks import (
    PROBE_ROWS,
    matching_all,
    newest_of_best_rank,
    ranked,
)
from tests.support.archive import GeneratedDocument, generate_archive
from tests.support.database import Database

# One word, two words that are also a phrase of a subject, words that meet in bodies only.
QUERIES = ["tinh", "kiem tra", "kiem tra dang", "cong tac ha tinh", "hoi nghi tong ket"]


@pytest.fixture
def archive(database: Database) -> tuple[Database, list[GeneratedDocument]]:
    return database, generate_archive(database.sessions, load_config(None), 3000)


def _ids(session: Session, statement: object) -> list[int]:
    return [document.id for document in session.scalars(statement)]  # type: ignore[call-overload]


@pytest.mark.parametrize("text", QUERIES)
def test_the_ranks_split_the_matches_and_read_newest_first(
    archive: tuple[Database, list[GeneratedDocument]], text: str
) -> None:
    database, generated = archive
    words = words_of(text)
    key = {d.id: search_order_key(d.document_date, d.id) for d in generated}
    holding = {d.id for d in generated if set(words) <= set(d.words.split())}
    with database.sessions() as session:
        assert set(_ids(session, matching_all(session, words))) == holding
        ranks = [_ids(session, rank) for rank in ranked(session, words)]
    assert len(ranks) == (2 if len(words) == 1 else 4)
    seen: set[int] = set()
    for rank in ranks:
        assert not seen & set(rank)  # no document in two ranks
        seen |= set(rank)
        assert [key[i] for i in rank] == sorted((key[i] for i in rank), reverse=True)
    assert seen == holding


def test_postgresqls_shortcut_gives_the_first_ranks_newest(postgres_url: str) -> None:
    engine = make_engine(postgres_url)
    sessions = make_session_factory(engine)
    generated = generate_archive(sessions, load_config(None), 3000)
    newest = sorted(generated, key=lambda d: search_order_key(d.document_date, d.id))
    window = {d.id for d in newest[-PROBE_ROWS:]}
    given = 0
    with sessions() as session:
        for text in QUERIES:
            words = words_of(text)
            best = _ids(session, ranked(session, words)[0])
            shortcut = _ids(session, newest_of_best_rank(words))
            assert shortcut == [i for i in best if i in window], text
            given += len(shortcut)
    assert given > 0  # the common queries do find their first rank among the newest
    engine.dispose()
