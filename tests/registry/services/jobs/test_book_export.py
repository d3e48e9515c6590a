"""A large period's register book exported by a job: the same file as at once, the export
recorded once, kept for its download, then swept as a stray."""

from __future__ import annotations

import io
from datetime import timedelta

from openpyxl import load_workbook
from sqlalchemy import func, select, update

from registry.audit import AuditAction
from registry.instance import Instance
from registry.models import AuditEvent, JobRun, JobState, User
from registry.services.archive.integrity import stray_files
from registry.services.archive.register_book import (
    EXPORT_KEPT,
    book_periods,
    render_book,
)
from registry.services.jobs.queue import run_now
from registry.services.jobs.tasks import BOOK_EXPORT
from registry.services.people.access import Viewer


def _cells(workbook: bytes) -> list[tuple[object, ...]]:
    sheet = load_workbook(io.BytesIO(workbook), read_only=True).active
    assert sheet is not None
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


def _exports(instance: Instance) -> int:
    with instance.reading_sessions() as session:
        found = select(func.count()).where(AuditEvent.action == AuditAction.REGISTER_EXPORT.value)
        return int(session.scalar(found) or 0)


def test_the_book_is_exported_kept_then_swept(local_jobs: Instance) -> None:
    with local_jobs.reading_sessions() as session:
        clerk = session.scalars(select(User).where(User.login == "vanthu")).one()
        period = book_periods(session)[0]
        expected = render_book(session, local_jobs, period, "xlsx", Viewer.of(clerk)).data
    before = _exports(local_jobs)
    state = run_now(local_jobs, BOOK_EXPORT, actor="vanthu", period=period, kind="xlsx",
                    user_id=clerk.id)  # fmt: skip
    assert state is JobState.DONE
    with local_jobs.reading_sessions() as session:
        run = session.scalars(select(JobRun).order_by(JobRun.id.desc()).limit(1)).one()
        result = dict(run.result)
    assert result["filename"] == f"so-van-ban-di-{period}.xlsx" and result["rows"] >= 1
    # The same book as rendered at once (the workbook's own creation time aside).
    assert _cells(local_jobs.blobs.get(result["sha256"])) == _cells(expected)
    assert _exports(local_jobs) == before + 1
    with local_jobs.reading_sessions() as session:  # waiting for its download: not a stray
        strays = {s.file.sha256 for s in stray_files(session, local_jobs.blobs, grace=timedelta())}
    assert result["sha256"] not in strays
    with local_jobs.sessions.begin() as session:  # a week and a day later
        assert run.finished_at is not None
        long_ago = run.finished_at - EXPORT_KEPT - timedelta(days=1)
        session.execute(update(JobRun).where(JobRun.id == run.id).values(finished_at=long_ago))
    with local_jobs.reading_sessions() as session:
        strays = {s.file.sha256 for s in stray_files(session, local_jobs.blobs, grace=timedelta())}
    assert result["sha256"] in strays


def test_an_export_for_an_account_gone_fails_without_retrying(local_jobs: Instance) -> None:
    with local_jobs.reading_sessions() as session:
        period = book_periods(session)[0]
    state = run_now(local_jobs, BOOK_EXPORT, actor="ghost", period=period, kind="csv",
                    user_id=999999)  # fmt: skip
    assert state is JobState.FAILED
    with local_jobs.reading_sessions() as session:
        run = session.scalars(select(JobRun).order_by(JobRun.id.desc()).limit(1)).one()
    assert run.attempts == 1 and "no longer active" in run.error
