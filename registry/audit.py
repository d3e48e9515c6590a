"""The audit trail: one row per action, added in the transaction of the change it records,
each carrying the hash of the one before (a hash chain, checked by ``sovanban audit verify``).
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy.orm import Session

from .models import AuditEvent, AuditHead, Document

__all__ = ["GENESIS", "AuditAction", "event_hash", "hash_of", "record_event"]

GENESIS = "0" * 64  # the "previous hash" of the first event


class AuditAction(StrEnum):
    """Every action the trail records, as ``subject:verb`` (stored as the text)."""

    ARCHIVE_CHECK = "archive:check"
    ARCHIVE_CHECK_BLOBS = "archive:check-blobs"
    ARCHIVE_EXTEND = "archive:extend"
    ARCHIVE_EXTEND_FAILED = "archive:extend-failed"
    AUDIT_SEAL = "audit:seal"
    AUDIT_WITNESS_FAILED = "audit:witness-failed"
    CONFIG_APPLY = "config:apply"
    DOCUMENT_ATTACH = "document:attach"
    DOCUMENT_COMMENT = "document:comment"
    DOCUMENT_DELIVERY_STATUS = "document:delivery-status"
    DOCUMENT_IMPORT = "document:import"
    DOCUMENT_IMPORT_REFUSED = "document:import-refused"
    DOCUMENT_ISSUE = "document:issue"
    DOCUMENT_ISSUE_FAILED = "document:issue-failed"
    DOCUMENT_PREPARE = "document:prepare"
    DOCUMENT_REGISTER = "document:register"
    DOCUMENT_RETURN = "document:return"
    DOCUMENT_REVISE = "document:revise"
    DOCUMENT_SEND_NEW = "document:send-new"
    DOCUMENT_SEND_RECALL = "document:send-recall"
    DOCUMENT_SEND_REPLACE = "document:send-replace"
    DOCUMENT_SEND_FAILED = "document:send-failed"
    DOCUMENT_SIGN = "document:sign"
    DOCUMENT_SIGN_FAILED = "document:sign-failed"
    DOCUMENT_VERIFY = "document:verify"
    DOCUMENT_WITHDRAW = "document:withdraw"
    HANDOFF_SIGN = "handoff:sign"
    HANDOFF_ISSUE = "handoff:issue"
    HANDOFF_ACCEPTED_SIGN = "handoff:accepted-sign"
    HANDOFF_ACCEPTED_ISSUE = "handoff:accepted-issue"
    HANDOFF_REFUSED = "handoff:refused"
    ORGAN_SAVE = "organ:save"
    REGISTER_EXPORT = "register:export"
    SERIES_CLOSE = "series:close"
    TOKEN_CREATE = "token:create"
    TOKEN_REVOKE = "token:revoke"
    USER_ACTIVATE = "user:activate"
    USER_ADD = "user:add"
    USER_DEACTIVATE = "user:deactivate"
    USER_CERTIFICATE = "user:certificate"
    USER_LOGIN = "user:login"
    USER_LOGIN_FAILED = "user:login-failed"
    USER_LOGIN_LOCKED = "user:login-locked"
    USER_LOGOUT = "user:logout"
    USER_PROFILE = "user:profile"
    USER_PASSWORD = "user:password"
    USER_ROLES = "user:roles"
    USER_ROLES_APPROVED = "user:roles-approved"
    USER_ROLES_PENDING = "user:roles-pending"


def event_hash(
    *,
    seq: int,
    occurred_at: datetime,
    actor: str,
    action: str,
    document_id: int | None,
    details: dict[str, Any],
    prev_hash: str,
) -> str:
    """SHA-256 over a canonical JSON of the event (chain format 1)."""
    canonical = json.dumps(
        {
            "v": 1,
            "seq": seq,
            "at": occurred_at.astimezone(UTC).isoformat(timespec="microseconds"),
            "actor": actor,
            "action": action,
            "document": document_id,
            "details": details,
            "prev": prev_hash,
        },
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def hash_of(event: AuditEvent) -> str:
    """The hash ``event`` must carry, from what it holds."""
    return event_hash(
        seq=event.seq,
        occurred_at=event.occurred_at,
        actor=event.actor,
        action=event.action,
        document_id=event.document_id,
        details=event.details,
        prev_hash=event.prev_hash,
    )


def record_event(
    session: Session,
    *,
    actor: str,
    action: AuditAction,
    document: Document | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append an event; ``action`` reads ``subject:verb`` (``document:register``).

    The head row is locked (FOR UPDATE on PostgreSQL; SQLite's writers queue anyway), so
    concurrent transactions append one after the other and never fork the chain.
    """
    head = session.get(AuditHead, 1, with_for_update=True)
    if head is None:
        head = AuditHead(id=1, seq=0, hash=GENESIS)
        session.add(head)
    # Stored JSON comes back with the same keys and values; hash what will be read back.
    clean: dict[str, Any] = json.loads(json.dumps(details or {}, ensure_ascii=False))
    event = AuditEvent(
        seq=head.seq + 1,
        occurred_at=datetime.now(UTC),
        actor=actor,
        action=str(action),
        document_id=document.id if document is not None else None,
        details=clean,
        prev_hash=head.hash,
    )
    event.hash = hash_of(event)
    session.add(event)
    head.seq, head.hash = event.seq, event.hash
    return event
