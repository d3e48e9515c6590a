"""``sovanban archive check``: the sweep finds damaged files, lists certificates close to
expiry, and renews archive copies whose timestamp authority expires within the horizon."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from registry.object_storage import S3BlobStore
from registry.services.demo import write_demo_config
from registry.storage import blob_name
from tests.support.cli import Sovanban, register_seed_draft
from tests.support.object_store import ACCESS_KEY, SECRET_KEY, S3Server


def _archive_revisions(demo: Sovanban) -> int:
    with sqlite3.connect(demo.instance / "sovanban.sqlite3") as connection:
        (count,) = connection.execute(
            "SELECT COUNT(*) FROM files WHERE kind = 'archive'"
        ).fetchone()
    connection.close()
    return int(count)


def test_a_clean_archive_passes_and_nothing_is_renewed(demo: Sovanban) -> None:
    result = demo.ok("archive", "check", "--json").json()
    assert result["documents"] == 1 and result["failed"] == [] and result["file_problems"] == []
    assert result["expiring"] == [] and result["extended"] == []
    table = demo.ok("archive", "check").out
    assert "issued documents verified" in table and "stored files re-hashed" in table


def test_certificates_within_the_horizon_are_listed_and_the_archive_renewed(
    demo: Sovanban,
) -> None:
    before = _archive_revisions(demo)
    # The demo's certificates live 2 (people) and 5 (timestamp authority) years.
    result = demo.ok("archive", "check", "--days", "2000", "--json").json()
    roles = sorted(cert["role"] for cert in result["expiring"])
    assert roles == ["signer", "signer", "timestamp"]
    assert all(cert["documents"] == ["01-TB/ĐUK"] for cert in result["expiring"])
    assert result["extended"] == [1] and _archive_revisions(demo) == before + 1
    verified = demo.ok("verify", str(_newest(demo)), "--json").json()
    assert verified["indication"] == "TOTAL-PASSED"


def test_a_damaged_file_fails_the_sweep(demo: Sovanban) -> None:
    with sqlite3.connect(demo.instance / "sovanban.sqlite3") as connection:
        (digest,) = connection.execute("SELECT sha256 FROM files WHERE kind = 'draft'").fetchone()
    connection.close()
    path = demo.instance / "blobs" / digest[:2] / digest[2:4] / digest
    path.chmod(0o644)
    path.write_bytes(path.read_bytes()[:-10])
    result = demo("archive", "check")
    assert result.code == 1 and "corrupted" in result.out


def test_a_revision_pointed_at_another_documents_file_is_reported(
    demo: Sovanban, tmp_path: Path
) -> None:
    """An insider with write access to the database points the issued notice's files row at
    another document's stored file: the page would serve that file. The sweep finds both
    what the audit trail recorded and the number the file does not carry."""
    other = register_seed_draft(demo, tmp_path, "Thông báo khác")
    with sqlite3.connect(demo.instance / "sovanban.sqlite3") as connection:
        connection.execute(
            "UPDATE files SET sha256 = (SELECT sha256 FROM files WHERE document_id = ?) "
            "WHERE document_id = 1 AND kind IN ('issued', 'archive')",
            (int(other),),
        )
    connection.close()
    result = demo("archive", "check", "--json")
    assert result.code == 1
    problems = [(d["document"], d["problem"]) for d in result.json()["disagreements"]]
    assert ("01-TB/ĐUK", problems[0][1]) in problems
    assert any("not the one the audit trail recorded" in p for _, p in problems)
    assert any("number in the file (none) is not the register's" in p for _, p in problems)
    table = demo("archive", "check").out
    assert "revisions checked against the record" in table and "01-TB/ĐUK:" in table
    served = tmp_path / "served.pdf"  # what the document's page now serves as 01-TB/ĐUK
    demo.ok("download", "1", "-o", str(served))
    verified = demo("verify", str(served))
    assert "the number in the file is not the register's" in verified.out


def _newest(demo: Sovanban) -> object:
    target = demo.instance / "newest.pdf"
    demo.ok("download", "1", "-o", str(target))
    return target


def test_an_instance_on_object_storage_issues_and_sweeps_its_bucket(
    sovanban: Sovanban, s3_server: S3Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The demo run with ``[storage] backend = "s3"``: every revision goes to the bucket,
    none to a local folder; the sweep re-hashes them there, reports a replaced object and
    removes an object that no revision names."""
    sovanban.instance.mkdir()
    folder = s3_server.new_prefix()
    config = write_demo_config(sovanban.instance)
    text = config.read_text("utf-8")
    for key, value in {
        "backend": "s3",
        "endpoint": s3_server.endpoint,
        "bucket": s3_server.bucket,
        "region": "us-east-1",
        "prefix": folder,
    }.items():
        text = re.sub(rf'^{key} = ".*"$', f'{key} = "{value}"', text, count=1, flags=re.M)
    config.write_text(text, "utf-8")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
    monkeypatch.setenv("SOVANBAN_PKI_PASSPHRASE", "mat-khau-demo")
    sovanban.ok("demo", "--no-serve")
    assert not (sovanban.instance / "blobs").exists()
    store = S3BlobStore(s3_server.settings(prefix=folder))
    with sqlite3.connect(sovanban.instance / "sovanban.sqlite3") as connection:
        digests = {row[0] for row in connection.execute("SELECT sha256 FROM files")}
        (draft,) = connection.execute("SELECT sha256 FROM files WHERE kind = 'draft'").fetchone()
    connection.close()
    assert {file.sha256 for file in store.files()} == digests and len(digests) >= 4
    clean = sovanban.ok("archive", "check", "--json").json()
    assert clean["failed"] == [] and clean["file_problems"] == [] and clean["strays"] == []

    stray = store.put(b"%PDF-1.7\n% stored by a transaction that never committed\n")
    store.client.put_object(Bucket=s3_server.bucket, Key=store.key_for(draft), Body=b"replaced")
    arguments = ("--no-extend", "--json", "--stray-minutes", "0", "--remove-strays")
    result = sovanban("archive", "check", *arguments)
    assert result.code == 1
    sweep = result.json()
    assert [problem["sha256"] for problem in sweep["file_problems"]] == [draft]
    assert "corrupted" in sweep["file_problems"][0]["problem"]
    assert [s["file"] for s in sweep["strays"]] == [blob_name(stray.sha256)]
    assert sweep["strays_removed"] == 1 and not store.exists(stray.sha256)
    assert {file.sha256 for file in store.files()} == digests  # nothing else touched
