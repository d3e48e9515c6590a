"""The archive's integrity: every stored revision still there and still its SHA-256, and
the one the audit trail recorded for its document (a files row pointed at another
document's blob is found here); and the files in the store that nothing refers to (a
transaction that rolled back or a process that died after writing its blob, a write cut
short), found and, on request, removed."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...audit import AuditAction
from ...errors import StorageError
from ...models import AuditEvent, Document, DocumentFile, FileKind, Handoff, JobRun, JobState
from ...storage import BlobStore, StoredFile
from .register_book import BOOK_EXPORT, EXPORT_KEPT

__all__ = [
    "BlobProblem",
    "Disagreement",
    "StrayFile",
    "check_blobs",
    "stray_files",
    "unrecorded_revisions",
]

# A blob is written before its transaction commits: a younger unreferenced file may be the
# work of a transaction still running, so it is left alone.
STRAY_GRACE = timedelta(hours=1)


@dataclass(frozen=True)
class BlobProblem:
    document_id: int
    revision: str
    sha256: str
    problem: str


@dataclass(frozen=True)
class Disagreement:
    """The register and its own record (or the file) tell different things."""

    document: str  # its number, or #id
    problem: str


# The events that record each kind of revision with its SHA-256 when it is stored.
_RECORDED_BY: dict[str, FileKind] = {
    AuditAction.DOCUMENT_REGISTER: FileKind.DRAFT,
    AuditAction.DOCUMENT_REVISE: FileKind.DRAFT,
    AuditAction.DOCUMENT_PREPARE: FileKind.PREPARED,
    AuditAction.DOCUMENT_SIGN: FileKind.SIGNED,
    AuditAction.HANDOFF_ACCEPTED_SIGN: FileKind.SIGNED,
    AuditAction.DOCUMENT_ISSUE: FileKind.ISSUED,
    AuditAction.HANDOFF_ACCEPTED_ISSUE: FileKind.ISSUED,
    AuditAction.DOCUMENT_IMPORT: FileKind.ISSUED,
    AuditAction.ARCHIVE_EXTEND: FileKind.ARCHIVE,
    AuditAction.DOCUMENT_ATTACH: FileKind.ATTACHMENT,
}


def unrecorded_revisions(session: Session) -> list[Disagreement]:
    """Stored revisions whose digest no audit event recorded for that document and that
    kind of revision: every revision the register stores was recorded when it was made."""
    recorded: dict[tuple[int, FileKind], set[str]] = defaultdict(set)
    events = select(AuditEvent.document_id, AuditEvent.action, AuditEvent.details).where(
        AuditEvent.document_id.is_not(None), AuditEvent.action.in_(list(_RECORDED_BY))
    )
    for document_id, action, details in session.execute(events):
        digest = details.get("sha256") if isinstance(details, dict) else None
        if isinstance(digest, str):
            recorded[(document_id, _RECORDED_BY[action])].add(digest)
    found = []
    rows = select(DocumentFile.document_id, DocumentFile.kind, DocumentFile.sha256)
    for document_id, kind, sha256 in session.execute(rows.order_by(DocumentFile.id)):
        if sha256 not in recorded.get((document_id, kind), ()):
            document = session.get(Document, document_id)
            label = document.number.rendered if document and document.number else f"#{document_id}"
            problem = (
                f"its {kind.value} revision ({sha256[:16]}…) is not the one the audit trail "
                "recorded for it"
            )
            found.append(Disagreement(label, problem))
    return found


def check_blobs(session: Session, blobs: BlobStore) -> Iterator[tuple[int, BlobProblem | None]]:
    """Re-hash every stored revision; yields (files checked so far, a problem or None)."""
    rows = session.execute(
        select(DocumentFile.document_id, DocumentFile.kind, DocumentFile.sha256).order_by(
            DocumentFile.id
        )
    ).all()
    for index, (document_id, kind, sha256) in enumerate(rows, start=1):
        try:
            blobs.get(sha256)
        except StorageError as exc:
            yield index, BlobProblem(document_id, kind.value, sha256, exc.message)
            continue
        yield index, None


@dataclass(frozen=True)
class StrayFile:
    file: StoredFile
    reason: str


def stray_files(
    session: Session, blobs: BlobStore, *, grace: timedelta = STRAY_GRACE
) -> list[StrayFile]:
    """Files of the store older than ``grace`` that no revision, hand-off or recent book
    export refers to."""
    cutoff = datetime.now(UTC) - grace
    kept = _kept_exports(session)
    found = []
    batch: list[StoredFile] = []
    for file in blobs.files():
        if file.modified > cutoff:
            continue
        if file.sha256 is None:
            found.append(StrayFile(file, "an unfinished write"))
            continue
        batch.append(file)
        if len(batch) == _BATCH:
            found.extend(_unreferenced(session, batch, kept))
            batch = []
    found.extend(_unreferenced(session, batch, kept))
    return found


_BATCH = 500  # digests asked about per query (the files table has an index on sha256)


def _kept_exports(session: Session) -> set[str]:
    """The register books exported by a job in the last ``EXPORT_KEPT``, waiting to be
    downloaded (few: one per large export asked for)."""
    since = datetime.now(UTC) - EXPORT_KEPT
    runs = session.scalars(
        select(JobRun).where(
            JobRun.task == BOOK_EXPORT, JobRun.state == JobState.DONE, JobRun.finished_at >= since
        )
    )
    return {str(run.result["sha256"]) for run in runs if "sha256" in run.result}


def _unreferenced(session: Session, files: list[StoredFile], kept: set[str]) -> list[StrayFile]:
    if not files:
        return []
    digests = [file.sha256 for file in files]
    referenced = set(
        session.scalars(select(DocumentFile.sha256).where(DocumentFile.sha256.in_(digests)))
    )
    referenced.update(
        session.scalars(select(Handoff.base_sha256).where(Handoff.base_sha256.in_(digests)))
    )
    referenced.update(kept)
    return [
        StrayFile(file, "referenced by no revision")
        for file in files
        if file.sha256 not in referenced
    ]
