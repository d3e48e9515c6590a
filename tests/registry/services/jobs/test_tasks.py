"""Each job that moved to the background, run as the queue runs it: sealing (never twice for
the same head), re-hashing the store with its progress, checking the chain, the nightly
sweep (a job per issued document, archive copies renewed when due) and the mail."""

from __future__ import annotations

from sqlalchemy import func, select

from registry.audit import AuditAction, record_event
from registry.instance import Instance
from registry.models import AuditEvent, AuditSeal, DocumentFile, FileKind, JobRun, JobState
from registry.services.jobs import tasks
from registry.services.jobs.queue import run_now, wait_for
from tests.support.storage import local_blobs


def _newest(instance: Instance, task: str) -> JobRun:
    with instance.reading_sessions() as session:
        run = session.scalars(
            select(JobRun).where(JobRun.task == task).order_by(JobRun.id.desc()).limit(1)
        ).one()
        session.expunge(run)
        return run


def _count(instance: Instance, model: type[object]) -> int:
    with instance.reading_sessions() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_the_seal_is_made_once_per_head(local_jobs: Instance) -> None:
    with local_jobs.sessions.begin() as session:
        record_event(session, actor="test", action=AuditAction.CONFIG_APPLY, details={"n": 1})
    seals = _count(local_jobs, AuditSeal)
    assert run_now(local_jobs, tasks.SEAL, actor="service") is JobState.DONE
    assert _newest(local_jobs, tasks.SEAL).result["sealed"] is True
    assert run_now(local_jobs, tasks.SEAL, actor="service") is JobState.DONE
    assert _newest(local_jobs, tasks.SEAL).result == {"sealed": False}  # nothing happened since
    assert _count(local_jobs, AuditSeal) == seals + 1
    with local_jobs.sessions.begin() as session:
        record_event(session, actor="test", action=AuditAction.CONFIG_APPLY, details={"n": 2})
    run_now(local_jobs, tasks.SEAL, actor="service")
    assert _newest(local_jobs, tasks.SEAL).result["sealed"] is True
    assert _count(local_jobs, AuditSeal) == seals + 2


def test_rehashing_the_store_reports_progress_and_what_it_found(local_jobs: Instance) -> None:
    files = _count(local_jobs, DocumentFile)
    run_now(local_jobs, tasks.CHECK_BLOBS, actor="kiemsoat")
    clean = _newest(local_jobs, tasks.CHECK_BLOBS)
    assert (clean.done, clean.total) == (files, files)
    assert clean.result == {"checked": files, "problems": []}
    with local_jobs.reading_sessions() as session:
        event = session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1)).one()
        draft = session.scalars(
            select(DocumentFile).where(DocumentFile.kind == FileKind.DRAFT).limit(1)
        ).one()
    assert event.action == AuditAction.ARCHIVE_CHECK_BLOBS.value and event.actor == "kiemsoat"
    path = local_blobs(local_jobs).path_for(draft.sha256)
    original = path.read_bytes()
    path.chmod(0o600)
    path.write_bytes(original[:-10])
    try:
        run_now(local_jobs, tasks.CHECK_BLOBS, actor="kiemsoat")
        (problem,) = _newest(local_jobs, tasks.CHECK_BLOBS).result["problems"]
    finally:
        path.write_bytes(original)
    assert problem["sha256"] == draft.sha256 and "corrupted" in problem["problem"]


def test_the_chain_check_runs_in_the_background(local_jobs: Instance) -> None:
    run_now(local_jobs, tasks.CHECK_CHAIN, actor="kiemsoat")
    result = _newest(local_jobs, tasks.CHECK_CHAIN).result
    assert result["intact"] is True and result["problems"] == []


def test_the_nightly_sweep_checks_each_issued_document_in_a_job_of_its_own(
    local_jobs: Instance,
) -> None:
    run_now(local_jobs, tasks.SWEEP, actor="service")
    assert _newest(local_jobs, tasks.SWEEP).result == {"documents": 1}
    checked = wait_for(local_jobs, _newest(local_jobs, tasks.CHECK_DOCUMENT).id, 120)
    assert checked.state is JobState.DONE, checked.error
    assert checked.result["document"] == "01-TB/ĐUK"
    assert checked.result["failed"] == [] and checked.result["disagreements"] == []
    assert checked.result["renewed"] is False  # its timestamp authority lives five years


def test_an_archive_copy_due_for_renewal_is_renewed_once(local_jobs: Instance) -> None:
    archives = _archive_copies(local_jobs)
    previous = tasks.RENEWAL_DAYS
    tasks.RENEWAL_DAYS = 4000  # the authority's certificate now counts as expiring
    try:
        state = run_now(local_jobs, tasks.CHECK_DOCUMENT, actor="service", document_id=1)
    finally:
        tasks.RENEWAL_DAYS = previous
    assert state is JobState.DONE
    result = _newest(local_jobs, tasks.CHECK_DOCUMENT).result
    assert result["renewed"] is True and result["expiring"]
    assert _archive_copies(local_jobs) == archives + 1


def _archive_copies(instance: Instance) -> int:
    with instance.reading_sessions() as session:
        query = select(func.count()).where(DocumentFile.kind == FileKind.ARCHIVE)
        return int(session.scalar(query) or 0)


def test_the_mail_job_sends_what_is_due(local_jobs: Instance) -> None:
    assert run_now(local_jobs, tasks.MAIL, actor="service") is JobState.DONE
    result = _newest(local_jobs, tasks.MAIL).result
    assert result == {"sent": 0, "retried": 0, "failed": 0, "expired_handoffs": 0}
