"""Return and revise on both engines: the transitions, who may make them, and what is kept."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from registry.errors import InputError
from registry.models import Document, DocumentStatus, FileKind, User
from registry.recipients import parse_distribution
from registry.services.archive.history import document_history
from registry.services.archive.integrity import unrecorded_revisions
from registry.services.drafting.documents import read_revision
from registry.services.drafting.draft_life import (
    Revision,
    add_comment,
    return_document,
    revise_document,
)
from registry.services.issuing.steps import prepare_document, sign_document
from registry.services.people.users import add_user
from tests.support.database import ServiceSetup
from tests.support.issuing import make_tools, signer
from tests.support.pdfs import self_signed_pdf
from tests.support.pki import RunningPki


def _people(session) -> tuple[User, User]:  # type: ignore[no-untyped-def]
    van = session.scalars(select(User).where(User.login == "nguyentrongvan")).one()
    clerk = add_user(session, login="vanthu", full_name="Lê Thị Mai", roles={"clerk"}, actor="t")
    return van, clerk


def test_returned_revised_prepared_signed(
    setup: ServiceSetup, running_pki: RunningPki, seed_pdf: bytes
) -> None:
    database, blobs, document_id = setup
    tools = make_tools(running_pki)
    with database.sessions.begin() as session:
        van, clerk = _people(session)
        document = session.get(Document, document_id)
        assert document is not None
        prepare_document(session, blobs, document, actor="vanthu")
        return_document(
            session, document, comment="Sửa đoạn 2, bỏ câu cuối.", by=van, actor="nguyentrongvan"
        )
        assert document.status.value == "returned"
        with pytest.raises(
            InputError, match="it is at “Returned”, and only a document at “Awaiting signature”"
        ):
            sign_document(session, blobs, document, signer(running_pki), tools, actor="x")
        with pytest.raises(InputError, match="only a document at “Draft” can be"):
            prepare_document(session, blobs, document, actor="vanthu")
        changed = revise_document(
            session,
            blobs,
            document,
            Revision(
                pdf=seed_pdf + b"\n%revised\n",
                file_name="du-thao-2.pdf",
                subject="Thông báo kết luận (sửa)",
                recipients=parse_distribution("- Thường trực Tỉnh ủy,\n- Lưu Văn phòng."),
                note="Đã sửa đoạn 2.",
            ),
            author=clerk,
            actor="vanthu",
        )
        assert changed == ["subject", "recipients", "file"]
        assert document.status.value == "draft"  # (mypy narrowed it to "returned" above)
        add_comment(session, document, text="Xin anh xem lại.", author=clerk, actor="vanthu")
        prepare_document(session, blobs, document, actor="vanthu")
        sign_document(session, blobs, document, signer(running_pki), tools, actor="nguyentrongvan")
    with database.sessions() as session:
        document = session.get(Document, document_id)
        assert document is not None and document.status == DocumentStatus.SIGNED
        kinds = [stored.kind for stored in document.files]
        assert kinds == [
            FileKind.DRAFT,
            FileKind.PREPARED,
            FileKind.DRAFT,
            FileKind.PREPARED,
            FileKind.SIGNED,
        ]
        # The new draft is the one prepared and signed; the first is kept.
        assert read_revision(document, blobs, FileKind.DRAFT)[1].endswith(b"%revised\n")
        assert read_revision(document, blobs, FileKind.SIGNED)[1].startswith(
            read_revision(document, blobs, FileKind.PREPARED)[1]
        )
        assert [(r.name, r.is_archive_copy) for r in document.recipients] == [
            ("Thường trực Tỉnh ủy", False),
            ("Văn phòng", True),
        ]
        assert [(c.kind, c.author, c.body) for c in document.comments] == [
            ("return", "nguyentrongvan", "Sửa đoạn 2, bỏ câu cuối."),
            ("revision", "vanthu", "Đã sửa đoạn 2."),
            ("comment", "vanthu", "Xin anh xem lại."),
        ]
        history = document_history(session, document)
        assert [(entry.who, entry.what, entry.said) for entry in history] == [
            ("t", "đăng ký dự thảo", ""),
            ("Lê Thị Mai", "chuẩn bị để ký", ""),
            ("Nguyễn Trọng Vân", "trả lại dự thảo", "Sửa đoạn 2, bỏ câu cuối."),
            ("Lê Thị Mai", "thay dự thảo (trích yếu, nơi nhận, tệp)", "Đã sửa đoạn 2."),
            ("Lê Thị Mai", "ghi ý kiến", "Xin anh xem lại."),
            ("Lê Thị Mai", "chuẩn bị để ký", ""),
            ("Nguyễn Trọng Vân", "ký duyệt", ""),
        ]
        english = document_history(session, document, "en")
        assert english[3].what == "revised the draft (subject, recipients, file)"
        # Every draft is the one the audit trail recorded.
        assert unrecorded_revisions(session) == []


def test_what_cannot_be_returned_or_revised(setup: ServiceSetup, running_pki: RunningPki) -> None:
    database, blobs, document_id = setup
    with database.sessions.begin() as session:
        van, clerk = _people(session)
        document = session.get(Document, document_id)
        assert document is not None
        with pytest.raises(InputError, match="is Nguyễn Trọng Vân's to sign, not Lê Thị Mai's"):
            return_document(session, document, comment="Không đồng ý", by=clerk, actor="vanthu")
        with pytest.raises(InputError, match="write what it says"):
            return_document(session, document, comment="   ", by=van, actor="nguyentrongvan")
        with pytest.raises(InputError, match="Nothing was changed"):
            revise_document(
                session,
                blobs,
                document,
                Revision(subject=document.subject),
                author=clerk,
                actor="vanthu",
            )
        with pytest.raises(InputError, match="already signed"):
            revise_document(
                session,
                blobs,
                document,
                Revision(pdf=self_signed_pdf()),
                author=clerk,
                actor="vanthu",
            )
        prepare_document(session, blobs, document, actor="vanthu")
        sign_document(
            session, blobs, document, signer(running_pki), make_tools(running_pki), actor="v"
        )
        with pytest.raises(InputError, match="only a draft or a prepared document can be returned"):
            return_document(session, document, comment="Muộn rồi", by=van, actor="nguyentrongvan")
        with pytest.raises(InputError, match="only a draft, a prepared or a returned document"):
            revise_document(
                session, blobs, document, Revision(subject="Khác"), author=clerk, actor="vanthu"
            )
        assert document.status == DocumentStatus.SIGNED
