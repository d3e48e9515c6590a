"""The jobs by name: each does its long part (reading, hashing, verifying) outside any
write, then hands back its last change, made in the transaction that marks it done."""

from __future__ import annotations

import os
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...audit import AuditAction, record_event
from ...instance import Instance
from ...models import AuditEvent, AuditHead, AuditSeal, Document, DocumentFile, DocumentStatus
from ..archive.audit_chain import check_instance_chain, seal_instance_head
from ..archive.integrity import check_blobs
from ..archive.sweep import Findings, check_document
from ..issuing.steps import extend_document
from ..notifying.mail import deliver_mail
from ..setup.signing_tools import SigningTools, signing_tools, timestamping_secret
from ..setup.trust import instance_trust_store
from .book_export import BOOK_EXPORT, export_book_job
from .runner import Failed, Finish, JobContext, Task
from .sending import SEND, send, send_failed

__all__ = ["BOOK_EXPORT", "FAILED", "SEAL", "SEND", "TASKS", "seal_due"]

SEAL = "audit.seal"
MAIL = "mail.deliver"
CHECK_BLOBS = "archive.check_blobs"
CHECK_CHAIN = "audit.check_chain"
SWEEP = "archive.sweep"
CHECK_DOCUMENT = "archive.check_document"
RENEWAL_DAYS = 90  # archive copies renewed when their timestamp authority expires sooner


@cache
def _tools(instance: Instance) -> SigningTools:
    """The timestamp service and archive context of the instance (once per process)."""
    variable = timestamping_secret(instance)
    passphrase = os.environ.get(variable, "") if variable else ""
    return signing_tools(instance, passphrase.encode() if passphrase else None)


def seal_due(session: Session) -> bool:
    """Something happened since the newest seal (its own record aside)."""
    head = session.get(AuditHead, 1)
    if head is None:
        return False
    newest = session.scalar(select(func.max(AuditSeal.seq)))
    if newest is None:
        return True
    quiet = (AuditAction.AUDIT_SEAL.value, AuditAction.AUDIT_WITNESS_FAILED.value)
    since = select(func.count()).where(AuditEvent.seq > newest, AuditEvent.action.not_in(quiet))
    return bool(session.scalar(since))


def seal(context: JobContext) -> Finish:
    instance = context.instance
    tools = _tools(instance)

    def finish(session: Session) -> dict[str, Any]:
        session.get(AuditHead, 1, with_for_update=True)  # decided under the head's lock
        if not seal_due(session):
            return {"sealed": False}
        made = seal_instance_head(session, instance, tools.timestamper, actor=context.actor)
        return {"sealed": True, "seq": made.seq}

    return finish


def mail(context: JobContext) -> Finish:
    instance = context.instance
    run = deliver_mail(instance.sessions, instance.config, instance.folder)
    outcome = {
        "sent": run.sent,
        "retried": run.retried,
        "failed": run.failed,
        "expired_handoffs": run.expired_handoffs,
    }
    return lambda _session: outcome


def check_all_blobs(context: JobContext) -> Finish:
    """Re-hash every stored revision, saying how far it is; the result lists problems."""
    instance = context.instance
    problems: list[dict[str, Any]] = []
    checked = 0
    with instance.reading_sessions() as session:
        total = session.scalar(select(func.count()).select_from(DocumentFile)) or 0
        context.progress(0, total)
        for checked, problem in check_blobs(session, instance.blobs):
            if problem is not None:
                problems.append(asdict(problem))
            context.progress(checked, total)

    def finish(session: Session) -> dict[str, Any]:
        details = {"checked": checked, "problems": len(problems)}
        record_event(
            session, actor=context.actor, action=AuditAction.ARCHIVE_CHECK_BLOBS, details=details
        )
        return {"checked": checked, "problems": problems}

    return finish


def check_chain(context: JobContext) -> Finish:
    instance = context.instance
    trust = instance_trust_store(instance)
    context.progress(0, 0)
    with instance.reading_sessions() as session:
        report = check_instance_chain(
            session, instance, context=lambda: trust.validation_context(allow_empty=True)
        )
    outcome = {
        "intact": report.intact,
        "events": report.events,
        "last_seq": report.last_seq,
        "seals": report.seals,
        "problems": [asdict(problem) for problem in report.problems],
    }
    return lambda _session: outcome


def sweep(context: JobContext) -> Finish:
    """The nightly sweep: a job per issued document, asked for in one go."""
    with context.instance.reading_sessions() as session:
        documents = list(
            session.scalars(
                select(Document.id)
                .where(Document.status == DocumentStatus.ISSUED)
                .order_by(Document.id)
            )
        )

    def finish(session: Session) -> dict[str, Any]:
        for document_id in documents:
            context.ask(session, CHECK_DOCUMENT, {"document_id": document_id})
        return {"documents": len(documents)}

    return finish


def check_one_document(context: JobContext, document_id: int) -> Finish:
    """Verify an issued document again; renew its archive copy (B-LTA) when due."""
    instance = context.instance
    horizon = datetime.now(UTC) + timedelta(days=RENEWAL_DAYS)
    found = Findings()
    with instance.reading_sessions() as session:
        document = session.get(Document, document_id)
        label = f"#{document_id}"
        if document is not None:
            label = document.number.rendered if document.number else label
            check_document(session, instance, document, horizon, found)

    def finish(session: Session) -> dict[str, Any]:
        renewed = False
        if found.needs_archive and not found.failed:
            renewing = session.get(Document, document_id)
            assert renewing is not None
            renewed = extend_document(
                session, instance.blobs, renewing, _tools(instance), actor=context.actor
            )
        return {
            "document": label,
            "failed": [failure.reason for failure in found.failed],
            "disagreements": [d.problem for d in found.disagreements],
            "expiring": sorted(cert.subject for cert, _ in found.expiring.values()),
            "renewed": renewed,
        }

    return finish


TASKS: dict[str, Task] = {
    SEAL: seal,
    MAIL: mail,
    CHECK_BLOBS: check_all_blobs,
    CHECK_CHAIN: check_chain,
    SWEEP: sweep,
    CHECK_DOCUMENT: check_one_document,
    SEND: send,
    BOOK_EXPORT: export_book_job,
}

# What a task records once its run has failed for good.
FAILED: dict[str, Failed] = {SEND: send_failed}
