"""``sovanban worker``: runs the background jobs. With ``[jobs] engine = "procrastinate"``
it takes them from PostgreSQL's queue (any number of workers, on any hosts); with jobs in
the service's process, it runs the periodic ones and what a stopped service left."""

from __future__ import annotations

import os
import threading

import click

from ..instance import Instance
from ..services.jobs.queue import resume_unfinished, run_now, run_unfinished_here, run_worker
from ..services.jobs.tasks import MAIL, SEAL
from .context import CommandContext, pass_app
from .stopping import stopped_by_sigterm

__all__ = ["start_periodic_jobs", "worker_command"]


def start_periodic_jobs(instance: Instance) -> threading.Event:
    """With jobs in this process (the embedded default): seal the audit chain every
    [audit] seal_minutes (when a timestamp service is at hand) and send the notifications
    due every [mail] every_seconds, each run recorded like any job; and take up the runs a
    stopped service left. On PostgreSQL's queue, ``sovanban worker`` does all of this."""
    stop = threading.Event()
    if instance.config.jobs.engine != "in-process":
        return stop
    resume_unfinished(instance)
    minutes = instance.config.audit.seal_minutes
    timestamps = instance.config.timestamping.url or os.environ.get(
        instance.config.pki.passphrase_env
    )
    every = {MAIL: max(5, instance.config.mail.every_seconds)}
    if minutes > 0 and timestamps:
        every[SEAL] = minutes * 60

    def repeat(task: str, seconds: float) -> None:
        while not stop.wait(seconds):
            try:
                run_now(instance, task, actor="service")
            except Exception as exc:  # noqa: BLE001 - the thread must outlive a bad run
                click.echo(f"sovanban: {task} could not run: {exc}", err=True)

    for task, seconds in every.items():
        threading.Thread(target=repeat, args=(task, seconds), name=task, daemon=True).start()
    return stop


@click.command("worker")
@click.option(
    "--until-empty", is_flag=True, help="Stop when no job waits (instead of waiting for more)."
)
@pass_app
def worker_command(app: CommandContext, until_empty: bool) -> None:
    """Run the background jobs: sealing the audit trail, the archive sweeps, the checks
    started from the web, the mail. With [jobs] engine = "procrastinate", from PostgreSQL's
    queue; otherwise the periodic jobs and what a stopped service left, in this process."""
    instance = app.instance()
    if instance.config.jobs.engine == "procrastinate":
        click.echo("sovanban: taking jobs from the PostgreSQL queue", err=True)
        with stopped_by_sigterm():
            run_worker(instance, wait=not until_empty)
        return
    if until_empty:
        done = run_unfinished_here(instance)
        click.echo(f"sovanban: {done} job run(s) attempted", err=True)
        return
    stop = start_periodic_jobs(instance)
    click.echo("sovanban: running the periodic jobs in this process", err=True)
    with stopped_by_sigterm():
        stop.wait()
