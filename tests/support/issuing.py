"""Issuing in tests: signing tools on the session's demo PKI, its keys, a draft taken to signed."""

from __future__ import annotations

from asn1crypto import crl as asn1_crl

from certs.demo import ISSUING, ROOT
from certs.trust import TrustStore
from registry.models import Document
from registry.services.issuing.steps import issue_document, prepare_document, sign_document
from registry.services.setup.signing_tools import SigningTools
from registry.storage import LocalBlobStore
from signing.appearance import Appearance, StampFonts
from signing.fonts import default_font_faces, stamp_font
from signing.keys import load_pkcs12_signer
from signing.notice import NoticeSigning
from signing.timestamps import LocalTimeStamper
from tests.support.database import Database
from tests.support.pki import PASSPHRASE, RunningPki


def make_tools(running: RunningPki, timestamper=None) -> SigningTools:  # type: ignore[no-untyped-def]
    faces = default_font_faces()
    store = TrustStore.from_paths(anchors=[running.pki.folder / "root-ca.pem"])

    def archive_context():  # type: ignore[no-untyped-def]
        crls = [
            asn1_crl.CertificateList.load(running.services.crl(label)) for label in (ROOT, ISSUING)
        ]
        return store.validation_context(revocation="hard-fail", crls=crls)

    return SigningTools(
        signing=NoticeSigning(
            Appearance(StampFonts(stamp_font(faces.regular), stamp_font(faces.italic)))
        ),
        timestamper=timestamper or LocalTimeStamper(running.services.tsa),
        archive_context=archive_context,
    )


def signer(running: RunningPki, label: str = "signer"):  # type: ignore[no-untyped-def]
    return load_pkcs12_signer(running.pki.key_path(label), PASSPHRASE)


def issue_as_office(session, blobs, document, running: RunningPki, tools=None) -> bytes:  # type: ignore[no-untyped-def]
    """Issue ``document`` with the office's demo key."""
    return issue_document(
        session,
        blobs,
        document,
        signer(running, "organisation"),
        tools or make_tools(running),
        actor="t",
    )


def advance_to_signed(
    database: Database,
    blobs: LocalBlobStore,
    document_id: int,
    tools: SigningTools,
    running: RunningPki,
) -> None:
    with database.sessions.begin() as session:
        document = session.get(Document, document_id)
        assert document is not None
        prepare_document(session, blobs, document, actor="clerk")
        sign_document(session, blobs, document, signer(running), tools, actor="signer")
