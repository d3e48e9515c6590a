"""Bulk import of an existing archive: signed PDFs made by other tools, registered with what
can be read from them (number and date from the text, signers and times from the
signatures), idempotently (a file already in the register is skipped by its SHA-256).

What an archive must not do to the register: links are not followed (a link could bring in
any file of the server, a secret document's copy among them); a file whose signature fails
is refused, not registered as issued; a live series is never moved (a number ahead of it is
reported, not adopted); a document keeps the secrecy it is marked with, or the one asked.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from basics.text import fold, vietnam_date
from signing.errors import UnusablePdfError
from signing.inspect import PdfFacts, inspect_within
from signing.verify.report import FAILED, DocumentReport

from ...audit import AuditAction, record_event
from ...errors import RegistryError
from ...instance import Instance
from ...models import (
    Document,
    DocumentFile,
    DocumentStatus,
    DocumentType,
    FileKind,
    Issuer,
    Secrecy,
)
from ...numbering import record_number, series_gaps
from ...search_text import refresh_search_text
from ...storage import BlobStore
from ..setup.reference_data import current_issuer
from ..verification.verify import verify_for_instance
from .register_book import inert
from .text_facts import ReadFacts, marked_secrecy, read_facts

__all__ = [
    "ArchiveFiles",
    "ImportOutcome",
    "ImportStatus",
    "archive_files",
    "import_file",
    "import_gaps",
    "import_pdf",
    "link_refused",
    "outcomes_csv",
    "tally",
]

_SECRECY_ORDER = (Secrecy.NONE, Secrecy.SECRET, Secrecy.TOP_SECRET, Secrecy.ABSOLUTE)


class ImportStatus(StrEnum):
    IMPORTED = "imported"
    SKIPPED = "skipped"  # the register already holds the file
    UNREADABLE = "unreadable"
    REFUSED = "refused"  # a link, or a signature that fails: not registered


@dataclass(frozen=True)
class ImportOutcome:
    file: str
    status: ImportStatus
    document_id: int | None = None
    number: str = ""
    verdict: str = ""
    notes: tuple[str, ...] = ()
    secrecy: str = Secrecy.NONE.value
    series_period_id: int | None = None  # the series the recorded number belongs to


@dataclass(frozen=True)
class ArchiveFiles:
    pdfs: tuple[Path, ...]
    links: tuple[Path, ...]  # not followed


def archive_files(folder: Path) -> ArchiveFiles:
    """The PDFs under ``folder``, its own files only: links (to files or folders) are listed
    apart and never followed."""
    pdfs, links = [], []
    for parent, folders, names in os.walk(folder, followlinks=False):
        here = Path(parent)
        links += [here / name for name in folders if (here / name).is_symlink()]
        for name in names:
            path = here / name
            if path.is_symlink():
                if name.lower().endswith(".pdf"):
                    links.append(path)
            elif name.lower().endswith(".pdf") and path.is_file():
                pdfs.append(path)
    return ArchiveFiles(tuple(sorted(pdfs)), tuple(sorted(links)))


def link_refused(name: str) -> ImportOutcome:
    return ImportOutcome(
        name, ImportStatus.REFUSED, notes=("a link: not followed (only the folder's own files)",)
    )


def _type_of(session: Session, issuer: Issuer, facts: ReadFacts) -> DocumentType | None:
    types = session.scalars(
        select(DocumentType).where(
            DocumentType.family == issuer.scheme, DocumentType.active.is_(True)
        )
    ).all()
    for doc_type in types:
        if facts.type_abbreviation and fold(doc_type.abbreviation or doc_type.code) == fold(
            facts.type_abbreviation
        ):
            return doc_type
    folded_title = fold(facts.title)
    by_length = sorted(types, key=lambda t: -len(t.name))
    return next((t for t in by_length if folded_title.startswith(fold(t.name))), None)


def import_file(
    session: Session,
    instance: Instance,
    data: bytes,
    *,
    name: str,
    actor: str,
    secrecy: Secrecy = Secrecy.NONE,
    verify: Callable[[bytes], DocumentReport] | None = None,
    inspect: Callable[[bytes], PdfFacts] = inspect_within,
) -> ImportOutcome:
    """Verify and read one archived PDF, then register it; the caller commits. ``verify``
    and ``inspect`` run before the session is used (the command line gives workers: a
    hostile file in the archive costs a worker, and no transaction waits on it); without
    ``verify`` the file is verified here. ``secrecy``: the least the document gets (a
    higher mark in its text wins)."""
    try:
        if verify is not None:
            report = verify(data)
            facts = inspect(data)
        else:
            facts = inspect(data)
            report = verify_for_instance(session, instance, data, time_limit=30.0)
    except UnusablePdfError as exc:
        return ImportOutcome(name, ImportStatus.UNREADABLE, notes=(exc.message,))
    issuer = current_issuer(session, instance.config)
    return import_pdf(
        session,
        instance.blobs,
        issuer,
        data,
        report,
        facts,
        name=name,
        actor=actor,
        secrecy=secrecy,
    )


def tally(outcomes: list[ImportOutcome]) -> dict[ImportStatus, int]:
    return {status: sum(o.status is status for o in outcomes) for status in ImportStatus}


def import_gaps(session: Session, outcomes: list[ImportOutcome]) -> list[tuple[str, list[int]]]:
    """The numbers missing below the counters of the series the import recorded into."""
    touched = {o.series_period_id for o in outcomes if o.series_period_id is not None}
    return series_gaps(session, touched)


def import_pdf(
    session: Session,
    blobs: BlobStore,
    issuer: Issuer,
    data: bytes,
    report: DocumentReport,
    pdf: PdfFacts,
    *,
    name: str,
    actor: str,
    secrecy: Secrecy = Secrecy.NONE,
) -> ImportOutcome:
    """Register one archived PDF; the caller verified it (``report``), read it (``pdf``)
    and commits."""
    existing = session.scalars(
        select(DocumentFile).where(DocumentFile.sha256 == report.sha256)
    ).first()
    if existing is not None:
        return ImportOutcome(
            name, ImportStatus.SKIPPED, existing.document_id, notes=("already in the register",)
        )
    if not report.signatures:
        return ImportOutcome(
            name, ImportStatus.UNREADABLE, notes=("no signature: not an issued document",)
        )
    indication, sub_indication = report.verdict
    if indication == FAILED:
        # Changed or forged since it was signed: never in the register as an issued document.
        reasons = [m for s in report.signatures for m in s.as_dict("en")["messages"]]
        record_event(
            session,
            actor=actor,
            action=AuditAction.DOCUMENT_IMPORT_REFUSED,
            details={"file": name, "sha256": report.sha256, "verdict": sub_indication or ""},
        )
        return ImportOutcome(
            name,
            ImportStatus.REFUSED,
            verdict=indication,
            notes=(f"the signature fails ({sub_indication}): not registered", *reasons[:3]),
        )
    kept = max(marked_secrecy(pdf.text), secrecy, key=_SECRECY_ORDER.index)
    type_names = {
        t.code: t.name
        for t in session.scalars(select(DocumentType).where(DocumentType.family == issuer.scheme))
    }
    facts = read_facts(pdf.text, type_names)
    doc_type = _type_of(session, issuer, facts)
    if doc_type is None:
        return ImportOutcome(
            name, ImportStatus.UNREADABLE, notes=("the document type cannot be read from the text",)
        )
    notes: list[str] = []
    signed_at = [s.signing_time for s in report.signatures if s.signing_time]
    first_signed = datetime.fromisoformat(min(signed_at)) if signed_at else None
    document_date = facts.document_date or (vietnam_date(first_signed) if first_signed else None)
    if facts.document_date is None:
        notes.append("no date line in the text: the signing date is used")
    signer = next((s.signer for s in report.signatures if s.signer), None)
    document = Document(
        issuer_id=issuer.id,
        type_id=doc_type.id,
        subject=facts.subject or facts.title or name,
        signer_name=signer.name if signer else "",
        place=issuer.place,
        status=DocumentStatus.ISSUED,
        secrecy=kept,
        page_count=pdf.page_count,
        body_text=pdf.text,
        registered_by=actor,
        created_at=datetime.now(UTC),
        document_date=document_date,
        issued_at=first_signed.astimezone(UTC) if first_signed else None,
    )
    session.add(document)
    session.flush()
    stored = blobs.put(data)
    document.files.append(
        DocumentFile(
            kind=FileKind.ISSUED, sha256=stored.sha256, size=stored.size, original_name=name[:255]
        )
    )
    rendered, series_period_id = "", None
    if facts.number is not None and document_date is not None:
        if fold(facts.issuer_abbreviation) != fold(issuer.abbreviation):
            notes.append(
                f"the number's issuer {facts.issuer_abbreviation!r} is not ours: not numbered"
            )
        else:
            try:
                with session.begin_nested():
                    entry = record_number(
                        session,
                        issuer=issuer,
                        doc_type=doc_type,
                        on=document_date,
                        number=facts.number,
                        secret=kept != Secrecy.NONE,
                        document_id=document.id,
                    )
                rendered, series_period_id = entry.rendered, entry.series_period_id
            except RegistryError as exc:
                notes.append(f"number {facts.number} not recorded: {exc.message}")
    else:
        notes.append("no number (Số …) in the text")
    session.flush()
    session.expire(document, ["number"])
    refresh_search_text(session, document, [])
    verdict = report.verdict[0]
    record_event(
        session,
        actor=actor,
        action=AuditAction.DOCUMENT_IMPORT,
        document=document,
        details={
            "file": name,
            "sha256": report.sha256,
            "number": rendered,
            "verdict": verdict,
            "secrecy": kept.value,
        },
    )
    return ImportOutcome(
        name,
        ImportStatus.IMPORTED,
        document.id,
        rendered,
        verdict,
        tuple(notes),
        kept.value,
        series_period_id,
    )


def outcomes_csv(outcomes: list[ImportOutcome]) -> bytes:
    """The import report: one row per file (UTF-8 with a BOM, no cell a formula)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["file", "status", "document_id", "number", "verdict", "secrecy", "notes"])
    for o in outcomes:
        cells = [o.file, o.status, str(o.document_id or ""), o.number, o.verdict, o.secrecy]
        writer.writerow([inert(cell) for cell in [*cells, "; ".join(o.notes)]])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
