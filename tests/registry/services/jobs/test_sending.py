"""Sending edXML as a job: delivered and recorded once, a failed attempt tried again, a
package that never leaves (or that the endpoint refuses) recorded and told to the clerks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from registry.audit import AuditAction
from registry.edxml import read_package
from registry.instance import Instance
from registry.models import AuditEvent, Document, JobRun, JobState, Notification
from registry.services.exchange.transport import TransportError
from registry.services.jobs import sending, tasks
from registry.services.jobs.queue import run_now, run_unfinished_here
from registry.services.jobs.runner import run_job

SEND_FAILED = AuditAction.DOCUMENT_SEND_FAILED.value


def _events(instance: Instance, action: str) -> int:
    with instance.reading_sessions() as session:
        found = select(func.count()).where(AuditEvent.action == action)
        return int(session.scalar(found) or 0)


def _notifications(instance: Instance) -> int:
    with instance.reading_sessions() as session:
        return int(session.scalar(select(func.count()).select_from(Notification)) or 0)


def _newest_send(instance: Instance) -> JobRun:
    with instance.reading_sessions() as session:
        run = session.scalars(
            select(JobRun).where(JobRun.task == sending.SEND).order_by(JobRun.id.desc()).limit(1)
        ).one()
        session.expunge(run)
        return run


def _sent_times(instance: Instance) -> list[object]:
    with instance.reading_sessions() as session:
        document = session.get(Document, 1)
        assert document is not None
        return [r.sent_at for r in document.recipients if r.organ_id]


class _Endpoint:
    """A transport that fails as told (one error per attempt), then takes the package."""

    def __init__(self, *errors: TransportError) -> None:
        self.errors, self.delivered = list(errors), list[str]()

    def deliver(self, name: str, package: bytes) -> str:
        if self.errors:
            raise self.errors.pop(0)
        self.delivered.append(name)
        return "http://truc.example.vn/edxml (200)"


@pytest.fixture
def endpoint(monkeypatch: pytest.MonkeyPatch) -> Any:
    def install(*errors: TransportError) -> _Endpoint:
        made = _Endpoint(*errors)
        monkeypatch.setattr(sending, "transport_for", lambda _instance: made)
        return made

    return install


def _no_asking(*_args: object) -> int:
    raise AssertionError("sending asks for no other job")


def test_a_document_is_sent_by_the_queue_and_recorded_once(local_jobs: Instance) -> None:
    sent = _events(local_jobs, "document:send-new")
    assert run_now(local_jobs, sending.SEND, actor="vanthu", document_id=1) is JobState.DONE
    run = _newest_send(local_jobs)
    package = Path(run.result["where"])  # the demo's outbox folder
    assert package.is_file() and package.name.endswith("-new.edxml")
    content = read_package(package.read_bytes())
    assert sorted(o.organ_id for o in content.receivers) == sorted(run.result["to"])
    assert all(_sent_times(local_jobs)) and _events(local_jobs, "document:send-new") == sent + 1
    # Delivered again (a duplicate from the queue): nothing is sent or recorded twice.
    package.unlink()
    again = run_job(local_jobs, run.id, tasks.TASKS, _no_asking, tasks.FAILED)
    assert again is JobState.DONE and not package.exists()
    assert _events(local_jobs, "document:send-new") == sent + 1


def test_a_failed_attempt_is_tried_again(local_jobs: Instance, endpoint: Any) -> None:
    busy = endpoint(TransportError("http://truc.example.vn/edxml did not take it: HTTP 503"))
    failures, told = _events(local_jobs, SEND_FAILED), _notifications(local_jobs)
    assert run_now(local_jobs, sending.SEND, actor="vanthu", document_id=1) is JobState.QUEUED
    waiting = _newest_send(local_jobs)
    assert waiting.attempts == 1 and "HTTP 503" in waiting.error
    run_unfinished_here(local_jobs)
    done = _newest_send(local_jobs)
    assert (done.id, done.state, done.attempts) == (waiting.id, JobState.DONE, 2)
    assert len(busy.delivered) == 1 and done.result["where"].endswith("(200)")
    assert _events(local_jobs, SEND_FAILED) == failures and _notifications(local_jobs) == told


def test_a_package_that_never_leaves_is_recorded_and_told(
    local_jobs: Instance, endpoint: Any
) -> None:
    attempts = local_jobs.config.jobs.attempts
    endpoint(*(TransportError(f"HTTP 503 (attempt {n})") for n in range(attempts)))
    before, failures = _sent_times(local_jobs), _events(local_jobs, SEND_FAILED)
    told = _notifications(local_jobs)
    state = run_now(local_jobs, sending.SEND, actor="vanthu", document_id=1)
    for _ in range(attempts - 1):
        assert state is JobState.QUEUED
        run_unfinished_here(local_jobs)
        state = _newest_send(local_jobs).state
    failed = _newest_send(local_jobs)
    assert (failed.state, failed.attempts) == (JobState.FAILED, attempts)
    assert f"attempt {attempts - 1}" in failed.error
    assert _events(local_jobs, SEND_FAILED) == failures + 1  # once, at the last attempt
    assert _notifications(local_jobs) > told and _sent_times(local_jobs) == before


def test_a_package_the_endpoint_refuses_is_not_tried_again(
    local_jobs: Instance, endpoint: Any
) -> None:
    refused = TransportError("HTTP 400 Bad Request", worth_retrying=False)
    endpoint(refused)
    failures = _events(local_jobs, SEND_FAILED)
    assert run_now(local_jobs, sending.SEND, actor="vanthu", document_id=1) is JobState.FAILED
    assert _newest_send(local_jobs).attempts == 1
    assert _events(local_jobs, SEND_FAILED) == failures + 1


def test_a_document_that_cannot_be_sent_fails_at_once(local_jobs: Instance) -> None:
    assert run_now(local_jobs, sending.SEND, actor="vanthu", document_id=9999) is JobState.FAILED
    gone = _newest_send(local_jobs)
    assert gone.attempts == 1 and "#9999" in gone.error
