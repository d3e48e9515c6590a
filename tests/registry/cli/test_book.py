"""``sovanban book``: the register book's PDF text matches its rows; XLSX and CSV agree."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook
from pdfminer.high_level import extract_text

from tests.support.cli import Sovanban


def _rows_of_csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_the_book_in_three_formats(demo: Sovanban) -> None:
    demo.ok("withdraw", "1", "--reason", "Ban hành nhầm, thay bằng văn bản khác")
    folder = demo.instance
    for kind in ("csv", "xlsx", "pdf"):
        demo.ok("book", "--format", kind, "-o", str(folder / f"book.{kind}"))
    rows = _rows_of_csv((folder / "book.csv").read_bytes())
    assert rows[0][0] == "Số, ký hiệu văn bản" and len(rows) == 2
    number, day, subject, signer, recipients, kept, copies, _, _, note = rows[1]
    assert number == "01-TB/ĐUK" and signer == "Nguyễn Trọng Vân"
    assert note == "Ban hành nhầm, thay bằng văn bản khác"
    assert "Thường trực Tỉnh ủy" in recipients and kept == "Văn phòng Đảng ủy Khối"
    sheet = load_workbook(folder / "book.xlsx").active
    assert [cell.value for cell in sheet[3]][:4] == [number, day, subject, signer]
    assert sheet["G3"].value == int(copies)
    text = " ".join(extract_text(str(folder / "book.pdf")).split())
    assert "SỔ ĐĂNG KÝ VĂN BẢN ĐI" in text and "Nhiệm kỳ 2025-2030" in text
    for cell in (number, day, signer, note, "Văn phòng Đảng ủy Khối"):
        assert " ".join(cell.split()) in text, cell
    assert all(word in text for word in subject.split())


def test_an_unknown_period_is_refused(demo: Sovanban) -> None:
    refused = demo("book", "1999", "-o", str(demo.instance / "x.pdf"))
    assert refused.code != 0 and "periods: 2025-2030" in refused.err
    assert not (demo.instance / "x.pdf").exists()
