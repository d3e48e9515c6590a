"""The archive's integrity: every stored revision still there and still its SHA-256; and
the files in the store that nothing refers to (a transaction that rolled back or a process
that died after writing its blob, a write cut short), found and, on request, removed."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...audit import AuditAction, record_event
from ...errors import StorageError
from ...models import DocumentFile, Handoff
from ...storage import BlobStore, StoredFile

__all__ = [
    "BlobProblem",
    "StrayFile",
    "check_all_blobs",
    "check_blobs",
    "stray_files",
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
    """Files of the store older than ``grace`` that no revision or hand-off refers to."""
    cutoff = datetime.now(UTC) - grace
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
            found.extend(_unreferenced(session, batch))
            batch = []
    found.extend(_unreferenced(session, batch))
    return found


_BATCH = 500  # digests asked about per query (the files table has an index on sha256)


def _unreferenced(session: Session, files: list[StoredFile]) -> list[StrayFile]:
    if not files:
        return []
    digests = [file.sha256 for file in files]
    referenced = set(
        session.scalars(select(DocumentFile.sha256).where(DocumentFile.sha256.in_(digests)))
    )
    referenced.update(
        session.scalars(select(Handoff.base_sha256).where(Handoff.base_sha256.in_(digests)))
    )
    return [
        StrayFile(file, "referenced by no revision")
        for file in files
        if file.sha256 not in referenced
    ]


def check_all_blobs(
    session: Session, blobs: BlobStore, *, actor: str
) -> tuple[int, list[BlobProblem]]:
    """Re-hash every stored revision at once (the auditor's "check now"); recorded."""
    checked, problems = 0, []
    for checked, problem in check_blobs(session, blobs):  # noqa: B007 - the count is the last
        if problem is not None:
            problems.append(problem)
    record_event(
        session,
        actor=actor,
        action=AuditAction.ARCHIVE_CHECK_BLOBS,
        details={"checked": checked, "problems": len(problems)},
    )
    return checked, problems
