"""``sovanban import``: an archive of PDFs signed elsewhere is registered with what can be
read from them, idempotently, with a report of what could not be read."""

from __future__ import annotations

import io
import json
import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers

from tests.support.cli import Sovanban, register_seed_draft
from tests.support.pdfs import blank_pdf, text_pdf


def _signed_elsewhere(demo: Sovanban, *lines: str) -> bytes:
    """A notice signed by another tool (plain pyHanko) with the office's demo key."""
    signer = signers.SimpleSigner.load_pkcs12(
        str(demo.instance / "pki" / "organisation.p12"), passphrase=b"mat-khau-demo"
    )
    assert signer is not None
    output = signers.sign_pdf(
        IncrementalPdfFileWriter(io.BytesIO(text_pdf(*lines))),
        signers.PdfSignatureMetadata(field_name="Sig1", subfilter=fields.SigSeedSubFilter.PADES),
        signer=signer,
    )
    return output.getvalue()


PLAN = (
    "ĐẢNG ỦY KHỐI CÁC CƠ QUAN",
    "Số 05-KH/ĐUK",
    "Hà Tĩnh, ngày 12 tháng 3 năm 2024",
    "KẾ HOẠCH",
    "Tổ chức hội nghị tổng kết công tác bảo tàng năm 2023",
    "Nội dung kế hoạch.",
)
FOREIGN = (
    "HUYỆN ỦY HƯƠNG SƠN",
    "Số 07-TB/HU",
    "Hương Sơn, ngày 02 tháng 6 năm 2024",
    "THÔNG BÁO",
    "Kết luận của Thường trực Huyện ủy",
)


def test_an_archive_is_imported_once_with_a_report(demo: Sovanban, tmp_path: Path) -> None:
    folder = tmp_path / "luu-tru"
    (folder / "2024").mkdir(parents=True)
    (folder / "2024" / "ke-hoach-05.pdf").write_bytes(_signed_elsewhere(demo, *PLAN))
    (folder / "2024" / "thong-bao-huyen.pdf").write_bytes(_signed_elsewhere(demo, *FOREIGN))
    shutil.copy(folder / "2024" / "ke-hoach-05.pdf", folder / "ban-sao.pdf")
    (folder / "hong.pdf").write_bytes(b"%PDF-1.7 not really")
    (folder / "chua-ky.pdf").write_bytes(blank_pdf())
    report = tmp_path / "bao-cao.csv"

    first = demo.ok("import", str(folder), "--json", "--report", str(report)).json()
    assert (first["imported"], first["skipped"], first["unreadable"]) == (2, 1, 2)
    by_file = {entry["file"]: entry for entry in first["files"]}
    plan = by_file["2024/ke-hoach-05.pdf"]
    assert plan["status"] == "imported" and plan["number"] == "05-KH/ĐUK"
    assert plan["verdict"] == "TOTAL-PASSED"  # the demo PKI is this instance's trust anchor
    foreign = by_file["2024/thong-bao-huyen.pdf"]
    assert foreign["status"] == "imported" and foreign["number"] == ""
    assert any("not ours" in note for note in foreign["notes"])
    assert by_file["ban-sao.pdf"]["status"] == "skipped"
    assert by_file["hong.pdf"]["status"] == "unreadable"
    assert "no signature" in by_file["chua-ky.pdf"]["notes"][0]
    assert "2024/ke-hoach-05.pdf,imported" in report.read_text("utf-8-sig")

    shown = demo.ok("show", "05-KH/ĐUK", "--json").json()
    assert shown["subject"] == "Tổ chức hội nghị tổng kết công tác bảo tàng năm 2023"
    assert shown["document_date"] == "2024-03-12" and shown["status"] == "issued"
    found = demo.ok("search", "bao", "tang", "--type", "KH", "--json").json()
    assert [row["number"] for row in found["documents"]] == ["05-KH/ĐUK"]
    again = demo.ok("import", str(folder), "--json").json()
    assert (again["imported"], again["skipped"]) == (0, 3)


def _refusals(demo: Sovanban) -> list[str]:
    with sqlite3.connect(demo.instance / "sovanban.sqlite3") as connection:
        rows = connection.execute(
            "SELECT details FROM audit_events WHERE action = 'document:import-refused'"
        ).fetchall()
    connection.close()
    return [json.loads(details)["file"] for (details,) in rows]


def _import(demo: Sovanban, folder: Path, *options: str) -> dict[str, Any]:
    result: dict[str, Any] = demo.ok("import", str(folder), "--json", *options).json()
    return result


def test_links_are_not_followed_out_of_the_folder(demo: Sovanban, tmp_path: Path) -> None:
    """A link to a file elsewhere on the server (here, the register's own stored copy of
    the issued notice, as a link into the blob store would be) is refused, as is a linked
    folder: only the folder's own files are imported."""
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "ke-hoach.pdf").write_bytes(_signed_elsewhere(demo, *PLAN))
    folder = tmp_path / "luu-tru"
    folder.mkdir()
    (folder / "lien-ket.pdf").symlink_to(outside / "ke-hoach.pdf")
    (folder / "thu-muc").symlink_to(outside, target_is_directory=True)
    result = _import(demo, folder)
    by_file = {entry["file"]: entry for entry in result["files"]}
    assert {by_file[name]["status"] for name in ("lien-ket.pdf", "thu-muc")} == {"refused"}
    assert "not followed" in by_file["lien-ket.pdf"]["notes"][0]
    assert result["imported"] == 0 and demo("show", "05-KH/ĐUK").code != 0


def test_a_file_whose_signature_fails_is_refused_not_issued(demo: Sovanban, tmp_path: Path) -> None:
    signed = bytearray(_signed_elsewhere(demo, *PLAN))
    signed[12] ^= 0x01  # one byte of the signed header comment: the digest no longer matches
    folder = tmp_path / "luu-tru"
    folder.mkdir()
    (folder / "sua-doi.pdf").write_bytes(bytes(signed))
    result = _import(demo, folder)
    (entry,) = result["files"]
    assert entry["status"] == "refused" and entry["verdict"] == "TOTAL-FAILED"
    assert "signature fails" in entry["notes"][0] and entry["document_id"] is None
    assert demo("show", "05-KH/ĐUK").code != 0
    assert _refusals(demo) == [entry["file"]]


def test_a_live_series_is_never_moved_and_gaps_are_reported(demo: Sovanban, tmp_path: Path) -> None:
    """01-TB/ĐUK was issued by the register, so TB/ĐUK is live: an archived 77-TB/ĐUK of this
    term is imported without its number, and the next issue is 02, not 78. The KH series is
    not live: its counter follows the archive, and the numbers missing below are listed."""
    today = datetime.now(UTC)
    ahead = (
        "ĐẢNG ỦY KHỐI CÁC CƠ QUAN",
        "Số 77-TB/ĐUK",
        f"Hà Tĩnh, ngày {today.day} tháng {today.month} năm {today.year}",
        "THÔNG BÁO",
        "Kết luận của Ban Thường vụ về công tác kiểm tra",
    )
    later_plan = tuple(line.replace("Số 05-KH", "Số 09-KH") for line in PLAN)
    folder = tmp_path / "luu-tru"
    folder.mkdir()
    (folder / "thong-bao-77.pdf").write_bytes(_signed_elsewhere(demo, *ahead))
    (folder / "ke-hoach-05.pdf").write_bytes(_signed_elsewhere(demo, *PLAN))
    (folder / "ke-hoach-09.pdf").write_bytes(_signed_elsewhere(demo, *later_plan))
    result = _import(demo, folder)
    by_file = {entry["file"]: entry for entry in result["files"]}
    notice = by_file["thong-bao-77.pdf"]
    assert notice["status"] == "imported" and notice["number"] == ""
    assert any("ahead of the live series" in note for note in notice["notes"])
    assert [by_file[f"ke-hoach-0{n}.pdf"]["number"] for n in (5, 9)] == ["05-KH/ĐUK", "09-KH/ĐUK"]
    assert result["gaps"] == [{"series": "KH 2020-2025", "missing": [1, 2, 3, 4, 6, 7, 8]}]
    document = register_seed_draft(demo, tmp_path, "Thông báo sau khi nhập lưu trữ")
    demo.ok("prepare", document)
    demo.ok("sign", document)
    demo.ok("issue", document)
    assert demo.ok("show", document, "--json").json()["number"]["rendered"] == "02-TB/ĐUK"


def test_an_imported_document_keeps_its_secrecy_mark_or_the_one_asked(
    demo: Sovanban, tmp_path: Path
) -> None:
    marked = ("ĐẢNG ỦY KHỐI CÁC CƠ QUAN", "MẬT", *PLAN[1:])
    folder = tmp_path / "luu-tru"
    folder.mkdir()
    (folder / "ke-hoach-mat.pdf").write_bytes(_signed_elsewhere(demo, *marked))
    (folder / "thong-bao.pdf").write_bytes(_signed_elsewhere(demo, *FOREIGN))
    result = _import(demo, folder, "--secrecy", "toi_mat")
    secrecy = {entry["file"]: entry["secrecy"] for entry in result["files"]}
    assert secrecy == {"ke-hoach-mat.pdf": "toi_mat", "thong-bao.pdf": "toi_mat"}
    again = tmp_path / "lan-hai"
    again.mkdir()
    (again / "ke-hoach-mat.pdf").write_bytes(_signed_elsewhere(demo, *marked, "Phụ lục."))
    (entry,) = _import(demo, again)["files"]
    assert entry["secrecy"] == "mat"  # the mark alone, with no --secrecy
    shown = demo.ok("show", str(entry["document_id"]), "--json").json()
    assert shown["secrecy"] == "mat"
