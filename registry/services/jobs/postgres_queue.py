"""PostgreSQL's queue (``[jobs] engine = "procrastinate"``): a job is deferred in the
transaction that records its run, and any host's ``sovanban worker`` takes it. procrastinate
keeps the queue, the locks between workers, the retries and the periodic schedule; the run's
own record (progress, result, failure) stays ours, the same on both engines."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from ...instance import Instance
from ...models import JobState
from .runner import retry_delay
from .tasks import MAIL, SEAL, SWEEP

__all__ = ["defer_in", "ensure_queue_schema", "queue_app", "work"]

RUN = "sovanban.run"
_SCHEMA_LOCK = 0x50C0A4BA  # an advisory lock: two workers starting never both install


class _TryAgain(Exception):
    """The run failed and has attempts left."""


class _GaveUp(Exception):
    """The run failed for the last time (procrastinate records the job as failed too)."""


def _conninfo(engine: Engine) -> str:
    return engine.url.set(drivername="postgresql").render_as_string(hide_password=False)


def ensure_queue_schema(engine: Engine) -> bool:
    """Install procrastinate's tables in the register's database; True if it was needed."""
    from procrastinate import schema

    with engine.begin() as connection:
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _SCHEMA_LOCK})
        if connection.scalar(text("SELECT to_regclass('procrastinate_jobs')")) is not None:
            return False
        # Through the driver without parameters: the schema's text holds literal "%".
        with connection.connection.dbapi_connection.cursor() as cursor:  # type: ignore[union-attr]
            cursor.execute(schema.SchemaManager.get_schema())
    return True


def _cron_every(minutes: int) -> str:
    if minutes < 60:
        return f"*/{max(1, minutes)} * * * *"
    return f"0 */{max(1, minutes // 60)} * * *"


def queue_app(
    instance: Instance,
    attempt: Callable[[int], JobState | None],
    run_periodic: Callable[[str], object],
) -> Any:
    """The procrastinate application of ``instance``: a task that makes one ``attempt`` at
    a run, and the periodic ones (``run_periodic`` of a task's name)."""
    import procrastinate
    from procrastinate.retry import BaseRetryStrategy, RetryDecision

    jobs = instance.config.jobs

    class Backoff(BaseRetryStrategy):
        def get_retry_decision(self, *, exception: BaseException, job: Any) -> Any:
            if not isinstance(exception, _TryAgain):
                return None
            seconds = retry_delay(jobs.first_retry_seconds, job.attempts + 1)
            return RetryDecision(retry_in={"seconds": int(seconds)})

    app = procrastinate.App(
        connector=procrastinate.PsycopgConnector(conninfo=_conninfo(instance.engine))
    )

    @app.task(name=RUN, retry=Backoff())
    def run(run_id: int) -> None:
        state = attempt(run_id)
        if state is JobState.QUEUED:
            raise _TryAgain(f"job run #{run_id} failed; it will be tried again")
        if state is JobState.FAILED:
            raise _GaveUp(f"job run #{run_id} failed for the last time")

    def periodic(task: str, cron: str) -> None:
        @app.periodic(cron=cron, periodic_id=task)
        @app.task(name=f"sovanban.every.{task}", queueing_lock=f"sovanban.every.{task}")
        def every(timestamp: int) -> None:
            run_periodic(task)

    periodic(SEAL, _cron_every(instance.config.audit.seal_minutes))
    periodic(MAIL, "* * * * *")
    periodic(SWEEP, "30 2 * * *")  # at night: a job per issued document

    @app.periodic(cron="* * * * *", periodic_id="stalled")
    @app.task(name="sovanban.every.stalled", queueing_lock="sovanban.every.stalled")
    async def retry_stalled(timestamp: int) -> None:
        """A worker killed mid-run stops beating: its jobs go back to the queue."""
        for job in await app.job_manager.get_stalled_jobs():
            await app.job_manager.retry_job(job)

    return app


def defer_in(session: Session, app: Any, run_id: int) -> None:
    """Put the run on the queue inside ``session``'s transaction (its own connection)."""
    connection = session.connection().connection.driver_connection
    app.configure_task(RUN, connection=connection).defer(run_id=run_id)


def work(app: Any, *, concurrency: int = 2, wait: bool = True) -> None:
    """Take jobs until stopped (SIGTERM / SIGINT finish the running ones first); with
    ``wait`` False, until the queue is empty."""
    app.run_worker(
        concurrency=concurrency,
        wait=wait,
        install_signal_handlers=wait,
        update_heartbeat_interval=5,
        stalled_worker_timeout=30,
    )
