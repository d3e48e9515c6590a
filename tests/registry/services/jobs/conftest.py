"""The demo instance with its jobs in this process (SQLite), and on PostgreSQL's queue."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import replace

import pytest
from sqlalchemy import Engine, text

from registry.config import JobsConfig
from registry.instance import Instance
from tests.support.web import demo_instance_in

QUICK = JobsConfig(seconds=120, attempts=3, first_retry_seconds=0)


def _with_jobs(instance: Instance, jobs: JobsConfig, database_url: str = "") -> Instance:
    config = instance.config
    if database_url:  # worker processes open the database from the configuration
        config = replace(config, database=replace(config.database, url=database_url))
    return replace(instance, config=replace(config, jobs=jobs))


@pytest.fixture(scope="module")
def local_jobs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Instance]:
    """The demo on SQLite, its jobs run by threads of this process."""
    with demo_instance_in(tmp_path_factory.mktemp("jobs") / "instance") as instance:
        yield _with_jobs(instance, QUICK)


@pytest.fixture(scope="module")
def queued_jobs(
    tmp_path_factory: pytest.TempPathFactory,
    postgres_admin_engine: Engine,
    postgres_template: str,
) -> Iterator[Instance]:
    """The demo on PostgreSQL, its jobs on procrastinate's queue."""
    from registry.services.jobs.postgres_queue import ensure_queue_schema

    name = f"sovanban_jobs_{uuid.uuid4().hex[:12]}"
    with postgres_admin_engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{postgres_template}"'))
    url = postgres_admin_engine.url.set(database=name).render_as_string(hide_password=False)
    previous = os.environ.get("SOVANBAN_DATABASE_URL")
    os.environ["SOVANBAN_DATABASE_URL"] = url
    try:
        with demo_instance_in(tmp_path_factory.mktemp("queued") / "instance") as instance:
            queued = _with_jobs(instance, replace(QUICK, engine="procrastinate"), url)
            ensure_queue_schema(queued.engine)
            yield queued
    finally:
        if previous is None:
            os.environ.pop("SOVANBAN_DATABASE_URL", None)
        else:
            os.environ["SOVANBAN_DATABASE_URL"] = previous
        with postgres_admin_engine.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
