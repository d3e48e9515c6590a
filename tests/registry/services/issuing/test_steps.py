"""The issuing flow on both databases: every revision kept, the number given in the same
transaction, and every failure leaving the document issuable with no number consumed."""

from __future__ import annotations

import io
import itertools

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from sqlalchemy import func, select

from basics.language import shown
from basics.said import Said
from certs.demo import Holder
from certs.trust import TrustStore
from registry.errors import InputError
from registry.models import AuditEvent, Document, DocumentStatus, FileKind, NumberEntry
from registry.services.drafting.documents import DraftRequest, read_revision, register_draft
from registry.services.issuing.steps import issue_document, prepare_document, sign_document
from signing.errors import SigningError
from signing.timestamps import RetryingHTTPTimeStamper
from tests.support.database import Database, ServiceSetup
from tests.support.issuing import advance_to_signed, issue_as_office, make_tools, signer
from tests.support.pki import PASSPHRASE, RunningPki, free_port


def test_draft_to_issued_keeps_every_revision(setup, running_pki: RunningPki) -> None:  # type: ignore[no-untyped-def]
    database, blobs, document_id = setup
    tools = make_tools(running_pki)
    advance_to_signed(database, blobs, document_id, tools, running_pki)
    with database.sessions.begin() as session:
        document = session.get(Document, document_id)
        assert document is not None
        issued = issue_document(
            session, blobs, document, signer(running_pki, "organisation"), tools, actor="clerk"
        )
    with database.sessions() as session:
        document = session.get(Document, document_id)
        assert document is not None and document.status == DocumentStatus.ISSUED
        assert document.number is not None and document.number.rendered == "01-TB/ĐUK"
        assert document.document_date is not None and document.issued_at is not None
        assert [f.kind for f in document.files] == [
            FileKind.DRAFT,
            FileKind.PREPARED,
            FileKind.SIGNED,
            FileKind.ISSUED,
            FileKind.ARCHIVE,
        ]
        revisions = [read_revision(document, blobs, f.kind)[1] for f in document.files]
        for earlier, later in itertools.pairwise(revisions):
            assert later.startswith(earlier)  # every step is an incremental update
        assert read_revision(document, blobs, FileKind.ISSUED)[1] == issued
        actions = session.scalars(
            select(AuditEvent.action).where(AuditEvent.document_id == document_id)
        ).all()
        assert actions == [
            "document:register",
            "document:prepare",
            "document:sign",
            "document:issue",
            "archive:extend",
        ]
    store = TrustStore.from_paths(anchors=[running_pki.pki.folder / "root-ca.pem"])
    for signature in PdfFileReader(io.BytesIO(issued)).embedded_signatures:
        assert validate_pdf_signature(signature, store.validation_context()).bottom_line


def test_steps_out_of_order_are_refused(setup, running_pki: RunningPki) -> None:  # type: ignore[no-untyped-def]
    database, blobs, document_id = setup
    tools = make_tools(running_pki)
    with database.sessions() as session:
        document = session.get(Document, document_id)
        assert document is not None
        with pytest.raises(
            InputError,
            match="cannot be signed: it is at “Draft”, and only a document at “Awaiting signature”",
        ):
            sign_document(session, blobs, document, signer(running_pki), tools, actor="t")
        with pytest.raises(InputError, match="only a document at “Signed, awaiting issue” can be"):
            issue_document(
                session, blobs, document, signer(running_pki, "organisation"), tools, actor="t"
            )


def test_someone_elses_key_cannot_sign(setup, running_pki: RunningPki) -> None:  # type: ignore[no-untyped-def]
    database, blobs, document_id = setup
    with database.sessions() as session:
        document = session.get(Document, document_id)
        assert document is not None
        prepare_document(session, blobs, document, actor="t")
        with pytest.raises(InputError, match="to be signed by Nguyễn Trọng Vân"):
            sign_document(
                session,
                blobs,
                document,
                signer(running_pki, "organisation"),
                make_tools(running_pki),
                actor="t",
            )


def no_number_consumed(database: Database, document_id: int) -> None:
    with database.sessions() as session:
        assert session.scalar(select(func.count()).select_from(NumberEntry)) == 0
        document = session.get(Document, document_id)
        assert document is not None and document.status == DocumentStatus.SIGNED
        assert FileKind.ISSUED not in [f.kind for f in document.files]


def test_a_tsa_that_is_down_consumes_no_number(setup, running_pki: RunningPki) -> None:  # type: ignore[no-untyped-def]
    database, blobs, document_id = setup
    advance_to_signed(database, blobs, document_id, make_tools(running_pki), running_pki)
    down = RetryingHTTPTimeStamper(f"http://127.0.0.1:{free_port()}/tsa", timeout=1, retries=0)
    with (
        pytest.raises(SigningError, match="timestamp service failed"),
        database.sessions.begin() as session,
    ):
        document = session.get(Document, document_id)
        issue_as_office(session, blobs, document, running_pki, make_tools(running_pki, down))
    no_number_consumed(database, document_id)
    # Once the TSA is back, the same document is issued with the first number.
    with database.sessions.begin() as session:
        document = session.get(Document, document_id)
        issue_as_office(session, blobs, document, running_pki)
        assert document.number is not None and document.number.rendered == "01-TB/ĐUK"


def test_a_crash_between_allocation_and_commit_consumes_no_number(
    setup: ServiceSetup, running_pki: RunningPki
) -> None:
    database, blobs, document_id = setup
    advance_to_signed(database, blobs, document_id, make_tools(running_pki), running_pki)

    class PowerCut(Exception):
        pass

    with pytest.raises(PowerCut), database.sessions.begin() as session:
        document = session.get(Document, document_id)
        issue_as_office(session, blobs, document, running_pki)
        raise PowerCut  # after the number, the blobs and the rows, before the commit
    no_number_consumed(database, document_id)


def test_a_revoked_key_cannot_issue(setup, running_pki: RunningPki) -> None:  # type: ignore[no-untyped-def]
    database, blobs, document_id = setup
    advance_to_signed(database, blobs, document_id, make_tools(running_pki), running_pki)
    label = f"revoked-org-{document_id}-{database.kind}"
    cert = running_pki.pki.issue(
        label, "organisation", Holder("Văn phòng cũ", "cu@hatinh.dcs.vn"), passphrase=PASSPHRASE
    )
    running_pki.pki.revoke(f"{cert.serial_number:x}", "key_compromise")
    with pytest.raises(InputError, match="is revoked"), database.sessions.begin() as session:
        document = session.get(Document, document_id)
        issue_document(
            session, blobs, document, signer(running_pki, label), make_tools(running_pki), actor="t"
        )
    no_number_consumed(database, document_id)


def test_configured_boxes_place_a_draft_the_text_cannot(setup) -> None:  # type: ignore[no-untyped-def]
    from registry.config import PlacementConfig
    from registry.services.issuing.steps import configured_placement
    from tests.support.pdfs import blank_pdf

    database, blobs, document_id = setup
    with database.sessions.begin() as session:
        template = session.get(Document, document_id)
        assert template is not None
        request = DraftRequest(
            pdf=blank_pdf(),
            type_code="TB",
            subject="Không có chỗ trống",
            signer_login="nguyentrongvan",
        )
        blank = register_draft(session, blobs, template.issuer, request, actor="t")
        with pytest.raises(InputError, match=r"not found .*\(or configure \[signing.placement\]\)"):
            prepare_document(session, blobs, blank, actor="t")
        boxes = PlacementConfig(
            number=(1, 100, 700, 160, 720),
            date=(1, 300, 700, 550, 720),
            signer=(1, 350, 100, 500, 200),
            organisation=(1, 250, 110, 410, 210),
        )
        fallback = configured_placement(boxes)
        assert fallback is not None and fallback.signer.page == 0
        prepare_document(session, blobs, blank, actor="t", fallback=fallback)
        assert blank.status == DocumentStatus.PREPARED
    assert configured_placement(PlacementConfig(number=(1, 1, 1, 2, 2))) is None


def test_a_block_without_room_for_the_seal_is_prepared_and_the_clerk_told(setup) -> None:  # type: ignore[no-untyped-def]
    from tests.support.pdfs import text_pdf

    database, blobs, document_id = setup
    # The position line right above the name: the seal can only be printed small.
    tight = text_pdf(
        "Số        -TB/ĐUK",
        "Hà Tĩnh, ngày      tháng      năm 2026",
        "",
        "T/M BAN CHẤP HÀNH",
        "PHÓ BÍ THƯ THƯỜNG TRỰC",
        "",
        "",
        "",
        "Nguyễn Trọng Vân",
    )
    with database.sessions.begin() as session:
        template = session.get(Document, document_id)
        assert template is not None
        request = DraftRequest(
            pdf=tight, type_code="TB", subject="Khối chữ ký chật", signer_login="nguyentrongvan"
        )
        document = register_draft(session, blobs, template.issuer, request, actor="t")
        notes = prepare_document(session, blobs, document, actor="t")
        assert len(notes) == 1 and "The seal" in str(notes[0])
        assert "Con dấu" in shown(notes[0], "vi")
    with database.sessions() as session:
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "document:prepare")
        ).one()
        assert [Said.from_record(note) for note in event.details["notes"]] == list(notes)
