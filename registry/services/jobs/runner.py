"""One attempt at a job run: mark it running, do the work, then make its last change and
mark it done in one transaction, so that a run repeated after a crash or a duplicate
delivery changes nothing twice."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from basics.said import Said, as_said, said

from ...errors import InputError, RegistryError
from ...instance import Instance
from ...models import JobRun, JobState

__all__ = [
    "Ask",
    "Failed",
    "Finish",
    "JobContext",
    "JobTimeLimit",
    "Task",
    "retry_delay",
    "run_job",
]

log = logging.getLogger(__name__)

# What a task leaves to do in the transaction that marks its run done: its last change
# (an event recorded, a copy renewed) and the result shown on the run's page.
Finish = Callable[[Session], dict[str, Any]]


class JobTimeLimit(RegistryError):
    """A run went past ``[jobs] seconds``."""


# Asks for another job in a transaction: (session, task, arguments) -> its run's id.
Ask = Callable[[Session, str, dict[str, Any]], int]


@dataclass
class JobContext:
    instance: Instance
    run_id: int
    actor: str
    deadline: float  # time.monotonic()
    ask: Ask
    _written: float = field(default=0.0, repr=False)

    def progress(self, done: int, total: int) -> None:
        """Say how far the run is (written at most once a second); past the time limit,
        stop the run here."""
        now = time.monotonic()
        if now > self.deadline:
            seconds = self.instance.config.jobs.seconds
            raise JobTimeLimit(said("the job ran out of time ({seconds} s)", seconds=seconds))
        if now - self._written < 1.0 and done != total:
            return
        with self.instance.sessions.begin() as session:
            session.execute(
                update(JobRun).where(JobRun.id == self.run_id).values(done=done, total=total)
            )
        self._written = now


Task = Callable[..., Finish]  # (context, **arguments) -> the last change

# What a task records when its run has failed for good (the last attempt, or a failure no
# attempt would mend), in the transaction that marks it FAILED: (session, actor, arguments,
# the reason).
Failed = Callable[[Session, str, dict[str, Any], Said], None]


def worth_retrying(exc: Exception) -> bool:
    """Input that cannot be used, or an error that says so, fails the same way next time."""
    return not isinstance(exc, InputError) and bool(getattr(exc, "worth_retrying", True))


def retry_delay(first_seconds: float, attempt: int) -> float:
    """Seconds before the next attempt after ``attempt`` failed ones: doubling each time."""
    return float(first_seconds * 2 ** max(0, attempt - 1))


def run_job(
    instance: Instance,
    run_id: int,
    tasks: dict[str, Task],
    ask: Ask,
    failed: dict[str, Failed] | None = None,
) -> JobState | None:
    """Attempt the run once; its state afterwards (QUEUED: to be tried again), or None when
    there is no such run. A finished run is left as it is."""
    with instance.sessions.begin() as session:
        run = session.get(JobRun, run_id, with_for_update=True)
        if run is None:
            return None
        if run.state in (JobState.DONE, JobState.FAILED):
            return run.state
        run.state, run.attempts = JobState.RUNNING, run.attempts + 1
        run.started_at = datetime.now(UTC)
        task, arguments, attempt, actor = run.task, dict(run.arguments), run.attempts, run.actor
    deadline = time.monotonic() + instance.config.jobs.seconds
    context = JobContext(instance, run_id, actor, deadline, ask)
    try:
        finish = tasks[task](context, **arguments)
        with instance.sessions.begin() as session:
            run = session.get(JobRun, run_id, with_for_update=True)
            if run is None or run.state == JobState.DONE:  # a duplicate finished first
                return JobState.DONE
            run.result = finish(session)
            run.state, run.finished_at, run.error = JobState.DONE, datetime.now(UTC), ""
        return JobState.DONE
    except Exception as exc:  # noqa: BLE001 -- every failure is recorded, then retried
        why = (
            exc.said if isinstance(exc, RegistryError) else as_said(f"{type(exc).__name__}: {exc}")
        )
        reason = str(why)
        final = attempt >= instance.config.jobs.attempts or not worth_retrying(exc)
        log.warning("job %s #%s attempt %s failed: %s", task, run_id, attempt, reason)
        with instance.sessions.begin() as session:
            run = session.get(JobRun, run_id, with_for_update=True)
            if run is None:
                return None
            if run.state in (JobState.DONE, JobState.FAILED):  # a duplicate ended it first
                return run.state
            run.state = JobState.FAILED if final else JobState.QUEUED
            run.error = reason[:2000]
            run.finished_at = datetime.now(UTC) if final else None
            if final and failed and task in failed:
                failed[task](session, actor, arguments, why)
            return run.state
