"""``sovanban archive check``: the sweep finds damaged files, lists certificates close to
expiry, and renews archive copies whose timestamp authority expires within the horizon."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.support.cli import Sovanban, register_seed_draft


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
