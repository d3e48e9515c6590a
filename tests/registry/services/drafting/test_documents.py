"""Registering drafts on both databases, and reading revisions back."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from registry.config import load_config
from registry.errors import InputError, NotFoundError
from registry.models import AuditEvent, DocumentFile, FileKind, User
from registry.recipients import parse_distribution
from registry.services.drafting.documents import (
    DraftRequest,
    find_document,
    read_revision,
    register_draft,
)
from registry.services.people.users import add_user
from registry.storage import LocalBlobStore
from tests.support.database import Database, issuer_of, seed_issuer
from tests.support.pdfs import self_signed_pdf


def test_a_draft_registers_with_its_file_recipients_and_audit_event(
    database: Database, tmp_path: Path, seed_pdf: bytes
) -> None:
    issuer_id = seed_issuer(database, load_config(None))
    blobs = LocalBlobStore(tmp_path / "blobs")
    with database.sessions.begin() as session:
        add_user(session, login="van", full_name="Nguyễn Trọng Vân", roles={"signer"}, actor="t")
        document = register_draft(
            session,
            blobs,
            issuer_of(session, issuer_id),
            DraftRequest(
                pdf=seed_pdf,
                type_code="TB",
                subject="  Thông báo   kết luận  ",
                signer_login="van",
                recipients=parse_distribution("- Thường trực Tỉnh ủy,\n- Lưu Văn phòng."),
            ),
            actor="cli:test",
        )
        document_id = document.id
    with database.sessions() as session:
        document = find_document(session, str(document_id))
        assert document.subject == "Thông báo kết luận"
        assert document.page_count >= 5
        assert "Nguyễn Trọng Vân" in document.body_text
        assert [r.is_archive_copy for r in document.recipients] == [False, True]
        stored, data = read_revision(document, blobs)
        assert (stored.kind, data) == (FileKind.DRAFT, seed_pdf)
        events = session.scalars(select(AuditEvent)).all()
        assert [(e.action, e.actor, e.document_id) for e in events] == [
            ("user:add", "t", None),
            ("document:register", "cli:test", document_id),
        ]
        with pytest.raises(NotFoundError, match="no signed revision"):
            read_revision(document, blobs, FileKind.SIGNED)


def test_a_signed_pdf_is_refused_as_a_draft(database: Database, tmp_path: Path) -> None:
    issuer_id = seed_issuer(database, load_config(None))
    blobs = LocalBlobStore(tmp_path / "blobs")
    with database.sessions() as session:
        add_user(session, login="van", full_name="Nguyễn Trọng Vân", roles={"signer"}, actor="t")
        request = DraftRequest(
            pdf=self_signed_pdf("chu_ky"), type_code="TB", subject="x", signer_login="van"
        )
        with pytest.raises(InputError, match=r"already signed \(chu_ky\)"):
            register_draft(session, blobs, issuer_of(session, issuer_id), request, actor="t")
    assert not blobs.root.exists()


def test_nothing_is_written_when_the_pdf_is_refused(database: Database, tmp_path: Path) -> None:
    issuer_id = seed_issuer(database, load_config(None))
    blobs = LocalBlobStore(tmp_path / "blobs")
    with database.sessions() as session:
        add_user(session, login="van", full_name="Nguyễn Trọng Vân", roles={"signer"}, actor="t")
        request = DraftRequest(
            pdf=b"%PDF-1.4 junk", type_code="TB", subject="x", signer_login="van"
        )
        with pytest.raises(InputError, match="the draft: the PDF is damaged"):
            register_draft(session, blobs, issuer_of(session, issuer_id), request, actor="t")
        assert session.scalar(select(func.count()).select_from(DocumentFile)) == 0
    assert not blobs.root.exists()


def get_user_or_none(session: Session, login: str) -> User | None:
    return session.scalars(select(User).where(User.login == login)).first()


def _register(database: Database, tmp_path: Path, pdf: bytes, **request: Any) -> int:
    issuer_id = seed_issuer(database, load_config(None))
    with database.sessions.begin() as session:
        if get_user_or_none(session, "van") is None:
            add_user(
                session,
                login="van",
                full_name="Nguyễn Trọng Vân",
                roles={"signer"},
                actor="t",
                authority="T/M Ban Chấp hành",
                position="Phó Bí thư Thường trực",
            )
        document = register_draft(
            session,
            LocalBlobStore(tmp_path / "blobs"),
            issuer_of(session, issuer_id),
            replace(
                DraftRequest(pdf=pdf, type_code="TB", subject="Thông báo", signer_login="van"),
                **request,
            ),
            actor="t",
        )
        return document.id


def test_the_authority_is_the_signers_unless_the_clerk_chooses_one(
    database: Database, tmp_path: Path, seed_pdf: bytes
) -> None:
    default = _register(database, tmp_path, seed_pdf)
    chosen = _register(
        database, tmp_path / "2", seed_pdf, authority="k/t bí thư", position="Phó Bí thư"
    )
    with database.sessions() as session:
        first, second = find_document(session, str(default)), find_document(session, str(chosen))
        assert (first.signer_authority, first.signer_position) == (
            "T/M Ban Chấp hành",
            "Phó Bí thư Thường trực",
        )
        assert (second.signer_authority, second.signer_position) == ("K/T bí thư", "Phó Bí thư")
    with pytest.raises(InputError, match="The signing authority must start with one of T/M"):
        _register(database, tmp_path / "3", seed_pdf, authority="KT. Bí thư")


def test_a_draft_marked_secret_is_not_registered_as_ordinary(
    database: Database, tmp_path: Path
) -> None:
    from registry.models import Secrecy
    from tests.support.pdfs import text_pdf

    marked = text_pdf("ĐẢNG ỦY KHỐI", "Số      -TB/ĐUK", "TUYỆT MẬT", "THÔNG BÁO")
    with pytest.raises(InputError, match="marked TUYỆT MẬT but is registered as"):
        _register(database, tmp_path, marked)
    with database.sessions() as session:
        assert session.scalar(select(func.count()).select_from(DocumentFile)) == 0
    assert _register(database, tmp_path / "2", marked, secrecy=Secrecy.ABSOLUTE) > 0
