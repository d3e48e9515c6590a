"""The audit trail's hash chain on SQLite and PostgreSQL: every kind of tampering is found
and said where; seals (RFC 3161 timestamps over the head) catch a rewritten tail."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from pyhanko_certvalidator import ValidationContext
from sqlalchemy import text

from certs.trust import TrustStore
from registry.audit import AuditAction, record_event
from registry.services.archive.audit_chain import ChainReport, seal_head, verify_chain
from signing.timestamps import LocalTimeStamper
from tests.support.database import Database
from tests.support.pki import RunningPki

EVENTS = 8


@pytest.fixture
def chain(database: Database) -> Database:
    for index in range(1, EVENTS + 1):
        with database.sessions.begin() as session:
            record_event(
                session,
                actor="vanthu",
                action=AuditAction.DOCUMENT_REGISTER,
                details={"n": index, "subject": f"Thông báo số {index}", "đ": ["Đảng ủy", 1.5]},
            )
    return database


def _verify(
    database: Database, context: Callable[[], ValidationContext] | None = None
) -> ChainReport:
    with database.sessions() as session:
        return verify_chain(session, context=context)


def _run(database: Database, *statements: str) -> None:
    with database.engine.begin() as connection:
        for statement in statements:
            connection.execute(text(statement))


def test_an_untouched_chain_is_intact(chain: Database) -> None:
    report = _verify(chain)
    assert report.intact and report.events == EVENTS and report.last_seq == EVENTS


def test_an_edited_event_is_found(chain: Database) -> None:
    _run(chain, "UPDATE audit_events SET actor = 'ke-gian' WHERE seq = 3")
    problems = _verify(chain).problems
    assert [(p.seq, p.kind) for p in problems] == [(3, "altered")]
    assert "event #3" in problems[0].message


def test_an_edited_hash_breaks_the_next_link(chain: Database) -> None:
    _run(chain, "UPDATE audit_events SET details = '{\"n\": 99}', hash = 'ff' WHERE seq = 5")
    kinds = {(p.seq, p.kind) for p in _verify(chain).problems}
    assert (5, "altered") in kinds and (6, "broken_link") in kinds


def test_a_deleted_event_is_found(chain: Database) -> None:
    _run(chain, "DELETE FROM audit_events WHERE seq = 4")
    kinds = {(p.seq, p.kind) for p in _verify(chain).problems}
    assert kinds == {(5, "missing"), (5, "broken_link")}


def test_an_inserted_event_is_found(chain: Database) -> None:
    _run(
        chain,
        "UPDATE audit_events SET seq = seq + 100 WHERE seq >= 4",
        "UPDATE audit_events SET seq = seq - 99 WHERE seq >= 104",
        "INSERT INTO audit_events (seq, occurred_at, actor, action, details, prev_hash, hash) "
        "SELECT 4, occurred_at, 'ke-gian', 'document:issue', '{}', hash, hash "
        "FROM audit_events WHERE seq = 3",
    )
    kinds = {(p.seq, p.kind) for p in _verify(chain).problems}
    # The forged event does not match its hash, and the events pushed down no longer
    # match theirs (their place in the sequence is part of what is hashed).
    assert (4, "altered") in kinds and (5, "altered") in kinds and (EVENTS + 1, "altered") in kinds


def test_reordered_events_are_found(chain: Database) -> None:
    _run(
        chain,
        "UPDATE audit_events SET seq = 100 WHERE seq = 2",
        "UPDATE audit_events SET seq = 2 WHERE seq = 6",
        "UPDATE audit_events SET seq = 6 WHERE seq = 100",
    )
    seqs = {p.seq for p in _verify(chain).problems}
    assert {2, 3, 6, 7} <= seqs


def test_a_truncated_chain_is_found_by_its_head(chain: Database) -> None:
    _run(chain, f"DELETE FROM audit_events WHERE seq > {EVENTS - 2}")
    problems = _verify(chain).problems
    assert [(p.seq, p.kind) for p in problems] == [(EVENTS - 2, "truncated")]


def test_a_seal_catches_a_truncation_that_also_rewrote_the_head(
    chain: Database, running_pki: RunningPki
) -> None:
    stamper = LocalTimeStamper(running_pki.services.tsa)
    trust = TrustStore.from_paths(anchors=[running_pki.pki.folder / "root-ca.pem"])
    with chain.sessions.begin() as session:
        seal_head(session, stamper, actor="kiemsoat")
    report = _verify(chain, trust.validation_context)
    assert report.intact and report.seals == 1 and report.events == EVENTS + 1
    # Cut the last events and make the head agree: only the seal can tell.
    _run(
        chain,
        f"DELETE FROM audit_events WHERE seq > {EVENTS - 3}",
        "UPDATE audit_head SET seq = (SELECT MAX(seq) FROM audit_events), "
        "hash = (SELECT hash FROM audit_events WHERE seq = (SELECT MAX(seq) FROM audit_events))",
    )
    problems = _verify(chain, trust.validation_context).problems
    assert [(p.seq, p.kind) for p in problems] == [(EVENTS, "truncated")]


def test_a_forged_seal_is_refused(chain: Database, running_pki: RunningPki) -> None:
    stamper = LocalTimeStamper(running_pki.services.tsa)
    with chain.sessions.begin() as session:
        seal_head(session, stamper, actor="kiemsoat")
    _run(
        chain,
        "UPDATE audit_seals SET hash = (SELECT hash FROM audit_events WHERE seq = 2), seq = 2",
    )
    trust = TrustStore.from_paths(anchors=[running_pki.pki.folder / "root-ca.pem"])
    problems = _verify(chain, trust.validation_context).problems
    assert [p.kind for p in problems] == ["seal"]
    assert "does not cover this head" in problems[0].message
