"""Bulk import of an existing archive: signed PDFs made by other tools, registered with what
can be read from them (number and date from the text, signers and times from the
signatures), idempotently (a file already in the register is skipped by its SHA-256)."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from basics.text import fold, nfc, vietnam_date
from signing.errors import SigningError, UnusablePdfError
from signing.inspect import inspect_pdf
from signing.verify.engine import verify_pdf
from signing.verify.report import DocumentReport

from ...audit import AuditAction, record_event
from ...errors import RegistryError
from ...instance import Instance
from ...models import Document, DocumentFile, DocumentStatus, DocumentType, FileKind, Issuer
from ...numbering import record_number
from ...search_text import refresh_search_text
from ...storage import BlobStore
from ..setup.reference_data import current_issuer
from ..verification.verify import TrustMaterial, instance_roles, trust_material
from .register_book import inert

__all__ = [
    "ImportOutcome",
    "ImportStatus",
    "ReadFacts",
    "import_file",
    "import_pdf",
    "outcomes_csv",
    "read_facts",
    "tally",
]

_NUMBER = re.compile(r"Số\s*:?\s*(\d{1,5})\s*[-/]\s*([A-Za-zĐđ]+)\s*[-/]\s*([A-Za-zĐđ0-9-]+)")
_DATE = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.IGNORECASE)


@dataclass(frozen=True)
class ReadFacts:
    """What the text of a signed document tells."""

    number: int | None
    type_abbreviation: str
    issuer_abbreviation: str
    document_date: date | None
    title: str
    subject: str


class ImportStatus(StrEnum):
    IMPORTED = "imported"
    SKIPPED = "skipped"  # the register already holds the file
    UNREADABLE = "unreadable"


@dataclass(frozen=True)
class ImportOutcome:
    file: str
    status: ImportStatus
    document_id: int | None = None
    number: str = ""
    verdict: str = ""
    notes: tuple[str, ...] = ()


def _lines(text: str) -> list[str]:
    return [" ".join(line.split()) for line in nfc(text).splitlines() if line.strip()]


def read_facts(text: str, type_names: dict[str, str]) -> ReadFacts:
    """Number, date, title and subject from a notice's text (first page layout)."""
    lines = _lines(text)
    head = "\n".join(lines[:40])
    number = _NUMBER.search(head)
    day = _DATE.search(head)
    document_date = None
    if day is not None:
        try:
            document_date = date(int(day.group(3)), int(day.group(2)), int(day.group(1)))
        except ValueError:
            document_date = None
    folded_names = {fold(name): code for code, name in type_names.items()}
    title, subject = "", ""
    for index, line in enumerate(lines[:40]):
        # The title: a line in capitals that starts with a type's name (THÔNG BÁO KẾT LUẬN).
        if line.isupper() and any(fold(line).startswith(name) for name in folded_names):
            title = line
            following = [
                each
                for each in lines[index + 1 : index + 4]
                if not each.startswith(("-", "Kính gửi"))
            ]
            subject = following[0] if following else ""
            break
    return ReadFacts(
        number=int(number.group(1)) if number else None,
        type_abbreviation=number.group(2) if number else "",
        issuer_abbreviation=number.group(3) if number else "",
        document_date=document_date,
        title=title,
        subject=subject,
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
    material: TrustMaterial | None = None,
) -> ImportOutcome:
    """Verify one archived PDF and register it; the caller commits. ``material``: the trust
    material, when the caller imports many files (read once)."""
    material = material or trust_material(instance)
    try:
        report = verify_pdf(
            data,
            trust=material.store,
            roles=instance_roles(session, instance),
            crls=material.crls,
            time_limit=30.0,
        )
    except UnusablePdfError as exc:
        return ImportOutcome(name, ImportStatus.UNREADABLE, notes=(exc.message,))
    issuer = current_issuer(session, instance.config)
    return import_pdf(session, instance.blobs, issuer, data, report, name=name, actor=actor)


def tally(outcomes: list[ImportOutcome]) -> dict[ImportStatus, int]:
    return {status: sum(o.status is status for o in outcomes) for status in ImportStatus}


def import_pdf(
    session: Session,
    blobs: BlobStore,
    issuer: Issuer,
    data: bytes,
    report: DocumentReport,
    *,
    name: str,
    actor: str,
) -> ImportOutcome:
    """Register one archived PDF; the caller verified it (``report``) and commits."""
    existing = session.scalars(
        select(DocumentFile).where(DocumentFile.sha256 == report.sha256)
    ).first()
    if existing is not None:
        return ImportOutcome(
            name, ImportStatus.SKIPPED, existing.document_id, notes=("already in the register",)
        )
    try:
        pdf = inspect_pdf(data)
    except SigningError as exc:
        return ImportOutcome(name, ImportStatus.UNREADABLE, notes=(exc.message,))
    if not report.signatures:
        return ImportOutcome(
            name, ImportStatus.UNREADABLE, notes=("no signature: not an issued document",)
        )
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
    rendered = ""
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
                        document_id=document.id,
                    )
                rendered = entry.rendered
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
        details={"file": name, "sha256": report.sha256, "number": rendered, "verdict": verdict},
    )
    return ImportOutcome(name, ImportStatus.IMPORTED, document.id, rendered, verdict, tuple(notes))


def outcomes_csv(outcomes: list[ImportOutcome]) -> bytes:
    """The import report: one row per file (UTF-8 with a BOM, no cell a formula)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["file", "status", "document_id", "number", "verdict", "notes"])
    for o in outcomes:
        cells = [o.file, o.status, str(o.document_id or ""), o.number, o.verdict]
        writer.writerow([inert(cell) for cell in [*cells, "; ".join(o.notes)]])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
