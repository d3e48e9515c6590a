"""The seed notice taken through the signing flow once per module, for the signing tests."""

from __future__ import annotations

import pytest

from certs.trust import TrustStore
from signing.appearance import Appearance, StampFonts
from signing.fonts import default_font_faces, stamp_font
from signing.keys import load_pkcs12_signer
from signing.notice import NoticeSigning
from signing.placement import find_placement
from signing.prepare import prepare_pdf
from signing.timestamps import LocalTimeStamper
from tests.support.flow import MOMENT, ORG_EMAIL, SIGNER_EMAIL, Flow
from tests.support.pki import PASSPHRASE, RunningPki


@pytest.fixture(scope="module")
def signing() -> NoticeSigning:
    faces = default_font_faces()
    return NoticeSigning(
        Appearance(StampFonts(stamp_font(faces.regular), stamp_font(faces.italic)))
    )


@pytest.fixture(scope="module")
def flow(running_pki: RunningPki, signing: NoticeSigning, seed_pdf: bytes) -> Flow:
    draft = seed_pdf
    prepared = prepare_pdf(draft, find_placement(draft, signer_name="Nguyễn Trọng Vân"))
    tsa = LocalTimeStamper(running_pki.services.tsa)
    signer = load_pkcs12_signer(running_pki.pki.key_path("signer"), PASSPHRASE)
    org = load_pkcs12_signer(running_pki.pki.key_path("organisation"), PASSPHRASE)
    signed = signing.sign(prepared, signer, tsa, email=SIGNER_EMAIL, location="Hà Tĩnh", at=MOMENT)
    issued = signing.issue(
        signed,
        org,
        tsa,
        number_text="25",
        number_line="Số 25-TB/ĐUK",
        date_text="Hà Tĩnh, ngày 20 tháng 4 năm 2026",
        email=ORG_EMAIL,
    )
    store = TrustStore.from_paths(anchors=[running_pki.pki.folder / "root-ca.pem"])
    return Flow(draft, prepared, signed, issued, store)
