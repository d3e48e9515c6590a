"""Eight processes issuing 25 notices each against one database: numbers 01…200 exactly once."""

from __future__ import annotations

import io
import multiprocessing
from collections import Counter
from pathlib import Path

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from sqlalchemy import select

from certs.demo import DemoPki
from certs.services import PkiServices
from certs.trust import TrustStore
from registry.config import load_config
from registry.db import make_engine, make_session_factory
from registry.models import Document, DocumentFile, DocumentStatus, FileKind, NumberEntry
from registry.services.drafting.documents import read_revision
from registry.storage import LocalBlobStore
from tests.support.database import Database, ServiceSetup
from tests.support.pki import PASSPHRASE, RunningPki

PROCESSES, EACH = 8, 25


def issue_many(url: str, blobs_root: str, pki_folder: str, document_ids: list[int]) -> None:
    """One issuing process: its own engine, keys and tools, one transaction per notice."""
    from registry.services.issuing.steps import issue_document
    from signing.keys import load_pkcs12_signer
    from tests.support.issuing import make_tools
    from tests.support.pki import RunningPki as Running

    pki = DemoPki(Path(pki_folder))
    running = Running(pki, PkiServices(pki, PASSPHRASE), None)  # type: ignore[arg-type]
    tools = make_tools(running)
    signer = load_pkcs12_signer(pki.key_path("organisation"), PASSPHRASE)
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    blobs = LocalBlobStore(Path(blobs_root))
    for document_id in document_ids:
        with sessions.begin() as session:
            document = session.get(Document, document_id)
            assert document is not None
            issue_document(session, blobs, document, signer, tools, actor=f"worker-{document_id}")
    engine.dispose()


def signed_documents(
    database: Database, blobs: LocalBlobStore, running: RunningPki, count: int
) -> list[int]:
    """One notice taken to 'signed', then ``count`` registered documents sharing its revisions."""
    from tests.support.issuing import advance_to_signed, make_tools

    with database.sessions() as session:
        first = session.scalars(select(Document)).one()
        first_id = first.id
    advance_to_signed(database, blobs, first_id, make_tools(running), running)
    ids = [first_id]
    with database.sessions.begin() as session:
        template = session.get(Document, first_id)
        assert template is not None
        for _ in range(count - 1):
            copy = Document(
                issuer_id=template.issuer_id,
                type_id=template.type_id,
                subject=template.subject,
                signer_id=template.signer_id,
                signer_name=template.signer_name,
                place=template.place,
                status=DocumentStatus.SIGNED,
            )
            copy.files = [
                DocumentFile(kind=f.kind, sha256=f.sha256, size=f.size) for f in template.files
            ]
            session.add(copy)
            session.flush()
            ids.append(copy.id)
    return ids


@pytest.mark.slow
def test_eight_processes_issue_two_hundred_notices(
    setup: ServiceSetup, running_pki: RunningPki, tmp_path: Path
) -> None:
    database, blobs, _ = setup
    ids = signed_documents(database, blobs, running_pki, PROCESSES * EACH)
    with multiprocessing.get_context("spawn").Pool(PROCESSES) as pool:
        pool.starmap(
            issue_many,
            [
                (database.url, str(blobs.root), str(running_pki.pki.folder), ids[i::PROCESSES])
                for i in range(PROCESSES)
            ],
        )
    with database.sessions() as session:
        numbers = session.scalars(select(NumberEntry.number)).all()
        assert sorted(numbers) == list(range(1, PROCESSES * EACH + 1))
        assert Counter(numbers).most_common(1)[0][1] == 1
        documents = session.scalars(select(Document)).all()
        assert {d.status for d in documents} == {DocumentStatus.ISSUED}
        store = TrustStore.from_paths(anchors=[running_pki.pki.folder / "root-ca.pem"])
        context = store.validation_context()
        for document in documents:
            issued = read_revision(document, blobs, FileKind.ISSUED)[1]
            for signature in PdfFileReader(io.BytesIO(issued)).embedded_signatures:
                assert validate_pdf_signature(signature, context).bottom_line, document.id
    assert load_config(None).issuer.abbreviation == "ĐUK"
