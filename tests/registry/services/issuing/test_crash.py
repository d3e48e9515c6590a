"""Issuing killed with SIGKILL at every step, then run again: the register stays sound.

Each document is taken to 'signed', then ``sovanban issue`` is started in a process that
kills itself at one point (tests/support/crashing.py). After every death: every
number used once or void, none skipped, no stored revision missing, the audit chain
unbroken. Then the same command runs to the end and the document is issued with the next
number, as if the crash had not happened.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from registry.services.drafting.compose import seed_notice_path
from registry.storage import LocalBlobStore
from tests.support import PROJECT_ROOT
from tests.support.cli import Sovanban
from tests.support.crashing import POINTS
from tests.support.invariants import assert_register_sound

pytestmark = pytest.mark.slow

PASSPHRASE_ENV = {"SOVANBAN_PKI_PASSPHRASE": "mat-khau-demo"}
TRANSACTION_POINTS = ("number-drawn", "extending", "before-commit", "after-commit")
# Killed by a timer: somewhere inside signing, storing or committing, wherever it falls.
TIMED = ("after:0.5", "after:1.1")


@pytest.fixture
def register(
    database_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Sovanban]:
    """The demo instance on a fresh database of either engine."""
    monkeypatch.delenv("SOVANBAN_CONFIG", raising=False)
    monkeypatch.setenv("SOVANBAN_DATABASE_URL", database_url)
    for name, value in PASSPHRASE_ENV.items():
        monkeypatch.setenv(name, value)
    sovanban = Sovanban(tmp_path / "instance", capsys)
    sovanban.ok("demo", "--no-serve")
    yield sovanban


def _signed_documents(sovanban: Sovanban, folder: Path, count: int) -> list[str]:
    draft = folder / "draft.pdf"
    sovanban.ok("compose", str(seed_notice_path()), "-o", str(draft))
    ids = []
    for index in range(count):
        subject = f"Thông báo số {index} về việc kiểm tra"
        document = sovanban.ok(
            "register", str(draft), "--type", "TB", "--subject", subject, "--signer",
            "nguyentrongvan",
        ).out.strip()  # fmt: skip
        sovanban.ok("prepare", document)
        sovanban.ok("sign", document)
        ids.append(document)
    return ids


def _issue_and_die(instance: Path, document: str, point: str) -> subprocess.CompletedProcess[str]:
    arguments = ["--instance", str(instance), "issue", document]
    return subprocess.run(
        [sys.executable, "-m", "tests.support.crashing", point, *arguments],
        cwd=PROJECT_ROOT,
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_issuing_survives_sigkill_at_every_step(
    register: Sovanban, database_url: str, tmp_path: Path
) -> None:
    blobs = register.instance / "blobs"
    # Signing and blob writes are the same code on either engine: PostgreSQL is killed where
    # the transaction is open (number row locked, long extension) or ending.
    on_sqlite = database_url.startswith("sqlite")
    points = (*POINTS, *TIMED) if on_sqlite else TRANSACTION_POINTS
    documents = _signed_documents(register, tmp_path, len(points))
    issued_before = assert_register_sound(database_url, blobs)  # the demo's own notice
    expected_number = len(issued_before) + 1
    for document, point in zip(documents, points, strict=True):
        died = _issue_and_die(register.instance, document, point)
        if point in POINTS:
            assert died.returncode == -signal.SIGKILL, (point, died.stderr)
        issued = assert_register_sound(database_url, blobs)
        status = register.ok("show", document, "--json").json()["status"]
        if point == "after-commit" or (point in TIMED and status == "issued"):
            # It committed before dying: the document is issued; issuing again is refused.
            assert status == "issued", point
            again = register("issue", document)
            assert again.code != 0 and "only a document at “Signed, awaiting issue”" in again.err
        else:
            assert status == "signed", point
            assert int(document) not in issued, point
            assert register.ok("issue", document).out.strip() == f"{expected_number:02d}-TB/ĐUK"
        expected_number += 1
        issued = assert_register_sound(database_url, blobs)
        assert issued[int(document)] == f"{expected_number - 1:02d}-TB/ĐUK", point
    # Every issued notice (the interrupted ones included) verifies, with its archive copy.
    sweep = register.ok("archive", "check", "--no-extend", "--json").json()
    assert sweep["documents"] == len(documents) + 1
    assert sweep["failed"] == [] and sweep["file_problems"] == []
    assert sweep["not_extended"] == []
    assert sweep["strays"] == []  # what the crashes left is too young to be called stray
    # What the dead processes left behind: the half-written temporary file, and the PDFs
    # stored by transactions that never committed. Found, removed, and nothing else touched.
    arguments = ("--no-extend", "--json", "--stray-minutes", "0", "--remove-strays")
    sweep = register.ok("archive", "check", *arguments).json()
    reasons = [stray["reason"] for stray in sweep["strays"]]
    assert reasons.count("an unfinished write") == int("blob-half-written" in points)
    left_a_pdf = {"issued-blob-stored", "extending", "archive-blob-stored", "before-commit"}
    assert reasons.count("referenced by no revision") >= len(left_a_pdf & set(points))
    assert sweep["strays_removed"] == len(reasons) and sweep["failed"] == []
    assert all(file.sha256 for file in LocalBlobStore(blobs).files())  # no temporary left
    assert_register_sound(database_url, blobs)  # and every revision still there
