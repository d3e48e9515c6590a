"""Figures for the auditor's dashboard."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...models import Document, DocumentFile, DocumentStatus, FileKind

__all__ = ["Dashboard", "dashboard"]


@dataclass(frozen=True)
class Dashboard:
    by_status: dict[str, int]
    issued_per_month: list[tuple[str, int]]  # ("2026-11", 12), oldest first, 12 months
    archived: int  # issued documents with a B-LTA archive copy
    archive_missing: int  # issued documents still waiting for one


def _months_back(today: date, count: int) -> list[str]:
    year, month = today.year, today.month
    months = []
    for _ in range(count):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return months[::-1]


def dashboard(session: Session, today: date) -> Dashboard:
    by_status = {status.value: 0 for status in DocumentStatus}
    for status, count in session.execute(
        select(Document.status, func.count()).group_by(Document.status)
    ):
        by_status[status.value] = count
    months = _months_back(today, 12)
    per_month = dict.fromkeys(months, 0)
    issued_dates = session.scalars(
        select(Document.document_date).where(
            Document.document_date.is_not(None),
            Document.document_date >= date.fromisoformat(months[0] + "-01"),
        )
    ).all()
    for day in issued_dates:
        if day is None:  # excluded by the query; kept for the type checker
            continue
        key = f"{day.year:04d}-{day.month:02d}"
        if key in per_month:
            per_month[key] += 1
    archived = (
        session.scalar(
            select(func.count(func.distinct(DocumentFile.document_id)))
            .join(Document)
            .where(DocumentFile.kind == FileKind.ARCHIVE, Document.status == DocumentStatus.ISSUED)
        )
        or 0
    )
    return Dashboard(
        by_status=by_status,
        issued_per_month=list(per_month.items()),
        archived=archived,
        archive_missing=max(0, by_status[DocumentStatus.ISSUED.value] - archived),
    )
