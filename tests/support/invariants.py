"""What must hold of a register whatever happened to the processes that wrote it."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from sqlalchemy import select

from registry.db import make_engine, make_session_factory
from registry.models import Document, DocumentStatus, FileKind, NumberEntry
from registry.services.archive.audit_chain import verify_chain
from registry.services.archive.integrity import check_blobs
from registry.storage import BlobStore, LocalBlobStore


def assert_register_sound(url: str, blobs: Path | BlobStore) -> dict[int, str]:
    """Every number used by exactly one issued (or withdrawn) document or void with a reason,
    none skipped; every issued document numbered; every stored revision present and intact;
    the audit chain unbroken. Returns the issued documents' numbers by document id.
    ``blobs``: the store, or the folder of a local one."""
    store = LocalBlobStore(blobs) if isinstance(blobs, Path) else blobs
    engine = make_engine(url)
    try:
        with make_session_factory(engine)() as session:
            numbers = session.scalars(select(NumberEntry)).all()
            series: dict[int, list[int]] = defaultdict(list)
            used: dict[int, str] = {}
            for entry in numbers:
                series[entry.series_period_id].append(entry.number)
                if entry.void_reason:
                    continue
                assert entry.document_id is not None, f"{entry.rendered}: neither used nor void"
                document = session.get(Document, entry.document_id)
                assert document is not None
                assert document.status in (DocumentStatus.ISSUED, DocumentStatus.WITHDRAWN), (
                    f"{entry.rendered} belongs to document #{document.id}, {document.status}"
                )
                used[document.id] = entry.rendered
            for drawn in series.values():
                assert sorted(drawn) == list(range(1, len(drawn) + 1)), f"gap or repeat: {drawn}"
            for document in session.scalars(
                select(Document).where(Document.status == DocumentStatus.ISSUED)
            ):
                assert document.id in used, f"issued document #{document.id} has no number"
                assert FileKind.ISSUED in {file.kind for file in document.files}
            problems = [p for _, p in check_blobs(session, store) if p]
            assert problems == [], problems
            chain = verify_chain(session)
            assert chain.intact, chain.problems
            return used
    finally:
        engine.dispose()
