"""The register of outgoing documents (Sổ đăng ký văn bản đi, NĐ 30 Phụ lục IV) as rows."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from basics.said import said
from basics.text import vietnam_date

from ...audit import AuditAction, record_event
from ...composer.book import BookCover, render_register_book
from ...config import Config
from ...errors import InputError, NotFoundError
from ...instance import Instance
from ...models import Document, NumberEntry, SeriesPeriod
from ..people.access import Viewer, can_see
from ..setup.fonts import configured_fonts

__all__ = [
    "BOOK_EXPORT",
    "BOOK_FORMATS",
    "COLUMNS",
    "EXPORT_KEPT",
    "QUEUED_FROM_ROWS",
    "BookExport",
    "BookRow",
    "book_cover",
    "book_csv",
    "book_pdf",
    "book_periods",
    "book_rows",
    "book_xlsx",
    "export_book",
    "inert",
    "record_export",
    "render_book",
]

# A period with more rows than this (a year of a busy office) is exported by a job: the
# clerk follows it on a page and downloads the file when it is ready.
QUEUED_FROM_ROWS = 2000
BOOK_EXPORT = "book.export"  # that job's name
# How long a job's export stays in the blob store for its download; then it is a stray.
EXPORT_KEPT = timedelta(days=7)

COLUMNS = (
    "Số, ký hiệu văn bản",
    "Ngày tháng văn bản",
    "Tên loại và trích yếu nội dung văn bản",
    "Người ký",
    "Nơi nhận văn bản",
    "Đơn vị, người nhận bản lưu",
    "Số lượng bản",
    "Ngày chuyển",
    "Ký nhận",
    "Ghi chú",
)


@dataclass(frozen=True)
class BookRow:
    """One number given, with the document it went to (a void number keeps its note)."""

    number: str
    date: str
    type_and_subject: str
    signer: str
    recipients: str
    archive_unit: str
    copies: int
    sent_on: str
    received_by: str
    note: str
    document_id: int | None

    def cells(self) -> tuple[str, ...]:
        return (
            self.number,
            self.date,
            self.type_and_subject,
            self.signer,
            self.recipients,
            self.archive_unit,
            str(self.copies) if self.copies else "",
            self.sent_on,
            self.received_by,
            self.note,
        )


ACCEPTED = "03"  # QCVN 102 StatusCode: đã tiếp nhận


def _vn_day(moment: datetime) -> str:
    return vietnam_date(moment).strftime("%d/%m/%Y")


def book_periods(session: Session) -> list[str]:
    """The terms or years numbers were given in, newest first."""
    keys = session.scalars(select(NumberEntry.period_key).distinct()).all()
    return sorted(keys, reverse=True)


def _row(entry: NumberEntry, document: Document | None, viewer: Viewer) -> BookRow:
    if document is None:
        return BookRow(entry.rendered, "", "", "", "", "", 0, "", "", entry.void_reason, None)
    if not can_see(viewer, document):
        # A secret document's number stays in the book, its content does not.
        return BookRow(entry.rendered, "", "(mật)", "", "", "", 0, "", "", "", None)
    sent = [r for r in document.recipients if not r.is_archive_copy]
    kept = [r for r in document.recipients if r.is_archive_copy]
    sent_at = [r.sent_at for r in sent if r.sent_at is not None]
    accepted = [r for r in sent if r.delivery_status == ACCEPTED and r.delivered_at]
    return BookRow(
        number=entry.rendered,
        date=document.document_date.strftime("%d/%m/%Y") if document.document_date else "",
        type_and_subject=f"{document.type.name} {document.subject}",
        signer=document.signer_name,
        recipients="; ".join(r.name for r in sent),
        archive_unit="; ".join(r.name for r in kept),
        copies=sum(r.copies for r in document.recipients),
        sent_on=_vn_day(min(sent_at)) if sent_at else "",
        # Electronic receipt: the receiver's "accepted" status (03) stands for the signature.
        received_by="; ".join(
            f"{r.name} ({_vn_day(r.delivered_at)})" for r in accepted if r.delivered_at
        ),
        note=entry.void_reason,
        document_id=document.id,
    )


def book_rows(session: Session, period_key: str, viewer: Viewer) -> Sequence[BookRow]:
    """The book of one term or year, in the order numbers were given."""
    entries = session.scalars(
        select(NumberEntry)
        .where(NumberEntry.period_key == period_key)
        .order_by(NumberEntry.secret_series, NumberEntry.given_at, NumberEntry.id)
    ).all()
    rows = []
    for entry in entries:
        document = session.get(Document, entry.document_id) if entry.document_id else None
        rows.append(_row(entry, document, viewer))
    return rows


# What a spreadsheet takes for the start of a formula (OWASP's list for CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def inert(cell: str) -> str:
    """``cell`` as text a spreadsheet will not evaluate: a leading apostrophe where it would
    start a formula (a recipient or a withdrawal reason typed as ``=HYPERLINK(…)``)."""
    return "'" + cell if cell.startswith(_FORMULA_STARTS) else cell


def book_csv(rows: Sequence[BookRow]) -> bytes:
    """UTF-8 with a byte-order mark, which spreadsheet programs need to read Vietnamese."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([inert(cell) for cell in row.cells()])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def book_cover(session: Session, config: Config, period_key: str) -> BookCover:
    """The cover of the book of ``period_key`` (a term's label or a year)."""
    periods = session.scalars(select(SeriesPeriod).where(SeriesPeriod.period_key == period_key))
    spans = [(period.starts_on, period.ends_on) for period in periods]
    if not spans:
        raise NotFoundError(
            said(
                "no number was given in {period_key!r} (see sovanban series list)",
                period_key=period_key,
            )
        )
    starts, ends = min(s for s, _ in spans), max(e for _, e in spans)
    kind = "Nhiệm kỳ" if config.numbering.scheme == "party" else "Năm"
    issuer = config.issuer
    return BookCover(
        superior_body=issuer.superior_body.upper(),
        issuer_name=issuer.header_name.replace("\n", " "),
        title="SỔ ĐĂNG KÝ VĂN BẢN ĐI",
        period=f"{kind} {period_key}",
        opened=f"Bắt đầu từ ngày {starts.strftime('%d/%m/%Y')}",
        closed=f"Đến ngày {ends.strftime('%d/%m/%Y')}",
    )


def book_xlsx(rows: Sequence[BookRow], cover: BookCover) -> bytes:
    """A workbook with one sheet: a title line, the column headers, one row per number."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = cover.period[:31]
    sheet.append([f"{cover.title} — {cover.issuer_name} — {cover.period}"])
    sheet["A1"].font = Font(bold=True)
    sheet.append(list(COLUMNS))
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        sheet.append(
            [row.copies or None if index == 6 else value for index, value in enumerate(row.cells())]
        )
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # openpyxl stores a string starting with = as a formula
    for letter, width in zip("ABCDEFGHIJ", (14, 12, 50, 22, 40, 20, 8, 12, 14, 20), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A3"
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def book_pdf(rows: Sequence[BookRow], cover: BookCover, config: Config, base: Path) -> bytes:
    """The printable book: A4 landscape, cover, the columns on every page."""
    return render_register_book(
        cover, COLUMNS, [row.cells() for row in rows], configured_fonts(config, base)
    )


BOOK_FORMATS = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


@dataclass(frozen=True)
class BookExport:
    period: str
    kind: str  # csv | xlsx | pdf
    data: bytes
    rows: int

    @property
    def mimetype(self) -> str:
        return BOOK_FORMATS[self.kind]

    @property
    def filename(self) -> str:
        return f"so-van-ban-di-{self.period}.{self.kind}"


def export_book(
    session: Session,
    instance: Instance,
    period: str | None,
    kind: str,
    viewer: Viewer,
    *,
    actor: str,
) -> BookExport:
    """The register book of ``period`` (default: the newest) as ``kind``, rows as ``viewer``
    may see them; the export is recorded in the audit trail."""
    book = render_book(session, instance, period, kind, viewer)
    record_export(session, book, actor=actor)
    return book


def render_book(
    session: Session, instance: Instance, period: str | None, kind: str, viewer: Viewer
) -> BookExport:
    """The book of ``period`` as ``kind``, reading only (a job renders a large period
    outside any write and records the export when it ends)."""
    if kind not in BOOK_FORMATS:
        raise InputError(said("No book format {kind!r} (csv, xlsx, pdf)", kind=kind))
    periods = book_periods(session)
    chosen = period or (periods[0] if periods else "")
    if chosen not in periods:
        known = ", ".join(periods) or "none yet"
        raise InputError(
            said(
                "No number was given in {chosen!r} (periods: {known})",
                chosen=chosen,
                known=known,
            )
        )
    rows = book_rows(session, chosen, viewer)
    cover = book_cover(session, instance.config, chosen)
    if kind == "csv":
        data = book_csv(rows)
    elif kind == "xlsx":
        data = book_xlsx(rows, cover)
    else:
        data = book_pdf(rows, cover, instance.config, instance.folder)
    return BookExport(chosen, kind, data, len(rows))


def record_export(session: Session, book: BookExport, *, actor: str) -> None:
    record_event(
        session,
        actor=actor,
        action=AuditAction.REGISTER_EXPORT,
        details={"period": book.period, "format": book.kind, "rows": book.rows},
    )
