"""The issuing flow through the command line, and the one-command demo."""

from __future__ import annotations

from pathlib import Path

import pytest

from registry.services.compose import seed_notice_path
from tests.registry.cli.conftest import Sovanban


@pytest.fixture
def demo(sovanban: Sovanban, monkeypatch: pytest.MonkeyPatch) -> Sovanban:
    monkeypatch.setenv("SOVANBAN_PKI_PASSPHRASE", "mat-khau-demo")
    sovanban.ok("demo", "--no-serve")
    return sovanban


def test_the_demo_issues_the_seed_notice(
    sovanban: Sovanban, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOVANBAN_PKI_PASSPHRASE", raising=False)
    summary = sovanban.ok("demo", "--no-serve", "--json").json()
    assert summary["seed_number"] == "01-TB/ĐUK"
    assert summary["passphrase_variable"] == "SOVANBAN_PKI_PASSPHRASE"
    assert summary["passphrase"]  # generated, printed once, stored nowhere
    assert summary["passphrase"] not in (sovanban.instance / "config.toml").read_text("utf-8")
    shown = sovanban.ok("show", "01-TB/ĐUK", "--json").json()
    assert shown["status"] == "issued"
    assert [f["revision"] for f in shown["files"]] == [
        "draft",
        "prepared",
        "signed",
        "issued",
        "archive",
    ]
    # Run again with the printed passphrase: nothing new, nothing broken.
    monkeypatch.setenv("SOVANBAN_PKI_PASSPHRASE", summary["passphrase"])
    again = sovanban.ok("demo", "--no-serve", "--json").json()
    assert again["seed_document_id"] == summary["seed_document_id"]
    assert len(sovanban.ok("list", "--json").json()) == 1


def test_register_prepare_sign_issue_by_command(demo: Sovanban, tmp_path: Path) -> None:
    draft = tmp_path / "draft.pdf"
    demo.ok("compose", str(seed_notice_path()), "-o", str(draft))
    document = demo.ok(
        "register",
        str(draft),
        "--type",
        "TB",
        "--subject",
        "Thông báo thứ hai",
        "--signer",
        "nguyentrongvan",
    ).out.strip()
    demo.ok("prepare", document)
    demo.ok("sign", document)
    issued = tmp_path / "issued.pdf"
    assert demo.ok("issue", document, "-o", str(issued)).out == "02-TB/ĐUK\n"
    assert issued.read_bytes().startswith(b"%PDF")
    assert demo.ok("show", "02-TB/ĐUK", "--json").json()["files"][-1]["revision"] == "archive"
    demo.ok("extend", document)


def test_a_wrong_passphrase_is_one_line_and_changes_nothing(
    demo: Sovanban, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    draft = tmp_path / "draft.pdf"
    demo.ok("compose", str(seed_notice_path()), "-o", str(draft))
    document = demo.ok(
        "register",
        str(draft),
        "--type",
        "TB",
        "--subject",
        "Thông báo",
        "--signer",
        "nguyentrongvan",
    ).out.strip()
    demo.ok("prepare", document)
    monkeypatch.setenv("SOVANBAN_PKI_PASSPHRASE", "sai-mat-khau")
    result = demo("sign", document)
    assert result.code == 1 and result.err.count("\n") == 1
    assert "wrong passphrase" in result.err
    assert demo.ok("show", document, "--json").json()["status"] == "prepared"


def test_issuing_twice_is_refused(demo: Sovanban) -> None:
    result = demo("issue", "1")
    assert result.code == 1
    assert "document #1 is issued; only a signed document can be issued" in result.err
