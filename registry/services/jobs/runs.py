"""Reading the record of the runs: what the auditor and the administrator are shown."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...models import JobRun, JobState

__all__ = ["recent_runs", "run_counts", "runs_for_document", "unfinished_or_failed"]


def recent_runs(session: Session, *, limit: int = 20) -> list[JobRun]:
    return list(session.scalars(select(JobRun).order_by(JobRun.id.desc()).limit(limit)))


def unfinished_or_failed(session: Session, *, limit: int = 50) -> list[JobRun]:
    """Runs that failed for good, or are waiting or running (the administrator's list)."""
    states = (JobState.FAILED, JobState.QUEUED, JobState.RUNNING)
    return list(
        session.scalars(
            select(JobRun).where(JobRun.state.in_(states)).order_by(JobRun.id.desc()).limit(limit)
        )
    )


def run_counts(session: Session) -> dict[tuple[str, str], int]:
    """How many runs of each task are in each state (for the metrics)."""
    rows = session.execute(
        select(JobRun.task, JobRun.state, func.count()).group_by(JobRun.task, JobRun.state)
    )
    return {(task, state.value): count for task, state, count in rows}


def runs_for_document(
    session: Session, task: str, document_id: int, *, limit: int = 3
) -> list[JobRun]:
    """The newest runs of ``task`` for a document (its sending attempts), newest first."""
    about = JobRun.arguments["document_id"].as_integer() == document_id
    newest = select(JobRun).where(JobRun.task == task, about).order_by(JobRun.id.desc())
    return list(session.scalars(newest.limit(limit)))
