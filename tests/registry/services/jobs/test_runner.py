"""One attempt at a run: retried while attempts are left, failed for good after, stopped
at its time limit; a finished run is never done again, its last change made once."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from registry.instance import Instance
from registry.models import AuditEvent, JobRun, JobState
from registry.services.jobs.runner import Finish, JobContext, Task, retry_delay, run_job


def _new_run(instance: Instance, task: str) -> int:
    with instance.sessions.begin() as session:
        run = JobRun(task=task, arguments={"n": 1}, actor="test")
        session.add(run)
        session.flush()
        return run.id


def _no_asking(_session: Session, _task: str, _arguments: dict[str, Any]) -> int:
    raise AssertionError("this task asks for no other job")


def _run(instance: Instance, run_id: int, tasks: dict[str, Task]) -> JobState | None:
    return run_job(instance, run_id, tasks, _no_asking)


def _load(instance: Instance, run_id: int) -> JobRun:
    with instance.reading_sessions() as session:
        run = session.get(JobRun, run_id)
        assert run is not None
        session.expunge(run)
        return run


def test_a_failing_run_is_tried_again_and_its_last_change_made_once(local_jobs: Instance) -> None:
    calls = {"work": 0, "finish": 0}

    def flaky(context: JobContext, n: int) -> Finish:
        calls["work"] += 1
        if calls["work"] < 3:
            raise RuntimeError(f"the server went away ({calls['work']})")

        def finish(session: Session) -> dict[str, Any]:
            calls["finish"] += 1
            return {"n": n, "run": context.run_id}

        return finish

    run_id = _new_run(local_jobs, "flaky")
    tasks: dict[str, Task] = {"flaky": flaky}
    assert _run(local_jobs, run_id, tasks) is JobState.QUEUED
    assert _load(local_jobs, run_id).error == "RuntimeError: the server went away (1)"
    assert _run(local_jobs, run_id, tasks) is JobState.QUEUED
    assert _run(local_jobs, run_id, tasks) is JobState.DONE
    done = _load(local_jobs, run_id)
    assert (done.attempts, done.result, done.error) == (3, {"n": 1, "run": run_id}, "")
    assert done.finished_at is not None and done.finished_at.tzinfo is not None
    # Delivered again (a duplicate, a restart): nothing is done twice.
    assert _run(local_jobs, run_id, tasks) is JobState.DONE
    assert calls == {"work": 3, "finish": 1} and _load(local_jobs, run_id).attempts == 3


def test_a_run_that_keeps_failing_is_failed_after_its_attempts(local_jobs: Instance) -> None:
    def broken(context: JobContext, n: int) -> Finish:
        raise ValueError("no such document")

    run_id = _new_run(local_jobs, "broken")
    states = [_run(local_jobs, run_id, {"broken": broken}) for _ in range(4)]
    assert states == [JobState.QUEUED, JobState.QUEUED, JobState.FAILED, JobState.FAILED]
    failed = _load(local_jobs, run_id)
    assert failed.attempts == 3 and failed.error == "ValueError: no such document"
    assert failed.finished_at is not None


def test_a_run_past_its_time_limit_stops_at_its_next_step(local_jobs: Instance) -> None:
    steps: list[int] = []

    def slow(context: JobContext, n: int) -> Finish:
        for step in range(10):
            if step == 3:
                context.deadline = 0.0  # as if the configured seconds had gone by
            context.progress(step, 10)
            steps.append(step)
        return lambda _session: {}

    run_id = _new_run(local_jobs, "slow")
    assert _run(local_jobs, run_id, {"slow": slow}) is JobState.QUEUED
    stopped = _load(local_jobs, run_id)
    assert steps == [0, 1, 2] and stopped.error == "the job ran out of time (120 s)"
    assert stopped.done == 0 and stopped.total == 10  # progress written at most once a second


def test_a_duplicate_that_finished_first_wins(local_jobs: Instance) -> None:
    """Two deliveries of one run at once: the second to finish changes nothing."""

    def racing(context: JobContext, n: int) -> Finish:
        with context.instance.sessions.begin() as session:  # the other delivery finishing
            other = session.get(JobRun, context.run_id)
            assert other is not None
            other.state, other.result = JobState.DONE, {"by": "the other"}

        def finish(session: Session) -> dict[str, Any]:
            raise AssertionError("finished twice")

        return finish

    run_id = _new_run(local_jobs, "racing")
    with local_jobs.reading_sessions() as session:
        events = session.scalar(select(func.count()).select_from(AuditEvent))
    assert _run(local_jobs, run_id, {"racing": racing}) is JobState.DONE
    assert _load(local_jobs, run_id).result == {"by": "the other"}
    with local_jobs.reading_sessions() as session:
        assert session.scalar(select(func.count()).select_from(AuditEvent)) == events


def test_the_wait_doubles_after_each_failed_attempt() -> None:
    assert [retry_delay(120, attempt) for attempt in (1, 2, 3, 4)] == [120, 240, 480, 960]
    assert retry_delay(0, 5) == 0
