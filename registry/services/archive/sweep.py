"""The archive sweep (``sovanban archive check``): every stored file re-hashed, every issued
document verified again, certificates close to expiry listed, archive copies renewed where
their last document timestamp's authority expires within the horizon, and the stored
files nothing refers to listed (and removed when asked)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from signing.expiry import document_state
from signing.inspect import pdf_field_value
from signing.prepare import NUMBER_FIELD

from ...audit import AuditAction, record_event
from ...instance import Instance
from ...models import Document, DocumentFile, DocumentStatus, FileKind
from ...numbering import number_line
from ..drafting.documents import read_revision
from ..issuing.steps import extend_document
from ..setup.signing_tools import SigningTools
from ..verification.verify import verify_for_instance
from .integrity import (
    STRAY_GRACE,
    BlobProblem,
    Disagreement,
    StrayFile,
    check_blobs,
    stray_files,
    unrecorded_revisions,
)

__all__ = [
    "ExpiringCertificate",
    "FailedDocument",
    "Findings",
    "Progress",
    "SweepReport",
    "check_document",
    "sweep_archive",
]

# (stage, items done, items in the stage): "files", "documents", "archive copies"
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class FailedDocument:
    document: str  # its number, or #id
    reason: str


@dataclass(frozen=True)
class ExpiringCertificate:
    sha256: str
    role: str  # signer | timestamp
    subject: str
    not_after: datetime
    documents: tuple[str, ...]  # numbers (or #ids) of the documents that rely on it


@dataclass(frozen=True)
class SweepReport:
    files: int
    file_problems: tuple[BlobProblem, ...]
    disagreements: tuple[Disagreement, ...]  # the register against its record and its files
    documents: int
    failed: tuple[FailedDocument, ...]
    expiring: tuple[ExpiringCertificate, ...]
    extended: tuple[int, ...]
    not_extended: tuple[int, ...]
    strays: tuple[StrayFile, ...]
    strays_removed: int

    @property
    def sound(self) -> bool:
        """Nothing wrong: every file whole, every document passing, every copy renewed."""
        return not (self.file_problems or self.disagreements or self.failed or self.not_extended)

    def counts(self) -> dict[str, int]:
        return {
            "files": self.files,
            "file_problems": len(self.file_problems),
            "disagreements": len(self.disagreements),
            "documents": self.documents,
            "failed": len(self.failed),
            "expiring": len(self.expiring),
            "extended": len(self.extended),
            "not_extended": len(self.not_extended),
            "strays": len(self.strays),
            "strays_removed": self.strays_removed,
        }


@dataclass
class Findings:
    """What the sweep of the issued documents gathers on its way."""

    failed: list[FailedDocument] = field(default_factory=list)
    disagreements: list[Disagreement] = field(default_factory=list)
    expiring: dict[str, tuple[ExpiringCertificate, list[str]]] = field(default_factory=dict)
    needs_archive: list[int] = field(default_factory=list)


def sweep_archive(
    instance: Instance,
    *,
    actor: str,
    days: int = 90,
    renew_with: Callable[[], SigningTools] | None = None,
    remove_strays: bool = False,
    stray_grace: timedelta = STRAY_GRACE,
    progress: Progress = lambda _stage, _done, _total: None,
) -> SweepReport:
    """Sweep the whole archive; the tools ``renew_with`` gives (asked for only when a copy
    needs renewing) renew the archive copies; without them they are reported not renewed.
    The checks read without a lock; each renewal, and the record of the sweep, is a short
    transaction of its own, so registering, signing and issuing never wait for the sweep."""
    horizon = datetime.now(UTC) + timedelta(days=days)
    with instance.reading_sessions() as session:
        total = session.scalar(select(func.count()).select_from(DocumentFile)) or 0
        files, problems = 0, []
        for files, problem in check_blobs(session, instance.blobs):
            progress("files", files, total)
            if problem is not None:
                problems.append(problem)
        documents = session.scalars(
            select(Document).where(Document.status == DocumentStatus.ISSUED).order_by(Document.id)
        ).all()
        found = Findings(disagreements=unrecorded_revisions(session))
        for index, document in enumerate(documents, start=1):
            progress("documents", index, len(documents))
            check_document(session, instance, document, horizon, found)
    extended: list[int] = []
    not_extended: list[int] = []
    tools = renew_with() if renew_with is not None and found.needs_archive else None
    for index, document_id in enumerate(found.needs_archive, start=1):
        progress("archive copies", index, len(found.needs_archive))
        done = False
        if tools is not None:
            with instance.sessions.begin() as session:
                renewing = session.get(Document, document_id)
                assert renewing is not None
                done = extend_document(session, instance.blobs, renewing, tools, actor=actor)
        (extended if done else not_extended).append(document_id)
    with instance.reading_sessions() as session:
        strays = stray_files(session, instance.blobs, grace=stray_grace)
    if remove_strays:
        for stray in strays:
            instance.blobs.discard(stray.file.name)
    report = SweepReport(
        files=files,
        file_problems=tuple(problems),
        disagreements=tuple(found.disagreements),
        documents=len(documents),
        failed=tuple(found.failed),
        expiring=tuple(
            replace(cert, documents=tuple(labels)) for cert, labels in found.expiring.values()
        ),
        extended=tuple(extended),
        not_extended=tuple(not_extended),
        strays=tuple(strays),
        strays_removed=len(strays) if remove_strays else 0,
    )
    with instance.sessions.begin() as session:
        record_event(
            session, actor=actor, action=AuditAction.ARCHIVE_CHECK, details=report.counts()
        )
    return report


def check_document(
    session: Session, instance: Instance, document: Document, horizon: datetime, found: Findings
) -> None:
    label = document.number.rendered if document.number else f"#{document.id}"
    try:
        stored, data = read_revision(document, instance.blobs)
        verdict = verify_for_instance(session, instance, data)
        state = document_state(data)
    except Exception as exc:  # noqa: BLE001 - the sweep reports every failure and goes on
        found.failed.append(FailedDocument(label, getattr(exc, "message", str(exc))))
        return
    number = document.number
    if number is not None and not number.recorded:  # given here: the file carries it
        in_file = pdf_field_value(data, NUMBER_FIELD)
        if in_file not in (f"{number.number:02d}", number_line(number, document.issuer)):
            problem = f"the number in the file ({in_file or 'none'}) is not the register's"
            found.disagreements.append(Disagreement(label, problem))
    indication, sub_indication = verdict.verdict
    if indication != "TOTAL-PASSED":
        reason = f"{indication} ({sub_indication})" if sub_indication else indication
        found.failed.append(FailedDocument(label, reason))
    for cert in state.certificates:
        if cert.not_after <= horizon:
            seen = ExpiringCertificate(cert.sha256, cert.role, cert.subject, cert.not_after, ())
            found.expiring.setdefault(cert.sha256, (seen, []))[1].append(label)
    last = state.last_archive_timestamp_expires
    if stored.kind != FileKind.ARCHIVE or last is None or last <= horizon:
        found.needs_archive.append(document.id)
