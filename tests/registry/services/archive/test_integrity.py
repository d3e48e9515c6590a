"""Every stored revision is the one the audit trail recorded for its document and kind
(both engines): a files row pointed elsewhere is found."""

from __future__ import annotations

from sqlalchemy import update

from registry.models import DocumentFile
from registry.services.archive.integrity import unrecorded_revisions
from tests.support.database import ServiceSetup
from tests.support.pdfs import blank_pdf


def test_a_revision_pointed_at_another_file_disagrees_with_the_record(
    setup: ServiceSetup,
) -> None:
    database, blobs, document_id = setup
    with database.sessions() as session:
        assert unrecorded_revisions(session) == []
    elsewhere = blobs.put(blank_pdf())
    with database.sessions.begin() as session:
        session.execute(
            update(DocumentFile)
            .where(DocumentFile.document_id == document_id)
            .values(sha256=elsewhere.sha256)
        )
    with database.sessions() as session:
        (found,) = unrecorded_revisions(session)
    assert found.document == f"#{document_id}"
    assert found.problem.startswith(f"its draft revision ({elsewhere.sha256[:16]}…)")
