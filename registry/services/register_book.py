"""The register of outgoing documents (Sổ đăng ký văn bản đi, NĐ 30 Phụ lục IV) as rows."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Document, NumberEntry
from .access import Viewer, can_see

__all__ = ["COLUMNS", "BookRow", "book_csv", "book_periods", "book_rows"]

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
    delivered = [r.delivered_at for r in sent if r.delivered_at is not None]
    return BookRow(
        number=entry.rendered,
        date=document.document_date.strftime("%d/%m/%Y") if document.document_date else "",
        type_and_subject=f"{document.type.name} {document.subject}",
        signer=document.signer_name,
        recipients="; ".join(r.name for r in sent),
        archive_unit="; ".join(r.name for r in kept),
        copies=sum(r.copies for r in document.recipients),
        sent_on=min(delivered).strftime("%d/%m/%Y") if delivered else "",
        received_by="; ".join(r.name for r in sent if r.delivery_status == "accepted"),
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


def book_csv(rows: Sequence[BookRow]) -> bytes:
    """UTF-8 with a byte-order mark, which spreadsheet programs need to read Vietnamese."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow(row.cells())
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
