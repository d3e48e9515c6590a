"""Checking the audit trail's hash chain, and sealing its head with an RFC 3161 timestamp.

``verify_chain`` says where the chain breaks: an edited event no longer matches its hash;
a deleted, inserted or moved event breaks the link to the one before or leaves a gap in the
sequence; events cut from the end disagree with the head row and with the last seal.

Against someone who can write the database (and so recompute every hash and the head): each
seal must have its ``audit:seal`` event right after the head it sealed and the reverse, its
timestamp's time must be the time of that event (a head sealed again later shows), and the
chain must pass through every head anchored outside the database (audit_anchors.py).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pyhanko.sign.timestamps import TimeStamper
from pyhanko_certvalidator import ValidationContext
from sqlalchemy import select
from sqlalchemy.orm import Session

from basics.text import iso_vietnam
from signing.timestamps import timestamp_token, token_problem, token_time

from ...audit import GENESIS, AuditAction, hash_of, record_event
from ...instance import Instance, resolve_path
from ...models import AuditEvent, AuditHead, AuditSeal
from .audit_anchors import Anchor, WitnessError, append_anchor, read_anchors, tell_witness

__all__ = [
    "ChainProblem",
    "ChainReport",
    "anchor_path",
    "check_instance_chain",
    "seal_digest",
    "seal_head",
    "seal_instance_head",
    "verify_chain",
]


@dataclass(frozen=True)
class ChainProblem:
    seq: int | None
    kind: str  # altered, missing, out_of_order, broken_link, truncated, seal, anchor
    message: str


# How far a seal's timestamp may be from the time its own event records (clock skew).
SEAL_SKEW = timedelta(minutes=10)


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


def seal_head(
    session: Session,
    timestamper: TimeStamper,
    *,
    actor: str,
    anchor_file: Path | None = None,
    witness_url: str = "",
) -> AuditSeal:
    """Timestamp the chain's head now; the seal is itself recorded as an event, and the
    head appended to ``anchor_file`` and sent to the witness (a witness that does not
    answer is recorded, and the seal stands)."""
    head = session.get(AuditHead, 1, with_for_update=True)
    seq, head_hash = (head.seq, head.hash) if head is not None else (0, GENESIS)
    token = timestamp_token(timestamper, seal_digest(seq, head_hash))
    seal = AuditSeal(seq=seq, hash=head_hash, sealed_at=datetime.now(UTC), token=token)
    session.add(seal)
    record_event(
        session, actor=actor, action=AuditAction.AUDIT_SEAL, details={"seq": seq, "hash": head_hash}
    )
    if anchor_file is not None:
        append_anchor(anchor_file, seal)
    if witness_url:
        try:
            tell_witness(witness_url, seal)
        except WitnessError as exc:
            record_event(
                session,
                actor=actor,
                action=AuditAction.AUDIT_WITNESS_FAILED,
                details={"seq": seq, "reason": exc.message},
            )
    return seal


def anchor_path(instance: Instance) -> Path:
    return resolve_path(instance.folder, instance.config.audit.anchor_file)


def seal_instance_head(
    session: Session, instance: Instance, timestamper: TimeStamper, *, actor: str
) -> AuditSeal:
    """Seal the head, anchored in the instance's file and sent to its witness (if any)."""
    audit = instance.config.audit
    return seal_head(
        session,
        timestamper,
        actor=actor,
        anchor_file=anchor_path(instance),
        witness_url=audit.witness_url,
    )


def check_instance_chain(
    session: Session, instance: Instance, *, context: Callable[[], ValidationContext] | None
) -> ChainReport:
    """The whole chain against its seals and the heads anchored in the instance's file."""
    log = read_anchors(anchor_path(instance))
    report = verify_chain(session, context=context, anchors=log.anchors)
    unreadable = [
        ChainProblem(None, "anchor", f"line {n} of the anchor file is not an anchor (edited?)")
        for n in log.unreadable
    ]
    return ChainReport(
        report.events, report.last_seq, report.seals, (*report.problems, *unreadable)
    )


def verify_chain(
    session: Session,
    *,
    context: Callable[[], ValidationContext] | None = None,
    anchors: Sequence[Anchor] = (),
) -> ChainReport:
    """Walk the chain in sequence order; ``context`` (when given) also checks the seals'
    timestamps against the trust store; ``anchors``: the heads kept outside the database."""
    seals = session.scalars(select(AuditSeal).order_by(AuditSeal.seq, AuditSeal.id)).all()
    wanted = {seal.seq for seal in seals} | {a.seq for a in anchors}
    seal_events: dict[int, AuditEvent] = {}  # the seq each audit:seal event says it sealed
    times: dict[int, datetime] = {}
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
            times[event.seq] = event.occurred_at
        if event.action == AuditAction.AUDIT_SEAL and isinstance(event.details, dict):
            sealed = event.details.get("seq")
            if isinstance(sealed, int):
                seal_events[sealed] = event
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
        problems += _seal_against_its_event(seal, seal_events.get(seal.seq), times, where)
    sealed = {(seal.seq, seal.hash) for seal in seals}
    for seq, event in sorted(seal_events.items()):
        if (seq, event.details.get("hash")) not in sealed:
            message = f"event #{event.seq} records a seal over #{seq} that is no longer there"
            problems.append(ChainProblem(seq, "seal", message + " (deleted)"))
    problems += _against_anchors(anchors, hash_at, last)
    return ChainReport(count, last, len(seals), tuple(problems))


def _seal_against_its_event(
    seal: AuditSeal, event: AuditEvent | None, times: dict[int, datetime], where: str
) -> list[ChainProblem]:
    if event is None or event.details.get("hash") != seal.hash:
        return [ChainProblem(seal.seq, "seal", f"{where}: no audit:seal event records it")]
    stamped = token_time(seal.token)
    if stamped is None:
        return []  # the token check above says why it cannot be read
    problems = []
    if abs(stamped - event.occurred_at) > SEAL_SKEW:
        problems.append(
            ChainProblem(
                seal.seq,
                "seal",
                f"{where}: its timestamp says {iso_vietnam(stamped)}, its event "
                f"{iso_vietnam(event.occurred_at)}: the head was sealed again later",
            )
        )
    sealed_event_time = times.get(seal.seq)
    if sealed_event_time is not None and stamped < sealed_event_time - SEAL_SKEW:
        problems.append(
            ChainProblem(
                seal.seq, "seal", f"{where}: its timestamp is older than the event it seals"
            )
        )
    return problems


def _against_anchors(
    anchors: Sequence[Anchor], hash_at: dict[int, str], last: int
) -> list[ChainProblem]:
    problems = []
    for anchor in anchors:
        when = iso_vietnam(anchor.sealed_at)
        where = f"the head #{anchor.seq} anchored outside the database on {when}"
        if anchor.seq > last:
            problems.append(
                ChainProblem(anchor.seq, "truncated", f"{where}: the chain now ends at #{last}")
            )
        elif hash_at.get(anchor.seq) != anchor.hash:
            problems.append(
                ChainProblem(
                    anchor.seq,
                    "anchor",
                    f"{where}: the chain up to there is not that one (rewritten in the database)",
                )
            )
    return problems
