"""Many writers, one register: no number given twice, none skipped, on both databases."""

from __future__ import annotations

import multiprocessing
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from sqlalchemy import select

from registry.db import make_engine, make_session_factory
from registry.models import NumberEntry
from registry.numbering import allocate_number
from registry.services.drafting.documents import get_type
from tests.support.configs import make_config
from tests.support.database import Database, issuer_of, seed_issuer

TYPES = ("TB", "KH")


def allocate_many(url: str, issuer_id: int, count: int, worker: int) -> list[str]:
    """One writer: ``count`` allocations, each its own transaction, alternating two series."""
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    given = []
    try:
        for index in range(count):
            with sessions.begin() as session:
                issuer = issuer_of(session, issuer_id)
                code = TYPES[(index + worker) % len(TYPES)]
                entry = allocate_number(
                    session,
                    issuer=issuer,
                    doc_type=get_type(session, issuer, code),
                    on=date(2024, 6, 1),
                )
                given.append(entry.rendered)
    finally:
        engine.dispose()
    return given


def assert_complete_series(database: Database, given: list[str], total: int) -> None:
    counts = Counter(given)
    assert len(given) == total
    assert [number for number, seen in counts.items() if seen > 1] == []
    with database.sessions() as session:
        rows = session.execute(select(NumberEntry.notation, NumberEntry.number)).all()
    assert len(rows) == total
    for notation in {notation for notation, _ in rows}:
        numbers = sorted(number for each, number in rows if each == notation)
        assert numbers == list(range(1, len(numbers) + 1)), f"gap or duplicate in {notation}"


@pytest.mark.slow
def test_eight_processes_on_one_sqlite_file(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    database = Database(sqlite_url, engine, make_session_factory(engine))
    issuer_id = seed_issuer(database, make_config())
    processes, per_process = 8, 250
    with multiprocessing.get_context("spawn").Pool(processes) as pool:
        results = pool.starmap(
            allocate_many,
            [(sqlite_url, issuer_id, per_process, worker) for worker in range(processes)],
        )
    assert_complete_series(
        database, [n for result in results for n in result], processes * per_process
    )
    engine.dispose()


@pytest.mark.slow
def test_sixteen_connections_on_postgresql(postgres_url: str) -> None:
    engine = make_engine(postgres_url)
    database = Database(postgres_url, engine, make_session_factory(engine))
    issuer_id = seed_issuer(database, make_config())
    connections, per_connection = 16, 250
    with ThreadPoolExecutor(max_workers=connections) as pool:
        results = list(
            pool.map(
                lambda worker: allocate_many(postgres_url, issuer_id, per_connection, worker),
                range(connections),
            )
        )
    assert_complete_series(
        database, [n for result in results for n in result], connections * per_connection
    )
    engine.dispose()
