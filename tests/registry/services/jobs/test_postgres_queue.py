"""PostgreSQL's queue (procrastinate): a job is on the queue exactly when the transaction
that asked for it commits; a worker takes it, tries it again after a failure and gives up
after the configured attempts, procrastinate's record agreeing with ours."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import text

from registry.instance import Instance
from registry.models import JobRun, JobState
from registry.services.jobs import tasks
from registry.services.jobs.postgres_queue import ensure_queue_schema
from registry.services.jobs.queue import ask, run_worker
from registry.services.jobs.runner import Finish, JobContext


def _queue(instance: Instance) -> list[tuple[int, str, int]]:
    """(our run, procrastinate's status, its attempts) of every run on the queue (the
    periodic jobs a worker schedules aside)."""
    with instance.engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT (args->>'run_id')::int, status, attempts FROM procrastinate_jobs"
                " WHERE task_name = 'sovanban.run'"
            )
        )
        return sorted((int(run), str(status), int(attempts)) for run, status, attempts in rows)


def _work_until_done(instance: Instance) -> None:
    """A worker's turns until no run waits (one turn stops at the first empty look, which
    may come before a failed job's retry is due)."""
    for _ in range(6):
        run_worker(instance, wait=False)
        if all(status not in ("todo", "doing") for _, status, _ in _queue(instance)):
            return
    raise AssertionError(f"runs still waiting: {_queue(instance)}")


def _run(instance: Instance, run_id: int) -> JobRun:
    with instance.reading_sessions() as session:
        run = session.get(JobRun, run_id)
        assert run is not None
        session.expunge(run)
        return run


@pytest.fixture
def empty_queue(queued_jobs: Instance) -> Iterator[Instance]:
    with queued_jobs.engine.begin() as connection:
        connection.execute(text("DELETE FROM procrastinate_jobs"))
    yield queued_jobs


def test_a_job_is_queued_with_the_transaction_that_asks_and_a_worker_runs_it(
    empty_queue: Instance,
) -> None:
    with empty_queue.sessions() as session:
        ask(session, empty_queue, tasks.CHECK_CHAIN, actor="kiemsoat")
        assert len(_queue(empty_queue)) == 0  # not visible before the commit
        session.rollback()
    assert _queue(empty_queue) == []
    with empty_queue.sessions.begin() as session:
        run_id = ask(session, empty_queue, tasks.CHECK_CHAIN, actor="kiemsoat")
    assert _queue(empty_queue) == [(run_id, "todo", 0)]
    run_worker(empty_queue, wait=False)
    done = _run(empty_queue, run_id)
    assert done.state is JobState.DONE and done.result["intact"] is True
    assert _queue(empty_queue) == [(run_id, "succeeded", 1)]


def _failing_first(times: int) -> Any:
    calls = {"n": 0}
    real = tasks.TASKS[tasks.CHECK_CHAIN]

    def flaky(context: JobContext) -> Finish:
        calls["n"] += 1
        if calls["n"] <= times:
            raise ConnectionError("the timestamp service did not answer")
        return real(context)

    return flaky


def test_a_failed_job_is_retried_by_the_queue_then_given_up(
    empty_queue: Instance, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(tasks.TASKS, tasks.CHECK_CHAIN, _failing_first(1))
    with empty_queue.sessions.begin() as session:
        retried = ask(session, empty_queue, tasks.CHECK_CHAIN, actor="kiemsoat")
    _work_until_done(empty_queue)
    done = _run(empty_queue, retried)
    assert done.state is JobState.DONE and done.attempts == 2 and done.error == ""
    assert _queue(empty_queue) == [(retried, "succeeded", 2)]

    monkeypatch.setitem(tasks.TASKS, tasks.CHECK_CHAIN, _failing_first(99))
    with empty_queue.sessions.begin() as session:
        hopeless = ask(session, empty_queue, tasks.CHECK_CHAIN, actor="kiemsoat")
    _work_until_done(empty_queue)
    failed = _run(empty_queue, hopeless)
    assert failed.state is JobState.FAILED and failed.attempts == 3
    assert failed.error == "ConnectionError: the timestamp service did not answer"
    assert (hopeless, "failed", 3) in _queue(empty_queue)


def test_the_queue_schema_is_installed_once(queued_jobs: Instance) -> None:
    assert ensure_queue_schema(queued_jobs.engine) is False
