"""The instance is closed to other local accounts: its folder, the blob store and the
SQLite databases, the session secret and the keys; ``init`` closes an older instance."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from registry.instance import open_instance
from registry.web import create_app
from tests.support.cli import Sovanban


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def sovanban(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Iterator[Sovanban]:
    monkeypatch.delenv("SOVANBAN_CONFIG", raising=False)
    monkeypatch.delenv("SOVANBAN_DATABASE_URL", raising=False)
    monkeypatch.setenv("SOVANBAN_PKI_PASSPHRASE", "mat-khau-demo")
    previous = os.umask(0o022)  # a distribution's default login: 0644 files, 0755 folders
    try:
        yield Sovanban(tmp_path / "instance", capsys)
    finally:
        os.umask(previous)


def test_a_new_instance_is_made_private(sovanban: Sovanban) -> None:
    sovanban.ok("demo", "--no-serve")
    folder = sovanban.instance
    assert _mode(folder) == 0o700
    databases = [p for p in folder.glob("sovanban.sqlite3*")]
    assert databases and {_mode(p) for p in databases} == {0o600}
    assert _mode(folder / "blobs") == 0o700
    assert {_mode(p) for p in (folder / "pki").rglob("*.p12")} == {0o600}
    instance = open_instance(folder)
    try:
        app = create_app(instance)
        app.config.update(TESTING=True)
        refused = app.test_client().post("/api/v1/verify", data=b"x")  # counted, then refused
        assert refused.status_code == 422
    finally:
        instance.engine.dispose()
    assert _mode(folder / "secret-key") == 0o600
    assert {_mode(p) for p in folder.glob("rate-limits.sqlite3*")} == {0o600}


def test_init_closes_an_instance_made_before(sovanban: Sovanban) -> None:
    sovanban.ok("demo", "--no-serve")
    folder = sovanban.instance
    opened = [folder, folder / "blobs", folder / "pki"]
    readable = [*folder.glob("sovanban.sqlite3*"), *(folder / "pki").rglob("*.p12")]
    for path in opened:
        path.chmod(0o755)
    for path in readable:
        path.chmod(0o644)
    summary = sovanban.ok("init", "--json").json()
    assert set(summary["made_private"]) >= {str(p) for p in [*opened, *readable]}
    assert {_mode(p) for p in opened} == {0o700}
    assert {_mode(p) for p in readable} == {0o600}
    assert sovanban.ok("init", "--json").json()["made_private"] == []
