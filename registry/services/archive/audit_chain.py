"""Checking the audit trail's hash chain, and sealing its head with an RFC 3161 timestamp.

``verify_chain`` says where the chain breaks: an edited event no longer matches its hash;
a deleted, inserted or moved event breaks the link to the one before or leaves a gap in the
sequence; events cut from the end disagree with the head row and with the last seal.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from pyhanko.sign.timestamps import TimeStamper
from pyhanko_certvalidator import ValidationContext
from sqlalchemy import select
from sqlalchemy.orm import Session

from basics.text import iso_vietnam
from signing.timestamps import timestamp_token, token_problem

from ...audit import GENESIS, AuditAction, hash_of, record_event
from ...models import AuditEvent, AuditHead, AuditSeal

__all__ = ["ChainProblem", "ChainReport", "seal_digest", "seal_head", "verify_chain"]


@dataclass(frozen=True)
class ChainProblem:
    seq: int | None
    kind: str  # altered, missing, out_of_order, broken_link, truncated, seal
    message: str


@dataclass(frozen=True)
class ChainReport:
    events: int
    last_seq: int
    seals: int
    problems: tuple[ChainProblem, ...]

    @property
    def intact(self) -> bool:
        return not self.problems


def seal_digest(seq: int, head_hash: str) -> bytes:
    """What a seal's timestamp covers: the position and hash of the head."""
    return hashlib.sha256(f"sovanban-audit-head:{seq}:{head_hash}".encode("ascii")).digest()


def seal_head(session: Session, timestamper: TimeStamper, *, actor: str) -> AuditSeal:
    """Timestamp the chain's head now; the seal is itself recorded as an event."""
    head = session.get(AuditHead, 1, with_for_update=True)
    seq, head_hash = (head.seq, head.hash) if head is not None else (0, GENESIS)
    token = timestamp_token(timestamper, seal_digest(seq, head_hash))
    seal = AuditSeal(seq=seq, hash=head_hash, sealed_at=datetime.now(UTC), token=token)
    session.add(seal)
    record_event(
        session, actor=actor, action=AuditAction.AUDIT_SEAL, details={"seq": seq, "hash": head_hash}
    )
    return seal


def verify_chain(
    session: Session, *, context: Callable[[], ValidationContext] | None = None
) -> ChainReport:
    """Walk the chain in sequence order; ``context`` (when given) also checks the seals'
    timestamps against the trust store."""
    seals = session.scalars(select(AuditSeal).order_by(AuditSeal.seq, AuditSeal.id)).all()
    wanted = {seal.seq for seal in seals}
    hash_at: dict[int, str] = {0: GENESIS}
    problems: list[ChainProblem] = []
    expected, previous, count, last = 1, GENESIS, 0, 0
    for event in session.scalars(
        select(AuditEvent).order_by(AuditEvent.seq).execution_options(yield_per=1000)
    ):
        count += 1
        if event.seq > expected:
            problems.append(
                ChainProblem(
                    event.seq,
                    "missing",
                    f"events #{expected}–#{event.seq - 1} are missing (deleted)",
                )
            )
        elif event.seq < expected:
            problems.append(ChainProblem(event.seq, "out_of_order", f"event #{event.seq} repeats"))
        if event.prev_hash != previous:
            problems.append(
                ChainProblem(
                    event.seq,
                    "broken_link",
                    f"event #{event.seq} ({event.action}, {iso_vietnam(event.occurred_at)}) does "
                    "not follow the event before it: one was deleted, inserted or moved there",
                )
            )
        if hash_of(event) != event.hash:
            problems.append(
                ChainProblem(
                    event.seq,
                    "altered",
                    f"event #{event.seq} ({event.action} by {event.actor}) was altered: "
                    "its content no longer matches its hash",
                )
            )
        if event.seq in wanted:
            hash_at[event.seq] = event.hash
        previous, expected, last = event.hash, event.seq + 1, event.seq
    head = session.get(AuditHead, 1)
    if head is not None and (head.seq != last or head.hash != previous):
        problems.append(
            ChainProblem(
                last,
                "truncated",
                f"the chain ends at #{last}, but its head records #{head.seq}: "
                "events were removed from the end or the head was rewritten",
            )
        )
    for seal in seals:
        where = f"the seal of {iso_vietnam(seal.sealed_at)} over #{seal.seq}"
        if seal.seq > last:
            problems.append(
                ChainProblem(seal.seq, "truncated", f"{where}: the chain now ends at #{last}")
            )
        elif hash_at.get(seal.seq) != seal.hash:
            problems.append(
                ChainProblem(seal.seq, "seal", f"{where}: the chain up to there was rewritten")
            )
        if context is not None:
            why = token_problem(seal.token, seal_digest(seal.seq, seal.hash), context())
            if why:
                problems.append(ChainProblem(seal.seq, "seal", f"{where}: {why}"))
    return ChainReport(count, last, len(seals), tuple(problems))
