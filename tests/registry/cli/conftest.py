"""Running the real ``sovanban`` entry point in-process, with its exit status and streams."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.cli import Sovanban


@pytest.fixture
def sovanban(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Sovanban:
    monkeypatch.delenv("SOVANBAN_CONFIG", raising=False)
    monkeypatch.delenv("SOVANBAN_DATABASE_URL", raising=False)
    return Sovanban(tmp_path / "instance", capsys)


@pytest.fixture
def demo(sovanban: Sovanban, monkeypatch: pytest.MonkeyPatch) -> Sovanban:
    """The demo instance, its PKI passphrase in the environment."""
    monkeypatch.setenv("SOVANBAN_PKI_PASSPHRASE", "mat-khau-demo")
    sovanban.ok("demo", "--no-serve")
    return sovanban


@pytest.fixture
def issued(sovanban: Sovanban, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """The demo's issued notice, downloaded from its register."""
    monkeypatch.setenv("SOVANBAN_PKI_PASSPHRASE", "mat-khau-demo")
    sovanban.ok("demo", "--no-serve")
    target = tmp_path / "01-TB-DUK.pdf"
    sovanban.ok("download", "1", "--revision", "issued", "-o", str(target))
    return target
