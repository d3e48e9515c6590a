"""Search and visibility, on SQLite and PostgreSQL: diacritics and đ ignored, secrets kept."""

from __future__ import annotations

from pathlib import Path

from registry.models import Document, DocumentStatus, Secrecy
from registry.recipients import parse_distribution
from registry.services.access import ANONYMOUS, Viewer, can_see
from registry.services.documents import DraftRequest, register_draft
from registry.services.search import SearchQuery, search_documents
from registry.services.users import add_user
from registry.storage import LocalBlobStore
from tests.conftest import Database, issuer_of


def _register(
    session: object, blobs: LocalBlobStore, pdf: bytes, subject: str, **extra: object
) -> int:
    from sqlalchemy.orm import Session

    assert isinstance(session, Session)
    issuer = issuer_of(session, 1)
    request = DraftRequest(
        pdf=pdf, type_code="TB", subject=subject, signer_login="nguyentrongvan", **extra
    )  # type: ignore[arg-type]
    return register_draft(session, blobs, issuer, request, actor="t").id


def test_words_match_without_diacritics_and_secrets_stay_hidden(
    setup: tuple[Database, LocalBlobStore, int], seed_pdf: bytes, tmp_path: Path
) -> None:
    database, blobs, seed_id = setup
    with database.sessions.begin() as session:
        hidden = _register(
            session, blobs, seed_pdf, "Kế hoạch kiểm tra Đảng ủy Khối (mật)", secrecy=Secrecy.SECRET
        )
        ha_tinh = _register(
            session,
            blobs,
            seed_pdf,
            "Tổng kết công tác năm",
            recipients=parse_distribution("- Ủy ban nhân dân tỉnh Hà Tĩnh,\n- Lưu VP."),
        )
        other = add_user(
            session, login="pho-bi-thu", full_name="Trần Văn Khác", roles={"signer"}, actor="t"
        )
        other_id = other.id
        for document in session.query(Document):
            document.status = DocumentStatus.ISSUED
    clerk = Viewer(user_id=99, login="vanthu", roles=frozenset({"clerk"}))
    with database.sessions() as session:

        def ids(text: str, viewer: Viewer = clerk, **filters: object) -> set[int]:
            page = search_documents(session, SearchQuery(text=text, **filters), viewer)  # type: ignore[arg-type]
            return {document.id for document in page.documents}

        assert ids("ha tinh") == {ha_tinh}
        assert ids("HÀ TĨNH") == {ha_tinh}
        assert ids("dang uy khoi") == {hidden}
        assert ids("đảng ủy") == {hidden}
        assert ids("ket luan") == {seed_id}
        assert ids("", secrecy=Secrecy.SECRET) == {hidden}
        assert ids("nguyen trong van") == {seed_id, hidden, ha_tinh}
        assert ids("100%_") == set()  # LIKE's wildcards are plain characters
        # The public and other signers never see the secret one; its own signer does.
        public = Viewer(public_lookup=True)
        assert ids("dang uy khoi", public) == set()
        assert (
            ids("dang uy khoi", Viewer(user_id=other_id, login="x", roles=frozenset({"signer"})))
            == set()
        )
        secret = session.get(Document, hidden)
        assert secret is not None and not can_see(ANONYMOUS, secret)
        assert can_see(Viewer(user_id=secret.signer_id, roles=frozenset({"signer"})), secret)
        assert ids("", Viewer(public_lookup=False)) == set()
