"""Asking for a job in this process (the embedded default): it runs when the asking
transaction commits and never when it rolls back; what a stopped service left is taken up."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from registry.instance import Instance
from registry.models import JobRun, JobState
from registry.services.jobs.queue import ask, resume_unfinished, run_unfinished_here, wait_for
from registry.services.jobs.tasks import CHECK_CHAIN


def test_a_job_runs_after_its_transaction_commits_and_never_after_a_rollback(
    local_jobs: Instance,
) -> None:
    before = _runs(local_jobs)
    with local_jobs.sessions() as session:
        ask(session, local_jobs, CHECK_CHAIN, actor="kiemsoat")
        session.rollback()
    assert _runs(local_jobs) == before
    with local_jobs.sessions.begin() as session:
        run_id = ask(session, local_jobs, CHECK_CHAIN, actor="kiemsoat")
    done = wait_for(local_jobs, run_id, 60)
    assert done.state is JobState.DONE and done.actor == "kiemsoat"
    assert done.result["intact"] is True and done.result["events"] > 0
    assert _runs(local_jobs) == before + 1  # the abandoned one never ran, nor was kept


def _runs(instance: Instance) -> int:
    with instance.reading_sessions() as session:
        return len(session.scalars(select(JobRun.id)).all())


def test_runs_a_stopped_service_left_are_taken_up(local_jobs: Instance) -> None:
    with local_jobs.sessions.begin() as session:
        left = [
            JobRun(task=CHECK_CHAIN, arguments={}, actor="service", state=state)
            for state in (JobState.QUEUED, JobState.RUNNING)
        ]
        session.add_all(left)
        session.flush()
        ids = [run.id for run in left]
    assert resume_unfinished(local_jobs) >= 2
    assert all(wait_for(local_jobs, run_id, 60).state is JobState.DONE for run_id in ids)
    assert run_unfinished_here(local_jobs) == 0  # nothing waits any more
    with local_jobs.reading_sessions() as session:
        waiting = session.scalars(select(JobRun).where(JobRun.state == JobState.QUEUED)).all()
    assert waiting == []


def test_an_unknown_job_is_refused(local_jobs: Instance) -> None:
    with local_jobs.sessions() as session, pytest.raises(ValueError, match="no such job"):
        ask(session, local_jobs, "archive.delete_everything", actor="x")
