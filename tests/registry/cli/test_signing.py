"""The issuing flow through the command line, and the one-command demo."""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

import pytest

from registry.services.drafting.compose import seed_notice_path
from tests.support.cli import Sovanban


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
    # The demo draws a seal and a signature and configures them: both stamps carry an image.
    config = (sovanban.instance / "config.toml").read_text("utf-8")
    assert 'seal_image = "images/con-dau.png"' in config
    issued = sovanban.instance / "issued.pdf"
    sovanban.ok("download", "1", "--revision", "issued", "-o", str(issued))
    assert issued.read_bytes().count(b"/Subtype /Image") >= 2
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
    assert "Document #1 cannot be issued: it is at “Issued”" in result.err


def register_signed(sovanban: Sovanban, draft: Path, subject: str) -> str:
    document = sovanban.ok(
        "register", str(draft), "--type", "TB", "--subject", subject, "--signer", "nguyentrongvan"
    ).out.strip()
    sovanban.ok("prepare", document)
    sovanban.ok("sign", document)
    return document


def test_batch_issue_continues_past_a_failure(demo: Sovanban, tmp_path: Path) -> None:
    draft = tmp_path / "draft.pdf"
    demo.ok("compose", str(seed_notice_path()), "-o", str(draft))
    first = register_signed(demo, draft, "Thông báo A")
    second = register_signed(demo, draft, "Thông báo B")
    result = demo("issue", first, "1", second)  # 1 is issued already
    assert result.code == 1
    assert result.out.splitlines() == ["02-TB/ĐUK", "03-TB/ĐUK"]
    assert "1 of 3 not issued — 1: Document #1 cannot be issued" in result.err


def test_an_attachment_is_signed_at_the_top_right(demo: Sovanban, tmp_path: Path) -> None:
    import shutil
    import subprocess

    from tests.support.components import require
    from tests.support.pdfs import blank_pdf

    attachment = tmp_path / "phu-luc.pdf"
    attachment.write_bytes(blank_pdf())
    signed = tmp_path / "phu-luc-da-ky.pdf"
    demo.ok("attach", "01-TB/ĐUK", str(attachment), "-o", str(signed))
    files = demo.ok("show", "1", "--json").json()["files"]
    assert files[-1]["revision"] == "attachment"
    require("pdftotext (poppler-utils)", shutil.which("pdftotext") is not None, "not on PATH")
    text = subprocess.run(
        ["pdftotext", "-layout", str(signed), "-"], capture_output=True, text=True, check=True
    ).stdout
    first_line = next(line for line in text.splitlines() if line.strip())
    assert "01-TB/ĐUK; " in first_line and first_line.rstrip().endswith("+07:00")
    from pypdf import PdfReader

    widget = next(
        annot.get_object()
        for annot in cast(Any, PdfReader(signed).pages[0]["/Annots"])
        if annot.get_object().get("/T") == "chu_ky_phu_luc"
    )
    x1, _, x2, y2 = (float(v) for v in widget["/Rect"])
    assert x1 > 595 / 2 - 10 and x2 > 540 and y2 > 842 - 60  # top right of page 1
    twice = demo("attach", "01-TB/ĐUK", str(signed))
    assert twice.code == 1 and "already signed" in twice.err
