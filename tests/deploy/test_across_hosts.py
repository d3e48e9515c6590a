"""Two web hosts and a worker, separate processes sharing PostgreSQL (the register and the job
queue), a real S3 server and Redis: 200 notices issued through both hosts' APIs while one host
and the worker are killed with SIGKILL and started again. Afterwards every number is used
once or void, no revision lacks its object, every job finished exactly once in effect, the
audit chain is intact and sealed, and the rate limits counted both hosts' requests."""

from __future__ import annotations

import threading
import time
import urllib.error
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import func, select

from registry.audit import AuditAction
from registry.config import load_config
from registry.instance import Instance, instance_with_config
from registry.models import AuditEvent, JobRun, JobState
from registry.services.jobs.queue import ask, wait_for
from registry.services.jobs.tasks import CHECK_BLOBS, SEAL, seal_due
from tests.support.hosts import Deployment, deployment
from tests.support.invariants import assert_register_sound
from tests.support.load import notice_fields
from tests.support.object_store import ACCESS_KEY, SECRET_KEY, S3Server
from tests.support.redis_server import SharedRedis
from tests.support.served import ApiClient, ApiError

NOTICES = 200
HOSTS = ("host-a", "host-b")
NEXT_STEP = {"draft": "prepare", "prepared": "sign", "signed": "issue"}


def _issue_one(deployed: Deployment, index: int, issued: dict[int, str]) -> None:
    """One notice through the hosts, beginning on the one its index names; a step cut off
    by a dead host is looked up and carried on from where it got, on the other host."""
    turn = index
    fields = notice_fields(f"Thông báo số {index} qua hai máy chủ")
    secret = {"secret": deployed.passphrase}
    document: int | None = None
    for _ in range(40):
        host = HOSTS[turn % 2]
        clerk = ApiClient(deployed.base(host), deployed.clerk_token)
        signer = ApiClient(deployed.base(host), deployed.signer_token)
        try:
            if document is None:
                document = int(clerk.register(deployed.draft, fields)["id"])
            status = clerk.json("GET", f"/api/v1/documents/{document}")["status"]
            if status == "issued":
                number = clerk.json("GET", f"/api/v1/documents/{document}")["number"]
                issued[document] = number["rendered"]
                return
            step = NEXT_STEP[status]
            client = signer if step == "sign" else clerk
            body = secret if step in ("sign", "issue") else None
            client.json("POST", f"/api/v1/documents/{document}/{step}", body)
        except (OSError, urllib.error.URLError, ConnectionError) as exc:
            del exc
            turn += 1  # that host is down: the other one
            time.sleep(0.2)
        except ApiError as exc:
            if exc.status < 500 and exc.status != 400:
                raise
            turn += 1  # cut off mid-step, or refused as already done: look again
            time.sleep(0.2)
    raise AssertionError(f"notice {index} (document {document}) not issued after 40 tries")


def _first_running(instance: Instance, run_ids: list[int]) -> int:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with instance.reading_sessions() as session:
            running = session.scalar(
                select(JobRun.id)
                .where(JobRun.id.in_(run_ids), JobRun.state == JobState.RUNNING)
                .limit(1)
            )
        if running is not None:
            return int(running)
        time.sleep(0.02)
    raise AssertionError("the worker took none of the jobs within a minute")


@pytest.mark.slow
def test_two_hosts_and_a_worker_survive_sigkill_mid_run(
    tmp_path: Path,
    postgres_url: str,
    s3_server: S3Server,
    redis_server: SharedRedis,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
    with deployment(tmp_path, postgres_url, s3_server, redis_server, HOSTS) as deployed:
        config = load_config(deployed.instance("host-a") / "config.toml")
        config = replace(config, database=replace(config.database, url=postgres_url))
        instance = instance_with_config(deployed.instance("host-a"), config)
        issued: dict[int, str] = {}
        errors: list[str] = []
        counter = iter(range(NOTICES))
        lock = threading.Lock()

        def client() -> None:
            while True:
                with lock:
                    index = next(counter, None)
                if index is None:
                    return
                try:
                    _issue_one(deployed, index, issued)
                except Exception as exc:  # noqa: BLE001 -- every failure is reported
                    errors.append(f"notice {index}: {exc}")

        threads = [threading.Thread(target=client) for _ in range(8)]
        for thread in threads:
            thread.start()
        while len(issued) < NOTICES // 3:
            time.sleep(0.2)
        # Jobs asked for while the notices go on; the worker is killed with one of them
        # running, and host A at the same moment.
        with instance.sessions.begin() as session:
            checks = [ask(session, instance, CHECK_BLOBS, actor="kiemsoat") for _ in range(6)]
        cut_off = _first_running(instance, checks)
        deployed.kill("host-a")
        deployed.kill("worker")
        time.sleep(2)
        deployed.start("host-a")
        deployed.start("worker")
        for thread in threads:
            thread.join()
        assert errors == []
        assert len(issued) == NOTICES and len(set(issued.values())) == NOTICES

        # Every job finished, each once in effect: one recorded check per run.
        runs = [wait_for(instance, run_id, 240) for run_id in checks]
        assert [run.state for run in runs] == [JobState.DONE] * len(checks), [
            (run.id, run.state, run.error) for run in runs
        ]
        with instance.reading_sessions() as session:
            recorded = session.scalar(
                select(func.count()).where(
                    AuditEvent.action == AuditAction.ARCHIVE_CHECK_BLOBS.value
                )
            )
            failed = session.scalar(select(func.count()).where(JobRun.state == JobState.FAILED))
        assert recorded == len(checks) and failed == 0
        assert next(run for run in runs if run.id == cut_off).attempts >= 2  # run again

        # Sealed by the worker once everything was written: the chain's head is covered.
        with instance.sessions.begin() as session:
            seal = ask(session, instance, SEAL, actor="service")
        assert wait_for(instance, seal, 120).state is JobState.DONE
        with instance.reading_sessions() as session:
            assert not seal_due(session)

        # The rate limit counted both hosts' anonymous verifications as one.
        pdf = ApiClient(deployed.base("host-b"), deployed.clerk_token).request(
            "GET", f"/api/v1/documents/{next(iter(issued))}/files/issued"
        )[1]
        allowed = config.web.verifications_per_minute
        statuses = []
        for n in range(allowed + 2):
            anonymous = ApiClient(deployed.base(HOSTS[n % 2]))
            try:
                anonymous.request("POST", "/api/v1/verify", pdf, "application/pdf")
                statuses.append(200)
            except ApiError as exc:
                statuses.append(exc.status)
        assert statuses == [200] * allowed + [429, 429]

        numbers = assert_register_sound(postgres_url, instance.blobs)
        assert set(issued.items()) <= set(numbers.items())
        instance.engine.dispose()
