"""Signing speed, ours against pyHanko's floor, in one process on the same notices.

    python benchmarks/signing.py [--runs 20] [--keys rsa,ecdsa] [--notices one-page,six-page]

For each key type (a demo PKI of RSA-2048 or ECDSA P-256 keys) and notice (the reference
notice cut to its first paragraph, one page; the whole reference notice, six pages):

- plain: a PAdES B-T signature done as pyHanko's documentation shows, fresh objects each
  time (PKCS#12 loaded, DummyTimeStamper built, key parsed on every call, dry run);
- floor: what an expert gets from pyHanko: PAdES B-T, no stamp, the key parsed once
  (``CachedKeySigner``), ``bytes_reserved`` set (no dry run), the timestamper reused; timed
  with our two fixes of the libraries' internals installed (they speed it as much as ours),
  and again without them, as pyHanko ships;
- sign: our signer's signature (visible Vietnamese stamp, certification, timestamp);
- issue: our issuing step (number and date filled, organisation's stamp and signature);
- issue+lta: issuing plus the B-LTA archive copy (revocation data, document timestamp);
- sign and issue in configured boxes: the same, the fields placed at configured boxes (no
  line or stamp plans: pyHanko's text boxes draw the number, the date and the stamps' text);
- attachment: the organisation's signature on an attachment (its one-line stamp, B-T).
Medians in milliseconds, the floors and ours taking turns run after run (the machine's
drift falls on all alike); the ratios are ours / floor. Each issue takes
another number, as a real run of issues does. Plain is timed once, on the first RSA
notice (it is the documentation's way, there for scale; its timestamper signs with RSA only).
"""

from __future__ import annotations

import argparse
import io
import itertools
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from asn1crypto import crl as asn1_crl
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers, timestamps

from benchmarks.common import (
    OFFICE,
    PASSPHRASE,
    SIGNER,
    demo_pki,
    interleaved_median_ms,
    library_as_shipped,
    median_ms,
)
from certs.builder import KeyType
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


def six_page_notice() -> bytes:
    return render_notice(
        load_configured_notice(load_config(None), seed_notice_path()), default_font_faces()
    )


NOTICES: dict[str, Callable[[], bytes]] = {"one-page": one_page_notice, "six-page": six_page_notice}


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


def bench(key_type: KeyType, notice: str, runs: int, *, with_plain: bool) -> list[str]:
    pki, services = demo_pki(key_type)
    holder, office, folder = SIGNER, OFFICE, pki.folder
    draft = NOTICES[notice]()
    placement = find_placement(draft, signer_name=holder.name)
    prepared = prepare_pdf(draft, placement)
    # The same fields at boxes an office configures: no line or stamp plans, so the number,
    # the date and the stamps' text are pyHanko's text boxes (the seal's box wide enough).
    seal = placement.organisation
    configured = replace(
        placement,
        number_line=None,
        date_line=None,
        block=None,
        organisation=replace(seal, x2=seal.x1 + 180),
    )
    faces = default_font_faces()
    ours = NoticeSigning(
        Appearance(StampFonts(stamp_font(faces.regular), stamp_font(faces.italic)))
    )
    signer = load_pkcs12_signer(pki.key_path("signer"), PASSPHRASE)
    organisation = load_pkcs12_signer(pki.key_path("organisation"), PASSPHRASE)
    stamper = LocalTimeStamper(services.tsa)
    signed = ours.sign(prepared, signer, stamper, email=holder.email)
    prepared_in_boxes = prepare_pdf(draft, configured)
    signed_in_boxes = ours.sign(prepared_in_boxes, signer, stamper, email=holder.email)
    store = TrustStore.from_paths(anchors=[folder / "root-ca.pem"])
    crls = [asn1_crl.CertificateList.load(services.crl(label)) for label in (ROOT, ISSUING)]
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

    def issue_in_boxes() -> bytes:
        return ours.issue(
            signed_in_boxes,
            organisation,
            stamper,
            number_text=f"{next(numbers):02d}",
            date_text="Hà Tĩnh, ngày 20 tháng 4 năm 2023",
            email=office.email,
        )

    def issue_and_archive() -> bytes:
        context = store.validation_context(revocation="hard-fail", crls=crls)
        return ours.extend(issue(), stamper, context)

    def floor() -> bytes:
        return floor_signature(draft, signer, stamper)

    def floor_as_shipped() -> bytes:
        with library_as_shipped():
            return floor_signature(draft, signer, stamper)

    ours_jobs: dict[str, Callable[[], object]] = {
        "our sign (stamp, certify, B-T)": lambda: ours.sign(
            prepared, signer, stamper, email=holder.email
        ),
        "our issue (fill + seal, B-T)": issue,
        "our issue + B-LTA archive copy": issue_and_archive,
        "our sign, configured boxes": lambda: ours.sign(
            prepared_in_boxes, signer, stamper, email=holder.email
        ),
        "our issue, configured boxes": issue_in_boxes,
        "our attachment (stamp, B-T)": lambda: ours.sign_attachment(
            draft, organisation, stamper, number="25-TB/ĐUK"
        ),
    }
    found = interleaved_median_ms({"floor": floor, "shipped": floor_as_shipped, **ours_jobs}, runs)
    lowest, shipped = found["floor"], found["shipped"]
    baseline = median_ms(lambda: plain_signature(pki, draft), runs) if with_plain else 0.0
    lines = [f"{key_type}, {notice} notice ({len(draft) / 1024:.0f} KB draft)"]
    if with_plain:
        lines.append(f"  {'plain pyHanko B-T (fresh objects)':<34} {baseline:>10.1f}")
    lines.append(f"  {'floor: B-T, objects reused':<34} {lowest:>10.1f} {1.0:>11.2f}")
    label = "  the same, pyHanko as shipped"
    lines.append(f"  {label:<34} {shipped:>10.1f} {shipped / lowest:>11.2f}")
    for label in ours_jobs:
        value = found[label]
        lines.append(
            f"  {label:<34} {value:>10.1f} {value / lowest:>11.2f}   "
            f"({value / shipped:.2f} of the floor as shipped)"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--keys", default="rsa,ecdsa")
    parser.add_argument("--notices", default="one-page,six-page")
    args = parser.parse_args()
    print(f"  {'operation':<34} {'median ms':>10} {'ours/floor':>11}")
    first = True
    for key_type in args.keys.split(","):
        if key_type not in ("rsa", "ecdsa"):
            parser.error(f"unknown key type {key_type!r}: rsa or ecdsa")
        for notice in args.notices.split(","):
            if notice not in NOTICES:
                parser.error(f"unknown notice {notice!r}: {', '.join(NOTICES)}")
            # pyHanko's DummyTimeStamper (the documentation's way) signs with RSA only.
            with_plain = first and key_type == "rsa"
            print("\n".join(bench(key_type, notice, args.runs, with_plain=with_plain)), flush=True)
            first = first and not with_plain


if __name__ == "__main__":
    main()
