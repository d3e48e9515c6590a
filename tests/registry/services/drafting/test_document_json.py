"""A document as data tells only what the viewer may see: a cited secret document is not
linked for someone who may not see it (both engines)."""

from __future__ import annotations

from registry.models import Document, DocumentReference, Secrecy
from registry.services.drafting.document_json import document_view
from registry.services.drafting.documents import DraftRequest, register_draft
from registry.services.people.access import ANONYMOUS, Viewer
from tests.support.database import ServiceSetup, issuer_of


def test_a_cited_secret_document_is_linked_only_for_those_who_may_see_it(
    setup: ServiceSetup, seed_pdf: bytes
) -> None:
    database, blobs, public_id = setup
    with database.sessions.begin() as session:
        public = session.get(Document, public_id)
        assert public is not None
        secret = register_draft(
            session,
            blobs,
            issuer_of(session, public.issuer_id),
            DraftRequest(
                pdf=seed_pdf,
                type_code="BC",
                subject="Báo cáo mật",
                signer_login="nguyentrongvan",
                secrecy=Secrecy.TOP_SECRET,
            ),
            actor="t",
        )
        public.references.append(
            DocumentReference(number_text="02-BC/ĐUK", cited_document_id=secret.id)
        )
        secret_id = secret.id
    other_staff = Viewer(user_id=999, login="quantri", roles=frozenset({"admin"}))
    clerk = Viewer(user_id=998, login="vanthu", roles=frozenset({"clerk"}))
    with database.sessions() as session:
        public = session.get(Document, public_id)
        assert public is not None

        def cited(viewer: Viewer | None) -> object:
            references = document_view(public, viewer)["references"]
            (reference,) = [r for r in references if r["number"] == "02-BC/ĐUK"]
            return reference["document_id"]

        assert [cited(v) for v in (None, clerk, other_staff, ANONYMOUS)] == [
            secret_id,
            secret_id,
            None,
            None,
        ]
        numbers = [r["number"] for r in document_view(public, other_staff)["references"]]
        assert "02-BC/ĐUK" in numbers  # the text cites it: that much the text tells anyone
