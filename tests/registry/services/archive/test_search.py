"""Search and visibility, on SQLite (FTS5) and PostgreSQL (full-text index): diacritics and
đ ignored, whole words, the number first, filters, secrets kept from those not allowed."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from sqlalchemy.orm import Session

from registry.config import load_config
from registry.models import Document, DocumentStatus, Secrecy
from registry.recipients import parse_distribution
from registry.search_text import number_key, search_words, words_of
from registry.services.archive.search import TOTAL_LIMIT, SearchQuery, search_documents
from registry.services.drafting.documents import DraftRequest, register_draft
from registry.services.people.access import ANONYMOUS, Viewer, can_see
from registry.services.people.users import add_user
from registry.storage import LocalBlobStore
from tests.support.archive import SIGNERS, GeneratedDocument, generate_archive
from tests.support.database import Database, issuer_of
from tests.support.pdfs import text_pdf

ARCHIVE_SIZE = 10_000
CLERK = Viewer(user_id=99, login="vanthu", roles=frozenset({"clerk"}))


def _register(
    session: Session, blobs: LocalBlobStore, body: str, subject: str, **extra: object
) -> int:
    request = DraftRequest(
        pdf=text_pdf(body),
        type_code="TB",
        subject=subject,
        signer_login="nguyentrongvan",
        **extra,  # type: ignore[arg-type]
    )
    return register_draft(session, blobs, issuer_of(session, 1), request, actor="t").id


def test_search_by_words_filters_and_secrecy(
    setup: tuple[Database, LocalBlobStore, int],
) -> None:
    database, blobs, seed_id = setup  # the seed notice: "Hà Tĩnh" only in its body
    with database.sessions.begin() as session:
        hidden = _register(
            session,
            blobs,
            "Nội dung kiểm tra năm 2026.",
            "Kế hoạch kiểm tra Đảng ủy Khối",
            secrecy=Secrecy.SECRET,
        )
        ha_tinh = _register(
            session,
            blobs,
            "Báo cáo về phòng cháy, chữa cháy ở bảo tàng.",
            "Tổng kết công tác tại Hà Tĩnh",
            recipients=parse_distribution("- Bưu điện tỉnh Quảng Bình,\n- Lưu VP."),
        )
        other_id = add_user(
            session, login="pho-bi-thu", full_name="Trần Văn Khác", roles={"signer"}, actor="t"
        ).id
        for document in session.query(Document):
            document.status = DocumentStatus.ISSUED

    with database.sessions() as session:

        def found(text: str, viewer: Viewer = CLERK, **filters: object) -> list[int]:
            query = SearchQuery(text=text, **filters)  # type: ignore[arg-type]
            return [document.id for document in search_documents(session, query, viewer).documents]

        # The subject's match ranks before the body's; diacritics and case do not matter.
        assert found("ha tinh") == [ha_tinh, seed_id]
        assert found("HÀ TĨNH") == found("Hà Tĩnh") == [ha_tinh, seed_id]
        assert found("dang uy khoi") == [hidden, seed_id]
        assert found("phong chay chua chay") == [ha_tinh]  # only in that body
        # Every word, anywhere; the syllables "bảo" and "tàng" are in the seed's body too,
        # apart, so it matches, after the document where they form the phrase.
        assert found("bao tang ha tinh") == [ha_tinh, seed_id]
        assert found("bao tang") == [ha_tinh, seed_id]
        assert ha_tinh not in found("bao tan")  # whole words only
        assert found("quang binh") == [ha_tinh]  # recipients are searched
        assert found("", recipient="Quảng Bình") == [ha_tinh]
        assert found("", recipient="ha tinh") == []
        assert found("", secrecy=Secrecy.SECRET) == [hidden]
        assert found("100%_ AND OR NOT") == []  # no wildcard, no FTS operator
        # The public and other signers never see the secret one; its own signer does.
        assert hidden not in found("kiem tra", Viewer(public_lookup=True))
        assert hidden not in found("kiem tra", Viewer(other_id, "x", frozenset({"signer"})))
        secret = session.get(Document, hidden)
        assert secret is not None and not can_see(ANONYMOUS, secret)
        assert can_see(Viewer(user_id=secret.signer_id, roles=frozenset({"signer"})), secret)
        assert found("", Viewer(public_lookup=False)) == []


@pytest.fixture
def archive(database: Database) -> tuple[Database, list[GeneratedDocument]]:
    return database, generate_archive(database.sessions, load_config(None), ARCHIVE_SIZE)


def _expected(
    generated: list[GeneratedDocument], text: str, viewer: Viewer, **filters: Any
) -> list[int]:
    """The answer worked out in Python from what was generated: which documents hold every
    word, visible to ``viewer``, ranked as documented."""
    words = words_of(text)
    exact = (
        number_key(text) if re.match(r"\d", number_key(text)) and " " in number_key(text) else ""
    )
    exact_ids = {d.id for d in generated if exact and number_key(d.number) == exact}
    chosen = []
    for document in generated:
        if exact_ids:  # a registered number finds that number's documents only
            if document.id not in exact_ids:
                continue
        elif words and not set(words) <= set(document.words.split()):
            continue
        if not viewer.sees_secrets and document.secrecy != Secrecy.NONE:
            continue
        if filters.get("type_code") and document.type_code != filters["type_code"]:
            continue
        if filters.get("signer_login") and document.signer_login != filters["signer_login"]:
            continue
        if filters.get("issued_from") and document.document_date < filters["issued_from"]:
            continue
        if filters.get("issued_to") and document.document_date > filters["issued_to"]:
            continue
        if filters.get("recipient"):
            wanted = f" {' '.join(words_of(filters['recipient']))} "
            if not any(wanted in f" {' '.join(words_of(n))} " for n in document.recipients):
                continue
        rank = 0 if exact and number_key(document.number) == exact else _rank(document, words)
        chosen.append((rank, -document.document_date.toordinal(), -document.id, document.id))
    return [entry[-1] for entry in sorted(chosen)]


def _rank(document: GeneratedDocument, words: list[str]) -> int:
    """1: the words as a phrase in number, subject or signer; 2: all of them there; 3: the
    phrase anywhere; 4: the rest."""
    signer = dict(SIGNERS)[document.signer_login]
    head = f" {search_words(document.number, document.subject, signer, (), '').head} "
    phrase = f" {' '.join(words)} "
    if phrase in head:
        return 1
    if all(f" {w} " in head for w in words):
        return 2
    return 3 if phrase in f" {document.words} " else 4


def _ranks(generated: list[GeneratedDocument], text: str) -> dict[int, int]:
    return {d.id: _rank(d, words_of(text)) for d in generated}


@pytest.mark.slow
def test_a_generated_archive_of_ten_thousand_notices(
    archive: tuple[Database, list[GeneratedDocument]],
) -> None:
    """The same answers, in the same order, on SQLite and PostgreSQL: each equal to the
    answer worked out in Python from the generated archive."""
    database, generated = archive
    public = Viewer(public_lookup=True)
    cases: list[tuple[str, Viewer, dict[str, Any]]] = [
        ("ha tinh", CLERK, {}),
        ("Hà Tĩnh", public, {}),
        ("dang uy khoi", public, {}),
        ("chuyển đổi số", CLERK, {}),
        ("phong chong tham nhung", public, {}),
        ("17-CTr/ĐUK", public, {}),
        ("17 CTr DUK", CLERK, {}),
        ("cong tac kiem tra dang", CLERK, {"type_code": "KH"}),
        (
            "",
            public,
            {
                "signer_login": "leducthang",
                "issued_from": date(2024, 1, 1),
                "issued_to": date(2024, 3, 31),
            },
        ),
        ("hoi nghi", CLERK, {"recipient": "Đảng ủy Công an tỉnh"}),
        ("", CLERK, {"secrecy": Secrecy.SECRET, "type_code": "TB"}),
    ]
    with database.sessions() as session:
        for text, viewer, filters in cases:
            python_filters = {k: v for k, v in filters.items() if k != "secrecy"}
            expected = _expected(generated, text, viewer, **python_filters)
            if "secrecy" in filters:
                expected = [i for i in expected if generated[i - 1].secrecy == filters["secrecy"]]
            page = search_documents(session, SearchQuery(text=text, per_page=50, **filters), viewer)
            # Counted up to TOTAL_LIMIT, and said to be more beyond it.
            assert page.total == min(len(expected), TOTAL_LIMIT), (text, filters)
            assert page.total_is_exact == (len(expected) <= TOTAL_LIMIT), (text, filters)
            assert [d.id for d in page.documents] == expected[:50], (text, filters)
            assert page.total > 0, f"{text!r} {filters} should find something"
        # Every page of a common search, across the ranks' boundaries and beyond the count.
        expected = _expected(generated, "kiem tra dang", CLERK)
        ranks = _ranks(generated, "kiem tra dang")
        assert len(expected) > TOTAL_LIMIT and len(set(ranks[i] for i in expected)) == 4
        for number in range(1, len(expected) // 100 + 2):
            page = search_documents(
                session, SearchQuery(text="kiem tra dang", page=number, per_page=100), CLERK
            )
            assert [d.id for d in page.documents] == expected[(number - 1) * 100 : number * 100]
