"""Verification speed: our verify of the issued seed notice against pyHanko's raw validation
of the same signatures, in one run.

    python benchmarks/verify.py [--runs 20]

raw: ``validate_pdf_signature`` on each signature with a reused context (no structural
checks, no report). ours: :func:`signing.verify.engine.verify_pdf` (structure checks,
DSS and CRLs fed in, roles, report). Medians in milliseconds and the ratio ours/raw.
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from asn1crypto import crl as asn1_crl
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature

from benchmarks.common import OFFICE, PASSPHRASE, SIGNER, demo_pki, median_ms
from certs.demo import ISSUING, ROOT
from certs.trust import TrustStore
from registry.config import load_config
from registry.services.drafting.compose import compose_file, seed_notice_path
from signing.appearance import Appearance, StampFonts
from signing.fonts import default_font_faces, stamp_font
from signing.keys import load_pkcs12_signer
from signing.notice import NoticeSigning
from signing.placement import find_placement
from signing.prepare import prepare_pdf
from signing.timestamps import LocalTimeStamper
from signing.verify.engine import Roles, verify_pdf


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    runs = parser.parse_args().runs
    pki, services = demo_pki()
    signer_holder, office, folder = SIGNER, OFFICE, pki.folder
    faces = default_font_faces()
    signing = NoticeSigning(
        Appearance(StampFonts(stamp_font(faces.regular), stamp_font(faces.italic)))
    )
    stamper = LocalTimeStamper(services.tsa)
    _, draft = compose_file(load_config(None), Path("."), seed_notice_path())
    prepared = prepare_pdf(draft, find_placement(draft, signer_name=signer_holder.name))
    signed = signing.sign(
        prepared,
        load_pkcs12_signer(pki.key_path("signer"), PASSPHRASE),
        stamper,
        email=signer_holder.email,
    )
    issued = signing.issue(
        signed,
        load_pkcs12_signer(pki.key_path("organisation"), PASSPHRASE),
        stamper,
        number_text="25",
        number_line="Số 25-TB/ĐUK",
        date_text="Hà Tĩnh, ngày 20 tháng 4 năm 2023",
        email=office.email,
    )
    trust = TrustStore.from_paths(anchors=[folder / "root-ca.pem"])
    crls = [asn1_crl.CertificateList.load(services.crl(label)) for label in (ROOT, ISSUING)]
    context = trust.validation_context(crls=crls)
    roles = Roles(frozenset({office.email}), frozenset({signer_holder.email}))

    def raw() -> None:
        for signature in PdfFileReader(io.BytesIO(issued)).embedded_signatures:
            validate_pdf_signature(signature, context)

    def ours() -> None:
        verify_pdf(issued, trust=trust, roles=roles, crls=crls)

    baseline, ours_ms = median_ms(raw, runs), median_ms(ours, runs)
    print(f"{'operation':<36} {'median ms':>10} {'ours/raw':>9}")
    print(f"{'raw pyHanko validation (2 sigs)':<36} {baseline:>10.1f} {1.0:>9.2f}")
    print(f"{'our verify (checks, report)':<36} {ours_ms:>10.1f} {ours_ms / baseline:>9.2f}")


if __name__ == "__main__":
    main()
