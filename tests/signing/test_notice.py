"""The seed notice prepared, signed and issued, as pyHanko and pdftotext see it."""

from __future__ import annotations

import asyncio
import io
import re
import shutil
import subprocess
import zlib
from dataclasses import replace
from pathlib import Path

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import PdfSignatureStatus, SignatureCoverageLevel

from certs.trust import TrustStore
from signing.appearance import Appearance, StampFonts
from signing.errors import SigningError, UnusablePdfError
from signing.fonts import default_font_faces, stamp_font
from signing.keys import load_pkcs12_signer
from signing.notice import NoticeSigning
from signing.placement import (
    PlacementNotFound,
    default_prepare_spec,
    find_placement,
    place_and_prepare,
)
from signing.prepare import DATE_FIELD, NUMBER_FIELD, ORGANISATION_FIELD, SIGNER_FIELD, prepare_pdf
from signing.timestamps import LocalTimeStamper, RetryingHTTPTimeStamper
from tests.support.components import require
from tests.support.flow import MOMENT, ORG_EMAIL, SIGNER_EMAIL, Flow
from tests.support.pdfs import blank_pdf
from tests.support.pki import PASSPHRASE, RunningPki, free_port
from tests.support.verify import pdfsig_report


def statuses(data: bytes, store: TrustStore) -> dict[str, PdfSignatureStatus]:
    reader = PdfFileReader(io.BytesIO(data))
    return {
        str(sig.field_name): validate_pdf_signature(sig, store.validation_context())
        for sig in reader.embedded_signatures
        if sig.sig_object.get("/Type") != "/DocTimeStamp"
    }


def test_preparing_adds_four_empty_fields_in_one_update(flow: Flow) -> None:
    assert flow.prepared.startswith(flow.draft)
    reader = PdfFileReader(io.BytesIO(flow.prepared))
    assert reader.xrefs.total_revisions == 2
    names = {str(f.get_object()["/T"]) for f in reader.root["/AcroForm"]["/Fields"]}
    assert names == {NUMBER_FIELD, DATE_FIELD, SIGNER_FIELD, ORGANISATION_FIELD}
    assert reader.embedded_signatures == []
    lock = next(
        f.get_object()["/Lock"]
        for f in reader.root["/AcroForm"]["/Fields"]
        if f.get_object()["/T"] == ORGANISATION_FIELD
    )
    assert sorted(str(name) for name in lock["/Fields"]) == [DATE_FIELD, NUMBER_FIELD]


def test_the_number_field_sits_on_the_blank(flow: Flow) -> None:
    placement = find_placement(flow.draft, signer_name="Nguyễn Trọng Vân")
    assert placement.number.page == 0 and placement.date.page == 0
    assert placement.signer.page == placement.organisation.page == 5
    assert placement.organisation.x1 < placement.signer.x1 < placement.organisation.x2
    assert 30 < placement.number.x2 - placement.number.x1 < 80


def test_signature_one_sees_form_filling_signature_two_nothing(flow: Flow) -> None:
    found = statuses(flow.issued, flow.store)
    first, second = found[SIGNER_FIELD], found[ORGANISATION_FIELD]
    assert first.intact and first.valid and first.trusted and first.docmdp_ok
    assert first.modification_level == ModificationLevel.FORM_FILLING
    assert first.coverage == SignatureCoverageLevel.ENTIRE_REVISION
    assert second.intact and second.valid and second.trusted
    assert second.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert first.timestamp_validity is not None and first.timestamp_validity.trusted
    assert second.timestamp_validity is not None and second.timestamp_validity.trusted
    signing_time = first.signer_reported_dt
    assert signing_time == MOMENT


def test_the_stamps_extract_exactly(flow: Flow) -> None:
    require("pdftotext (poppler-utils)", shutil.which("pdftotext") is not None, "not on PATH")
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=flow.issued, capture_output=True, check=True
    ).stdout.decode()
    assert SIGNER_EMAIL in text and ORG_EMAIL in text
    assert "2026-04-20T11:10:29+07:00" in text
    assert "Hà Tĩnh, ngày 20 tháng 4 năm 2026" in text
    assert "25" in text.split("-TB/ĐUK")[0].splitlines()[-1]


def test_the_seed_offset_style(running_pki: RunningPki, flow: Flow) -> None:
    faces = default_font_faces()
    appearance = Appearance(StampFonts(stamp_font(faces.regular), stamp_font(faces.italic)))
    signed = NoticeSigning(appearance, offset_style="+0700").sign(
        flow.prepared,
        load_pkcs12_signer(running_pki.pki.key_path("signer"), PASSPHRASE),
        LocalTimeStamper(running_pki.services.tsa),
        email=SIGNER_EMAIL,
        at=MOMENT,
    )
    require("pdftotext (poppler-utils)", shutil.which("pdftotext") is not None, "not on PATH")
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=signed, capture_output=True
    ).stdout.decode()
    assert "2026-04-20T11:10:29+0700" in text


def test_the_archive_copy_is_b_lta_and_passes_ades_offline(
    running_pki: RunningPki, signing: NoticeSigning, flow: Flow
) -> None:
    from pyhanko.sign.validation.ades import ades_lta_validation
    from pyhanko.sign.validation.policy_decl import (
        PdfSignatureValidationSpec,
        RevinfoOnlineFetchingRule,
        RevocationInfoGatheringSpec,
        SignatureValidationSpec,
    )
    from pyhanko_certvalidator.context import CertValidationPolicySpec
    from pyhanko_certvalidator.policy_decl import REQUIRE_REVINFO, CertRevTrustPolicy
    from pyhanko_certvalidator.registry import SimpleTrustManager

    archive = signing.extend(
        flow.issued,
        LocalTimeStamper(running_pki.services.tsa),
        flow.store.validation_context(fetching=True),
    )
    assert archive.startswith(flow.issued)
    # Both signatures' validation data come in the document timestamp's revision, the first
    # after the issued file (pyHanko may add the timestamp's own data after it).
    reader = PdfFileReader(io.BytesIO(archive))
    (stamp,) = (s for s in reader.embedded_signatures if s.sig_object_type == "/DocTimeStamp")
    assert stamp.signed_revision == PdfFileReader(io.BytesIO(flow.issued)).xrefs.total_revisions
    dss = reader.get_historical_resolver(stamp.signed_revision).root["/DSS"]
    assert len(dss["/VRI"]) == 2  # one entry per signature
    found = statuses(archive, flow.store)
    assert found[ORGANISATION_FIELD].modification_level == ModificationLevel.LTA_UPDATES
    assert found[SIGNER_FIELD].modification_level == ModificationLevel.FORM_FILLING
    spec = PdfSignatureValidationSpec(
        SignatureValidationSpec(
            cert_validation_policy=CertValidationPolicySpec(
                trust_manager=SimpleTrustManager.build(trust_roots=list(flow.store.anchors)),
                revinfo_policy=CertRevTrustPolicy(REQUIRE_REVINFO),
            ),
            revinfo_gathering_policy=RevocationInfoGatheringSpec(
                online_fetching_rule=RevinfoOnlineFetchingRule.LOCAL_ONLY
            ),
        )
    )
    reader = PdfFileReader(io.BytesIO(archive))
    for signature in reader.embedded_signatures:
        if signature.sig_object.get("/Type") == "/DocTimeStamp":
            continue
        result = asyncio.run(ades_lta_validation(signature, spec))
        assert result.ades_subindic.status.name == "PASSED", (
            signature.field_name,
            result.ades_subindic,
        )


def test_poppler_pdfsig_trusts_both_signatures_of_the_archive_copy(
    running_pki: RunningPki, signing: NoticeSigning, flow: Flow, tmp_path: Path
) -> None:
    archive = signing.extend(
        flow.issued,
        LocalTimeStamper(running_pki.services.tsa),
        flow.store.validation_context(fetching=True),
    )
    report = pdfsig_report(archive, running_pki.pki.folder / "root-ca.pem", tmp_path)
    assert report.count("Signature Validation: Signature is Valid.") == 2, report
    assert report.count("Certificate Validation: Certificate is Trusted.") == 2, report
    assert report.count("Signature #") == 3, report  # and the document timestamp


def fill_again(issued: bytes, value: str) -> bytes:
    writer = IncrementalPdfFileWriter(io.BytesIO(issued))
    for ref in writer.root["/AcroForm"]["/Fields"]:
        field = ref.get_object()
        if field["/T"] == NUMBER_FIELD:
            field["/V"] = generic.TextStringObject(value)
            writer.mark_update(ref)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_changing_the_number_after_issue_is_rejected(flow: Flow) -> None:
    found = statuses(fill_again(flow.issued, "26"), flow.store)
    assert not found[ORGANISATION_FIELD].bottom_line
    assert found[ORGANISATION_FIELD].modification_level == ModificationLevel.OTHER


def test_an_annotation_after_the_signer_is_rejected(flow: Flow) -> None:
    writer = IncrementalPdfFileWriter(io.BytesIO(flow.signed))
    page_ref = writer.find_page_for_modification(0)[0]
    note = writer.add_object(
        generic.DictionaryObject(
            {
                generic.pdf_name("/Type"): generic.pdf_name("/Annot"),
                generic.pdf_name("/Subtype"): generic.pdf_name("/FreeText"),
                generic.pdf_name("/Rect"): generic.ArrayObject(
                    [generic.NumberObject(v) for v in (50, 50, 200, 80)]
                ),
                generic.pdf_name("/Contents"): generic.TextStringObject("Số 99"),
            }
        )
    )
    writer.register_annotation(page_ref, note)
    out = io.BytesIO()
    writer.write(out)
    found = statuses(out.getvalue(), flow.store)
    assert not found[SIGNER_FIELD].bottom_line


def test_issuing_needs_a_prepared_signed_notice(
    running_pki: RunningPki, signing: NoticeSigning
) -> None:
    org = load_pkcs12_signer(running_pki.pki.key_path("organisation"), PASSPHRASE)
    with pytest.raises(SigningError, match="not prepared for issuing"):
        signing.issue(
            blank_pdf(),
            org,
            None,
            number_text="1",
            number_line="Số 1-TB/ĐUK",
            date_text="x",
            email=ORG_EMAIL,
        )


def test_a_tsa_that_is_down_fails_cleanly(
    running_pki: RunningPki, signing: NoticeSigning, flow: Flow
) -> None:
    down = RetryingHTTPTimeStamper(f"http://127.0.0.1:{free_port()}/tsa", timeout=1, retries=0)
    signer = load_pkcs12_signer(running_pki.pki.key_path("signer"), PASSPHRASE)
    with pytest.raises(SigningError, match="timestamp service failed"):
        signing.sign(flow.prepared, signer, down, email=SIGNER_EMAIL)


def test_a_draft_without_the_blanks_is_refused_naming_what_is_missing() -> None:
    with pytest.raises(PlacementNotFound) as refused:
        find_placement(blank_pdf(), signer_name="Nguyễn Trọng Vân")
    message = refused.value.message
    assert "'Số'" in message and "ngày … tháng … năm" in message and "Nguyễn Trọng Vân" in message


def test_placing_a_field_off_the_document_is_refused(flow: Flow) -> None:
    from dataclasses import replace

    placement = find_placement(flow.draft, signer_name="Nguyễn Trọng Vân")
    moved = replace(placement, signer=replace(placement.signer, page=40))
    with pytest.raises(UnusablePdfError, match="page 41 of 6"):
        prepare_pdf(flow.draft, moved)


def test_poppler_pdfsig_with_nss_trusts_both_signatures(
    running_pki: RunningPki, flow: Flow, tmp_path: Path
) -> None:
    """Another verifier (poppler + NSS, checking OCSP online against our responder)."""
    report = pdfsig_report(flow.issued, running_pki.pki.folder / "root-ca.pem", tmp_path)
    assert report.count("Signature Validation: Signature is Valid.") == 2, report
    assert report.count("Certificate Validation: Certificate is Trusted.") == 2, report
    assert "Signer Certificate Common Name: Nguyễn Trọng Vân" in report


def test_a_key_on_a_pkcs11_token_signs_the_notice_as_the_file_does(
    running_pki: RunningPki, signing: NoticeSigning, flow: Flow, tmp_path: Path
) -> None:
    from cryptography.hazmat.primitives.asymmetric import rsa

    from certs.demo import load_pkcs12
    from signing.keys import open_pkcs11_signer
    from tests.support.softhsm import configure, make_token, softhsm_module

    softhsm_module()
    configure(tmp_path / "softhsm")
    key, cert, chain = load_pkcs12(running_pki.pki.key_path("signer"), PASSPHRASE)
    assert isinstance(key, rsa.RSAPrivateKey)
    token = make_token("usb-token", key, cert, "chu-ky")
    with open_pkcs11_signer(
        token.module, token_label=token.label, key_label=token.key_label, pin=token.pin, chain=chain
    ) as on_token:
        signed = signing.sign(
            flow.prepared,
            on_token,
            LocalTimeStamper(running_pki.services.tsa),
            email=SIGNER_EMAIL,
            at=MOMENT,
        )
    status = statuses(signed, flow.store)[SIGNER_FIELD]
    assert status.intact and status.valid and status.trusted
    assert (
        status.signing_cert.dump()
        == statuses(flow.signed, flow.store)[SIGNER_FIELD].signing_cert.dump()
    )


def test_page_content_added_after_the_signer_is_rejected(flow: Flow) -> None:
    writer = IncrementalPdfFileWriter(io.BytesIO(flow.signed))
    # A white box over the number line: the classic "shadow" attack on a signed page.
    overlay = writer.add_object(
        generic.StreamObject(stream_data=b"q 1 1 1 rg 100 690 100 20 re f Q")
    )
    writer.add_stream_to_page(0, overlay)
    out = io.BytesIO()
    writer.write(out)
    found = statuses(out.getvalue(), flow.store)
    assert not found[SIGNER_FIELD].bottom_line
    assert found[SIGNER_FIELD].modification_level == ModificationLevel.OTHER


def test_handwritten_signature_and_seal_images(
    running_pki: RunningPki, flow: Flow, tmp_path: Path
) -> None:
    from PIL import Image, ImageDraw

    signature, seal = tmp_path / "chu-ky.png", tmp_path / "con-dau.png"
    image = Image.new("RGBA", (300, 120), (0, 0, 0, 0))
    ImageDraw.Draw(image).line(
        [(10, 90), (80, 20), (150, 100), (290, 30)], fill=(20, 40, 200, 255), width=6
    )
    image.save(signature)
    image = Image.new("RGBA", (200, 200), (0, 0, 0, 0))
    ImageDraw.Draw(image).ellipse([5, 5, 195, 195], outline=(220, 20, 20, 255), width=8)
    image.save(seal)
    faces = default_font_faces()
    appearance = Appearance(
        StampFonts(stamp_font(faces.regular), stamp_font(faces.italic)),
        signature_image=signature,
        seal_image=seal,
    )
    tsa = LocalTimeStamper(running_pki.services.tsa)
    with_images = NoticeSigning(appearance)
    signed = with_images.sign(
        flow.prepared,
        load_pkcs12_signer(running_pki.pki.key_path("signer"), PASSPHRASE),
        tsa,
        email=SIGNER_EMAIL,
    )
    issued = with_images.issue(
        signed,
        load_pkcs12_signer(running_pki.pki.key_path("organisation"), PASSPHRASE),
        tsa,
        number_text="26",
        number_line="Số 26-TB/ĐUK",
        date_text="Hà Tĩnh, ngày 21 tháng 4 năm 2026",
        email=ORG_EMAIL,
    )
    assert all(status.bottom_line for status in statuses(issued, flow.store).values())
    assert issued.count(b"/Subtype /Image") >= 2
    with pytest.raises(SigningError, match="not a usable PNG"):
        broken = tmp_path / "broken.png"
        broken.write_bytes(b"not an image")
        Appearance(
            StampFonts(stamp_font(faces.regular), stamp_font(faces.italic)), seal_image=broken
        )


def test_a_qr_code_carries_the_document_page_url(running_pki: RunningPki, flow: Flow) -> None:
    faces = default_font_faces()
    with_qr = NoticeSigning(
        Appearance(StampFonts(stamp_font(faces.regular), stamp_font(faces.italic)), qr_code=True)
    )
    organisation = load_pkcs12_signer(running_pki.pki.key_path("organisation"), PASSPHRASE)
    tsa = LocalTimeStamper(running_pki.services.tsa)
    # Prepared with room for the code (an office that publishes its documents' pages).
    spec = default_prepare_spec()
    spec = replace(spec, stamps=replace(spec.stamps, qr=True))
    prepared = place_and_prepare(flow.draft, "Nguyễn Trọng Vân", None, spec=spec).pdf
    signer = load_pkcs12_signer(running_pki.pki.key_path("signer"), PASSPHRASE)
    signed = with_qr.sign(prepared, signer, tsa, email=SIGNER_EMAIL)
    with pytest.raises(SigningError, match="give the document's URL"):
        with_qr.issue(
            signed,
            organisation,
            tsa,
            number_text="27",
            number_line="Số 27-TB/ĐUK",
            date_text="x",
            email=ORG_EMAIL,
        )
    url = "https://vanban.example.vn/van-ban/27"
    issued = with_qr.issue(
        signed,
        organisation,
        tsa,
        number_text="27",
        number_line="Số 27-TB/ĐUK",
        date_text="Hà Tĩnh, ngày 22 tháng 4 năm 2026",
        email=ORG_EMAIL,
        url=url,
    )
    # The QR code is drawn as vector paths: the paths for our URL must be in the file.
    import qrcode
    from pyhanko.pdf_utils.qr import PdfStreamQRImage

    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(url)
    code.make()
    expected = code.make_image(image_factory=PdfStreamQRImage).render_command_stream()
    streams = []
    for raw in re.findall(rb"stream\r?\n(.*?)endstream", issued, re.DOTALL):
        try:
            streams.append(zlib.decompress(raw))
        except zlib.error:
            continue  # not a Flate stream (fonts, images)
    assert any(expected in stream for stream in streams)
    found = statuses(issued, flow.store)
    assert found[SIGNER_FIELD].modification_level == ModificationLevel.FORM_FILLING
    assert all(status.bottom_line for status in found.values())
