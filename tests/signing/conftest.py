"""The seed notice taken through the signing flow once per module, for the signing tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from certs.trust import TrustStore
from registry.config import load_config
from registry.services.compose import compose_file, seed_notice_path
from signing.appearance import Appearance, StampFonts
from signing.fonts import default_font_faces, stamp_font
from signing.keys import load_pkcs12_signer
from signing.notice import NoticeSigning
from signing.placement import find_placement
from signing.prepare import prepare_pdf
from signing.timestamps import LocalTimeStamper
from tests.pki import PASSPHRASE, RunningPki

SIGNER_EMAIL = "nguyentrongvan@hatinh.dcs.vn"
ORG_EMAIL = "dukhoicaccoquantinh@hatinh.dcs.vn"
MOMENT = datetime(2026, 4, 20, 4, 10, 29, tzinfo=UTC)  # 11:10:29 in Hà Tĩnh


@dataclass
class Flow:
    draft: bytes
    prepared: bytes
    signed: bytes
    issued: bytes
    store: TrustStore


@pytest.fixture(scope="module")
def signing() -> NoticeSigning:
    faces = default_font_faces()
    return NoticeSigning(
        Appearance(StampFonts(stamp_font(faces.regular), stamp_font(faces.italic)))
    )


@pytest.fixture(scope="module")
def flow(running_pki: RunningPki, signing: NoticeSigning) -> Flow:
    _, draft = compose_file(load_config(None), Path("."), seed_notice_path())
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
        date_text="Hà Tĩnh, ngày 20 tháng 4 năm 2026",
        email=ORG_EMAIL,
    )
    store = TrustStore.from_paths(anchors=[running_pki.pki.folder / "root-ca.pem"])
    return Flow(draft, prepared, signed, issued, store)
