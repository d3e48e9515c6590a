"""Signing speed, ours against plain pyHanko, in one process on the same one-page notice.

    python benchmarks/signing.py [--runs 20]

- plain: a PAdES B-T signature done as pyHanko's documentation shows, fresh objects each
  time (PKCS#12 loaded, DummyTimeStamper built, key parsed on every call, dry run);
- floor: what an expert gets from pyHanko: PAdES B-T, no stamp, the key parsed once
  (``CachedKeySigner``), ``bytes_reserved`` set (no dry run), the timestamper reused;
- sign: our signer's signature (visible Vietnamese stamp, certification, timestamp);
- issue: our issuing step (number and date filled, organisation's stamp and signature);
- issue+lta: issuing plus the B-LTA archive copy (revocation data, document timestamp).
Medians in milliseconds; the ratios are ours / floor and ours / plain. Each issue takes
another number, as a real run of issues does.
"""

from __future__ import annotations

import argparse
import io
import itertools
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from asn1crypto import crl as asn1_crl
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers, timestamps

from benchmarks.common import OFFICE, PASSPHRASE, SIGNER, demo_pki, median_ms
from certs.demo import ISSUING, ROOT, DemoPki, load_pkcs12
from certs.trust import TrustStore
from registry.composer import Notice, Paragraph, render_notice
from registry.config import load_config
from registry.services.drafting.compose import load_configured_notice, seed_notice_path
from signing.appearance import Appearance, StampFonts
from signing.fonts import default_font_faces, stamp_font
from signing.keys import load_pkcs12_signer
from signing.notice import BYTES_RESERVED, NoticeSigning
from signing.placement import find_placement
from signing.prepare import prepare_pdf
from signing.timestamps import LocalTimeStamper


def one_page_notice() -> bytes:
    seed = load_configured_notice(load_config(None), seed_notice_path())
    short = Notice(**{**vars(seed), "body": (Paragraph(seed.body[0].text),)})
    return render_notice(short, default_font_faces())


def plain_signature(pki: DemoPki, pdf: bytes) -> bytes:
    """A PAdES B-T signature as pyHanko's documentation makes it, every object fresh."""
    signer = signers.SimpleSigner.load_pkcs12(  # type: ignore[no-untyped-call]
        str(pki.key_path("signer")), passphrase=PASSPHRASE
    )
    tsa_key, tsa_cert, _ = load_pkcs12(pki.key_path("tsa"), PASSPHRASE)
    der_key = tsa_key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    stamper = timestamps.DummyTimeStamper(
        tsa_cert=asn1_x509.Certificate.load(tsa_cert.public_bytes(serialization.Encoding.DER)),
        tsa_key=asn1_keys.PrivateKeyInfo.load(der_key),
    )
    meta = signers.PdfSignatureMetadata(field_name="Sig1", subfilter=fields.SigSeedSubFilter.PADES)
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    output = signers.PdfSigner(meta, signer, timestamper=stamper).sign_pdf(writer)
    return bytes(output.getvalue())


def floor_signature(pdf: bytes, signer: signers.Signer, stamper: timestamps.TimeStamper) -> bytes:
    """The floor: B-T without a stamp, every reusable object reused, no dry run."""
    meta = signers.PdfSignatureMetadata(field_name="Sig1", subfilter=fields.SigSeedSubFilter.PADES)
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    output = signers.PdfSigner(meta, signer, timestamper=stamper).sign_pdf(
        writer, bytes_reserved=BYTES_RESERVED
    )
    return bytes(output.getvalue())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    runs = parser.parse_args().runs
    pki, services = demo_pki()
    holder, office, folder = SIGNER, OFFICE, pki.folder
    draft = one_page_notice()
    prepared = prepare_pdf(draft, find_placement(draft, signer_name=holder.name))

    def plain() -> bytes:
        return plain_signature(pki, draft)

    faces = default_font_faces()
    ours = NoticeSigning(
        Appearance(StampFonts(stamp_font(faces.regular), stamp_font(faces.italic)))
    )
    signer = load_pkcs12_signer(pki.key_path("signer"), PASSPHRASE)
    organisation = load_pkcs12_signer(pki.key_path("organisation"), PASSPHRASE)
    stamper = LocalTimeStamper(services.tsa)
    signed = ours.sign(prepared, signer, stamper, email=holder.email)
    store = TrustStore.from_paths(anchors=[folder / "root-ca.pem"])
    crls = [asn1_crl.CertificateList.load(services.crl(label)) for label in (ROOT, ISSUING)]

    def floor() -> bytes:
        return floor_signature(draft, signer, stamper)

    def sign() -> bytes:
        return ours.sign(prepared, signer, stamper, email=holder.email)

    numbers = itertools.count(2)

    def issue() -> bytes:
        number = f"{next(numbers):02d}"
        return ours.issue(
            signed,
            organisation,
            stamper,
            number_text=number,
            number_line=f"Số {number}-TB/ĐUK",
            date_text="Hà Tĩnh, ngày 20 tháng 4 năm 2023",
            email=office.email,
        )

    def issue_and_archive() -> bytes:
        context = store.validation_context(revocation="hard-fail", crls=crls)
        return ours.extend(issue(), stamper, context)

    baseline, lowest = median_ms(plain, runs), median_ms(floor, runs)
    print(f"{'operation':<34} {'median ms':>10} {'ours/floor':>11} {'ours/plain':>11}")
    print(f"{'plain pyHanko B-T (fresh objects)':<34} {baseline:>10.1f} {'':>11} {1.0:>11.2f}")
    print(f"{'floor: B-T, objects reused':<34} {lowest:>10.1f} {1.0:>11.2f} {'':>11}")
    for label, job in (
        ("our sign (stamp, certify, B-T)", sign),
        ("our issue (fill + seal, B-T)", issue),
        ("our issue + B-LTA archive copy", issue_and_archive),
    ):
        value = median_ms(job, runs)
        print(f"{label:<34} {value:>10.1f} {value / lowest:>11.2f} {value / baseline:>11.2f}")


if __name__ == "__main__":
    main()
