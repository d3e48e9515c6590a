"""The audit trail's hash chain on SQLite and PostgreSQL: every kind of tampering is found
and said where; seals (RFC 3161 timestamps over the head) catch a rewritten tail."""

from __future__ import annotations

import stat
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from pyhanko_certvalidator import ValidationContext
from sqlalchemy import select, text

from certs.trust import TrustStore
from registry.audit import GENESIS, AuditAction, hash_of, record_event
from registry.models import AuditEvent, AuditHead
from registry.services.archive.audit_anchors import read_anchors
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
    assert [(p.seq, p.kind) for p in problems] == [(EVENTS, "truncated"), (EVENTS, "seal")]
    assert "no audit:seal event records it" in problems[1].message


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
    assert {p.kind for p in problems} == {"seal"}
    messages = " | ".join(p.message for p in problems)
    assert "does not cover this head" in messages
    assert "no audit:seal event records it" in messages  # the seal moved off its event
    assert f"records a seal over #{EVENTS} that is no longer there" in messages


def _rewrite_from(database: Database, seq: int, actor: str) -> None:
    """What an insider with write access does: change an event, recompute every hash after
    it and the head, so that the chain itself is consistent again."""
    with database.sessions.begin() as session:
        events = session.scalars(select(AuditEvent).order_by(AuditEvent.seq)).all()
        previous = GENESIS
        for event in events:
            if event.seq == seq:
                event.actor = actor
            event.prev_hash = previous
            event.hash = hash_of(event)
            previous = event.hash
        head = session.get(AuditHead, 1)
        assert head is not None
        head.seq, head.hash = events[-1].seq, previous


def _sealed(database: Database, stamper: LocalTimeStamper, anchors: Path) -> None:
    with database.sessions.begin() as session:
        seal_head(session, stamper, actor="kiemsoat", anchor_file=anchors)


def test_deleting_the_seals_of_a_rewritten_chain_shows(
    chain: Database, running_pki: RunningPki, tmp_path: Path
) -> None:
    stamper = LocalTimeStamper(running_pki.services.tsa)
    _sealed(chain, stamper, tmp_path / "anchors.log")
    _rewrite_from(chain, 3, "ke-gian")
    _run(chain, "DELETE FROM audit_seals")
    problems = _verify(chain).problems
    assert [(p.seq, p.kind) for p in problems] == [(EVENTS, "seal")]
    assert "no longer there (deleted)" in problems[0].message


def test_a_rewritten_chain_sealed_again_disagrees_with_the_anchor_outside(
    chain: Database, running_pki: RunningPki, tmp_path: Path
) -> None:
    """The insider also removes the seal and its event, recomputes everything and seals
    the new head through the timestamp service: only the anchor file still knows."""
    stamper = LocalTimeStamper(running_pki.services.tsa)
    anchors = tmp_path / "anchors.log"
    _sealed(chain, stamper, anchors)
    assert anchors.read_text().count("\n") == 1
    _run(chain, "DELETE FROM audit_seals", f"DELETE FROM audit_events WHERE seq = {EVENTS + 1}")
    _rewrite_from(chain, 3, "ke-gian")
    with chain.sessions.begin() as session:
        seal_head(session, stamper, actor="kiemsoat")  # re-sealed, not anchored
    assert _verify(chain).intact  # the database alone tells nothing
    log = read_anchors(anchors)
    with chain.sessions() as session:
        report = verify_chain(session, anchors=log.anchors)
    assert [(p.seq, p.kind) for p in report.problems] == [(EVENTS, "anchor")]
    assert "rewritten in the database" in report.problems[0].message


def test_a_head_sealed_later_than_its_event_says_is_reported(
    chain: Database, running_pki: RunningPki, tmp_path: Path
) -> None:
    stamper = LocalTimeStamper(running_pki.services.tsa)
    _sealed(chain, stamper, tmp_path / "anchors.log")
    # Back-date the seal's event by a day (and recompute): its timestamp cannot be moved.
    with chain.sessions.begin() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.seq == EVENTS + 1)).one()
        event.occurred_at = event.occurred_at - timedelta(days=1)
    _rewrite_from(chain, 0, "")
    problems = _verify(chain).problems
    assert [(p.seq, p.kind) for p in problems] == [(EVENTS, "seal")]
    assert "sealed again later" in problems[0].message


def test_the_anchor_file_is_appended_never_rewritten(
    chain: Database, running_pki: RunningPki, tmp_path: Path
) -> None:
    stamper = LocalTimeStamper(running_pki.services.tsa)
    anchors = tmp_path / "anchors.log"
    _sealed(chain, stamper, anchors)
    first = anchors.read_bytes()
    _sealed(chain, stamper, anchors)
    assert anchors.read_bytes().startswith(first)
    log = read_anchors(anchors)
    assert [a.seq for a in log.anchors] == [EVENTS, EVENTS + 1] and log.unreadable == ()
    assert stat.S_IMODE(anchors.stat().st_mode) == 0o600
    with chain.sessions() as session:
        assert verify_chain(session, anchors=log.anchors).intact
