"""The archive's integrity: every stored revision still there and still its SHA-256."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import StorageError
from ..models import DocumentFile
from ..storage import BlobStore

__all__ = ["BlobProblem", "check_blobs"]


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
