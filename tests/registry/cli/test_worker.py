"""``sovanban worker``: with jobs in the service's process it takes up what a stopped
service left; with PostgreSQL's queue (set up by ``init``) it runs the queued jobs."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import text

from registry.instance import open_instance
from registry.models import JobRun, JobState
from registry.services.jobs.queue import ask
from registry.services.jobs.tasks import CHECK_CHAIN
from tests.support.cli import Sovanban


def test_the_worker_takes_up_the_runs_a_stopped_service_left(demo: Sovanban) -> None:
    instance = open_instance(demo.instance)
    with instance.sessions.begin() as session:
        session.add(JobRun(task=CHECK_CHAIN, arguments={}, actor="kiemsoat"))
    result = demo.ok("worker", "--until-empty")
    assert "1 job run(s) attempted" in result.err
    with instance.reading_sessions() as session:
        (run,) = session.query(JobRun).all()
        assert run.state is JobState.DONE and run.result["intact"] is True
    instance.engine.dispose()


def test_the_worker_runs_the_postgresql_queue(
    sovanban: Sovanban, postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOVANBAN_DATABASE_URL", postgres_url)
    monkeypatch.setenv("SOVANBAN_PKI_PASSPHRASE", "mat-khau-demo")
    sovanban.ok("demo", "--no-serve")
    config = sovanban.instance / "config.toml"
    text_ = config.read_text("utf-8")
    config.write_text(
        re.sub(r'^engine = "in-process"$', 'engine = "procrastinate"', text_, flags=re.M), "utf-8"
    )
    sovanban.ok("init")  # installs the queue's tables beside the register's
    instance = open_instance(sovanban.instance)
    with instance.sessions.begin() as session:
        run_id = ask(session, instance, CHECK_CHAIN, actor="kiemsoat")
    with instance.engine.connect() as connection:
        waiting = connection.scalar(
            text("SELECT count(*) FROM procrastinate_jobs WHERE status = 'todo'")
        )
    assert waiting == 1
    result = sovanban.ok("worker", "--until-empty")
    assert "taking jobs from the PostgreSQL queue" in result.err
    with instance.reading_sessions() as session:
        run = session.get(JobRun, run_id)
        assert run is not None and run.state is JobState.DONE
    instance.engine.dispose()
