"""``sovanban import``: an archive of PDFs signed elsewhere is registered with what can be
read from them, idempotently, with a report of what could not be read."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers

from tests.support.cli import Sovanban
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
