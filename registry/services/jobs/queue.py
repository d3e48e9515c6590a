"""Asking for a job: a run recorded in the caller's transaction, and handed to the queue
when (and only when) that transaction commits: PostgreSQL's queue (procrastinate), which
takes the job in the same transaction, or a thread of this process (the embedded default).
"""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from basics.said import said

from ...errors import ConfigError
from ...instance import Instance
from ...models import JobRun, JobState
from .runner import retry_delay, run_job
from .tasks import FAILED, TASKS

__all__ = [
    "ask",
    "queue_app_of",
    "resume_unfinished",
    "run_now",
    "run_unfinished_here",
    "run_worker",
    "wait_for",
]

log = logging.getLogger(__name__)

_executor: ThreadPoolExecutor | None = None
_executor_lock = threading.Lock()


def ask(session: Session, instance: Instance, task: str, *, actor: str, **arguments: Any) -> int:
    """Record a run of ``task`` in ``session``'s transaction; its id. It runs after the
    transaction commits, never if it rolls back."""
    if task not in TASKS:
        raise ValueError(f"no such job: {task}")
    run = JobRun(task=task, arguments=arguments, actor=actor, state=JobState.QUEUED)
    session.add(run)
    session.flush()
    if instance.config.jobs.engine == "procrastinate":
        from .postgres_queue import defer_in

        defer_in(session, queue_app_of(instance), run.id)  # one transaction: both or neither
    else:
        run_id = run.id
        event.listen(session, "after_commit", lambda _: _submit(instance, run_id), once=True)
    return run.id


def run_now(instance: Instance, task: str, *, actor: str, **arguments: Any) -> JobState | None:
    """Record a run and do it here, now (a periodic job, a command)."""
    with instance.sessions.begin() as session:
        run = JobRun(task=task, arguments=arguments, actor=actor, state=JobState.QUEUED)
        session.add(run)
        session.flush()
        run_id = run.id
    return _run(instance, run_id)


def _run(instance: Instance, run_id: int) -> JobState | None:
    def asking(session: Session, task: str, arguments: dict[str, Any]) -> int:
        return ask(session, instance, task, actor="service", **arguments)

    return run_job(instance, run_id, TASKS, asking, FAILED)


@cache
def queue_app_of(instance: Instance) -> Any:
    """The instance's procrastinate application (``[jobs] engine = "procrastinate"``)."""
    from .postgres_queue import queue_app

    if instance.engine.dialect.name != "postgresql":
        raise ConfigError(said('[jobs] engine = "procrastinate" needs a PostgreSQL database'))
    return queue_app(
        instance,
        lambda run_id: _run(instance, run_id),
        lambda task: run_now(instance, task, actor="service"),
    )


def run_worker(instance: Instance, *, wait: bool = True) -> None:
    """``sovanban worker``: take jobs from PostgreSQL's queue until stopped (or, without
    ``wait``, until it is empty)."""
    from .postgres_queue import ensure_queue_schema, work

    ensure_queue_schema(instance.engine)
    work(queue_app_of(instance), wait=wait)


def resume_unfinished(instance: Instance) -> int:
    """Hand the runs a stopped process left queued or running to this one (in-process)."""
    with instance.reading_sessions() as session:
        left = list(
            session.scalars(
                select(JobRun.id).where(JobRun.state.in_((JobState.QUEUED, JobState.RUNNING)))
            )
        )
    for run_id in left:
        _submit(instance, run_id)
    return len(left)


def run_unfinished_here(instance: Instance) -> int:
    """One attempt, here and now, at each run waiting or left running; how many."""
    with instance.reading_sessions() as session:
        left = list(
            session.scalars(
                select(JobRun.id)
                .where(JobRun.state.in_((JobState.QUEUED, JobState.RUNNING)))
                .order_by(JobRun.id)
            )
        )
    for run_id in left:
        _run(instance, run_id)
    return len(left)


def wait_for(instance: Instance, run_id: int, seconds: float) -> JobRun:
    """The run once finished, or as it is after ``seconds`` (tests, commands)."""
    deadline = time.monotonic() + seconds
    while True:
        with instance.reading_sessions() as session:
            run = session.get(JobRun, run_id)
            assert run is not None, f"no job run #{run_id}"
            session.expunge(run)
        if run.state in (JobState.DONE, JobState.FAILED) or time.monotonic() > deadline:
            return run
        time.sleep(0.05)


def _submit(instance: Instance, run_id: int) -> None:
    global _executor
    with _executor_lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="sovanban-job")
        _executor.submit(_attempt, instance, run_id)


def _attempt(instance: Instance, run_id: int) -> None:
    try:
        state = _run(instance, run_id)
    except Exception:  # the run's own failures are recorded; this is the database gone
        log.exception("job run #%s could not be attempted", run_id)
        return
    if state is JobState.QUEUED:  # failed, attempts left: again after a growing wait
        with instance.reading_sessions() as session:
            run = session.get(JobRun, run_id)
            attempts = run.attempts if run is not None else 1
        timer = threading.Timer(
            retry_delay(instance.config.jobs.first_retry_seconds, attempts),
            _submit,
            (instance, run_id),
        )
        timer.daemon = True
        timer.start()
