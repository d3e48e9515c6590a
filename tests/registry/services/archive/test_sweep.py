"""The archive sweep holds no lock while it checks: the office registers, signs and issues
while it runs; each renewal is a short transaction of its own."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from registry.audit import AuditAction, record_event
from registry.instance import Instance
from registry.services.archive.sweep import sweep_archive
from registry.services.setup.signing_tools import signing_tools
from tests.support.web import PASSPHRASE, demo_instance_in


@pytest.fixture
def office(tmp_path: Path) -> Iterator[Instance]:
    with demo_instance_in(tmp_path / "instance") as instance:
        yield instance


def test_others_write_while_the_sweep_checks(office: Instance) -> None:
    written: list[str] = []

    def meanwhile(stage: str, done: int, total: int) -> None:
        # Another clerk's action in the middle of the sweep: on SQLite it would wait for
        # the sweep's write lock (and fail after the busy timeout) if the sweep held one.
        with office.sessions.begin() as session:
            record_event(
                session, actor="vanthu", action=AuditAction.CONFIG_APPLY, details={"at": stage}
            )
        written.append(stage)

    report = sweep_archive(
        office,
        actor="kiemsoat",
        days=4000,  # the timestamp authority's certificate counts as expiring
        renew_with=lambda: signing_tools(office, PASSPHRASE.encode()),
        progress=meanwhile,
    )
    assert report.failed == () and report.file_problems == ()
    assert {"files", "documents", "archive copies"} <= set(written)
    assert report.extended == (1,)  # renewed in its own transaction, among the others' writes
