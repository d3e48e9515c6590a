"""The verifier on a corpus made from the issued seed notice: each file with its verdict."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from certs.trust import TrustStore
from signing.errors import UnusablePdfError
from signing.keys import load_pkcs12_signer
from signing.notice import NoticeSigning
from signing.prepare import NUMBER_FIELD
from signing.timestamps import LocalTimeStamper
from signing.verify.engine import verify_pdf
from signing.verify.revisions import read_revisions
from tests.support.flow import SIGNER_EMAIL, Flow
from tests.support.pdfs import blank_pdf, self_signed_pdf
from tests.support.pki import PASSPHRASE, RunningPki
from tests.support.verify import ROLES, crls, update


def verdict(data: bytes, flow: Flow, running: RunningPki) -> tuple[str, str | None]:
    return verify_pdf(data, trust=flow.store, roles=ROLES, crls=crls(running)).verdict


def test_the_issued_notice_passes_with_roles_and_times(flow: Flow, running_pki: RunningPki) -> None:
    report = verify_pdf(flow.issued, trust=flow.store, roles=ROLES, crls=crls(running_pki))
    data = report.as_dict("en")
    assert data["indication"] == "TOTAL-PASSED"
    first, second = data["signatures"]
    assert (first["role"], second["role"]) == ("personal", "organisation")
    assert first["signer"]["name"] == "Nguyễn Trọng Vân"
    assert first["signing_time"] == "2026-04-20T11:10:29+07:00"
    assert first["modifications"] == "form_filling" and second["modifications"] == "none"
    assert first["coverage"] == "entire_revision" and second["coverage"] == "entire_file"
    assert first["revocation"] == "good" and first["level"] == "PAdES-B-T"
    assert first["timestamp"]["valid"] and first["timestamp"]["time"].endswith("+07:00")


def test_without_revocation_data_the_verdict_waits(flow: Flow) -> None:
    report = verify_pdf(flow.issued, trust=flow.store, roles=ROLES)
    assert report.verdict == ("INDETERMINATE", "TRY_LATER")


def test_the_archive_copy_passes_offline_on_its_own_data(
    flow: Flow, running_pki: RunningPki, signing: NoticeSigning
) -> None:
    context = flow.store.validation_context(revocation="hard-fail", crls=crls(running_pki))
    archive = signing.extend(flow.issued, LocalTimeStamper(running_pki.services.tsa), context)
    report = verify_pdf(archive, trust=flow.store, roles=ROLES)  # nothing fed: the DSS suffices
    assert report.verdict == ("TOTAL-PASSED", None)
    levels = [s.level for s in report.signatures]
    assert levels == ["PAdES-B-LTA", "PAdES-B-LTA", "document-timestamp"]


def flip_signed_byte(data: bytes) -> bytes:
    """One letter of the draft's /Creator string: signed by both, structure untouched."""
    position = data.index(b"(sovanban)") + 1
    return data[:position] + b"S" + data[position + 1 :]


def test_a_changed_byte_inside_the_signed_range_fails(flow: Flow, running_pki: RunningPki) -> None:
    assert verdict(flip_signed_byte(flow.issued), flow, running_pki) == (
        "TOTAL-FAILED",
        "HASH_FAILURE",
    )


def test_page_content_after_the_signer_fails(flow: Flow, running_pki: RunningPki) -> None:
    def overlay(writer):  # type: ignore[no-untyped-def]
        stream = writer.add_object(
            generic.StreamObject(stream_data=b"q 1 1 1 rg 0 0 595 842 re f Q")
        )
        writer.add_stream_to_page(0, stream)

    assert verdict(update(flow.signed, overlay), flow, running_pki) == (
        "TOTAL-FAILED",
        "FORMAT_FAILURE",
    )


def test_an_added_page_fails(flow: Flow, running_pki: RunningPki) -> None:
    def add_page(writer):  # type: ignore[no-untyped-def]
        from pyhanko.pdf_utils.writer import PageObject

        writer.insert_page(
            PageObject(
                contents=writer.add_object(generic.StreamObject(stream_data=b"")),
                media_box=(0, 0, 595, 842),
            )
        )

    assert verdict(update(flow.issued, add_page), flow, running_pki)[0] == "TOTAL-FAILED"


def test_changing_the_number_after_issue_fails(flow: Flow, running_pki: RunningPki) -> None:
    def refill(writer):  # type: ignore[no-untyped-def]
        for ref in writer.root["/AcroForm"]["/Fields"]:
            field = ref.get_object()
            if field["/T"] == NUMBER_FIELD:
                field["/V"] = generic.TextStringObject("99")
                writer.mark_update(ref)

    assert verdict(update(flow.issued, refill), flow, running_pki) == (
        "TOTAL-FAILED",
        "FORMAT_FAILURE",
    )


def test_trailing_garbage_fails(flow: Flow, running_pki: RunningPki) -> None:
    assert verdict(flow.issued + b"\nGARBAGE", flow, running_pki) == (
        "TOTAL-FAILED",
        "FORMAT_FAILURE",
    )
    assert verdict(flow.issued + b"\r\n", flow, running_pki) == ("TOTAL-PASSED", None)


def test_a_removed_signature_value_is_caught(flow: Flow, running_pki: RunningPki) -> None:
    def unsign(writer):  # type: ignore[no-untyped-def]
        for ref in writer.root["/AcroForm"]["/Fields"]:
            field = ref.get_object()
            if field["/T"] == "chu_ky_co_quan":
                del field["/V"]
                writer.mark_update(ref)

    indication, sub = verdict(update(flow.issued, unsign), flow, running_pki)
    assert (indication, sub) == ("TOTAL-FAILED", "FORMAT_FAILURE")


def test_an_untrusted_signature_is_indeterminate(flow: Flow, running_pki: RunningPki) -> None:
    indication, sub = verdict(self_signed_pdf(), flow, running_pki)
    # pyHanko classes a self-signed stranger as a chain constraints failure.
    assert indication == "INDETERMINATE"
    assert sub in {"NO_CERTIFICATE_CHAIN_FOUND", "CHAIN_CONSTRAINTS_FAILURE"}


def test_no_signature_fails(flow: Flow, running_pki: RunningPki) -> None:
    assert verdict(blank_pdf(), flow, running_pki) == ("TOTAL-FAILED", "NO_SIGNATURE")


@pytest.mark.parametrize(
    "data", [b"", b"not a pdf", b"%PDF-1.7\n garbage", b"%PDF-1.7" + b"(" * 100000]
)
def test_unusable_input_is_refused_cleanly(flow: Flow, data: bytes) -> None:
    with pytest.raises(UnusablePdfError):
        verify_pdf(data, trust=flow.store)


def test_an_unknown_subfilter_is_not_silently_dropped(flow: Flow, running_pki: RunningPki) -> None:
    data = flow.issued.replace(b"/ETSI.CAdES.detached", b"/ETSI.CAdES.detacheX", 1)
    assert len(data) == len(flow.issued)
    assert verdict(data, flow, running_pki)[0] == "TOTAL-FAILED"


def test_the_local_time_quirk_is_explained_not_failed(
    flow: Flow, running_pki: RunningPki, signing: NoticeSigning
) -> None:
    """Some Vietnamese tools write local time labelled UTC: signingTime 7 h after the timestamp."""
    from datetime import UTC, datetime, timedelta

    signer = load_pkcs12_signer(running_pki.pki.key_path("signer"), PASSPHRASE)
    ahead = datetime.now(UTC) + timedelta(hours=7)
    signed = signing.sign(
        flow.prepared,
        signer,
        LocalTimeStamper(running_pki.services.tsa),
        email=SIGNER_EMAIL,
        at=ahead,
    )
    report = verify_pdf(signed, trust=flow.store, roles=ROLES, crls=crls(running_pki))
    first = report.as_dict("en")["signatures"][0]
    assert first["indication"] == "TOTAL-PASSED"
    assert any("local time (UTC+7) labelled as UTC" in message for message in first["messages"])


def test_a_leaf_only_signature_chains_through_held_intermediates(
    flow: Flow, running_pki: RunningPki, tmp_path: Path
) -> None:
    """Real signatures often embed only the signer's certificate."""
    from pyhanko.sign import fields, signers

    from certs.demo import load_pkcs12
    from certs.trust import TrustStore
    from signing.keys import CachedKeySigner

    key, cert, _ = load_pkcs12(running_pki.pki.key_path("signer"), PASSPHRASE)
    signer = CachedKeySigner(key, cert, [])  # embeds nothing but the leaf
    meta = signers.PdfSignatureMetadata(
        field_name="chu_ky", subfilter=fields.SigSeedSubFilter.PADES
    )
    leaf_only = (
        signers.PdfSigner(meta, signer)
        .sign_pdf(IncrementalPdfFileWriter(io.BytesIO(blank_pdf())))
        .getvalue()
    )
    anchors_only = TrustStore.from_paths(anchors=[running_pki.pki.folder / "root-ca.pem"])
    assert verify_pdf(leaf_only, trust=anchors_only, crls=crls(running_pki)).verdict == (
        "INDETERMINATE",
        "NO_CERTIFICATE_CHAIN_FOUND",
    )
    with_intermediate = TrustStore.from_paths(
        anchors=[running_pki.pki.folder / "root-ca.pem"],
        intermediates=[running_pki.pki.folder / "issuing-ca.pem"],
    )
    assert verify_pdf(leaf_only, trust=with_intermediate, crls=crls(running_pki)).verdict == (
        "TOTAL-PASSED",
        None,
    )


def test_a_revoked_signer_fails(
    flow: Flow, running_pki: RunningPki, signing: NoticeSigning
) -> None:
    from certs.demo import Holder

    cert = running_pki.pki.issue(
        "revoked-later",
        "personal",
        Holder("Người Bị Thu Hồi", "thuhoi@hatinh.dcs.vn"),
        passphrase=PASSPHRASE,
    )
    signer = load_pkcs12_signer(running_pki.pki.key_path("revoked-later"), PASSPHRASE)
    signed = signing.sign(
        flow.prepared, signer, LocalTimeStamper(running_pki.services.tsa), email="x"
    )
    running_pki.pki.revoke(f"{cert.serial_number:x}", "key_compromise")
    assert verdict(signed, flow, running_pki) == ("TOTAL-FAILED", "REVOKED")


def test_an_empty_field_painting_over_the_page_after_signing_fails(
    flow: Flow, running_pki: RunningPki
) -> None:
    from pyhanko.sign import fields

    def add_painted_field(writer):  # type: ignore[no-untyped-def]
        fields.append_signature_field(
            writer,
            fields.SigFieldSpec(
                "o_trong", on_page=0, box=(0, 0, 595, 842), empty_field_appearance=True
            ),
        )

    painted = update(flow.issued, add_painted_field)
    indication, sub = verdict(painted, flow, running_pki)
    assert (indication, sub) == ("TOTAL-FAILED", "FORMAT_FAILURE")
    report = verify_pdf(painted, trust=flow.store, roles=ROLES, crls=crls(running_pki))
    assert any(
        "o_trong" in finding.en and "draws on the page" in finding.en for finding in report.findings
    )


def test_an_expired_signer_certificate_is_not_trusted(
    flow: Flow, running_pki: RunningPki, signing: NoticeSigning
) -> None:
    from datetime import UTC, datetime, timedelta

    from certs.demo import Holder, load_pkcs12
    from signing.keys import CachedKeySigner

    running_pki.pki.issue(
        "da-het-han",
        "personal",
        Holder("Người Hết Hạn", "hethan@hatinh.dcs.vn"),
        passphrase=PASSPHRASE,
        days=30,
        not_before=datetime.now(UTC) - timedelta(days=400),
    )
    key, cert, chain = load_pkcs12(running_pki.pki.key_path("da-het-han"), PASSPHRASE)
    # Signed today with a certificate that expired a year ago (our own signer refuses to).
    signed = signing.sign(
        flow.prepared,
        CachedKeySigner(key, cert, chain),
        LocalTimeStamper(running_pki.services.tsa),
        email="hethan@hatinh.dcs.vn",
    )
    indication, sub = verdict(signed, flow, running_pki)
    assert indication in {"INDETERMINATE", "TOTAL-FAILED"} and sub is not None
    assert indication != "TOTAL-PASSED"


def test_a_replaced_font_object_fails(flow: Flow, running_pki: RunningPki) -> None:
    def replace_font(writer):  # type: ignore[no-untyped-def]
        page = writer.root["/Pages"]["/Kids"][0].get_object()
        fonts = page["/Resources"]["/Font"]
        ref = next(iter(fonts.values()))
        font = ref.get_object()
        font["/BaseFont"] = generic.NameObject("/Helvetica")  # the glyphs of another face
        writer.mark_update(ref)

    assert verdict(update(flow.issued, replace_font), flow, running_pki) == (
        "TOTAL-FAILED",
        "FORMAT_FAILURE",
    )


def test_an_annotation_after_the_certification_fails(flow: Flow, running_pki: RunningPki) -> None:
    def annotate(writer):  # type: ignore[no-untyped-def]
        note = writer.add_object(
            generic.DictionaryObject(
                {
                    generic.pdf_name("/Type"): generic.pdf_name("/Annot"),
                    generic.pdf_name("/Subtype"): generic.pdf_name("/FreeText"),
                    generic.pdf_name("/Rect"): generic.ArrayObject(
                        [generic.NumberObject(v) for v in (50, 50, 200, 80)]
                    ),
                    generic.pdf_name("/Contents"): generic.TextStringObject("Số 99-TB/ĐUK"),
                }
            )
        )
        writer.register_annotation(writer.find_page_for_modification(0)[0], note)

    assert verdict(update(flow.signed, annotate), flow, running_pki) == (
        "TOTAL-FAILED",
        "FORMAT_FAILURE",
    )


def test_objects_appended_without_an_xref_fail(flow: Flow, running_pki: RunningPki) -> None:
    appended = (
        flow.issued + b"\n99 0 obj\n<< /Type /Annot /Subtype /FreeText /Contents (x) >>\nendobj\n"
    )
    assert verdict(appended, flow, running_pki) == ("TOTAL-FAILED", "FORMAT_FAILURE")


def test_an_encrypted_file_is_unusable(flow: Flow) -> None:
    with pytest.raises(UnusablePdfError, match="encrypted"):
        verify_pdf(blank_pdf(password="secret"), trust=flow.store)


def test_a_rewritten_byte_range_is_caught_by_our_own_check(flow: Flow, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Signature wrapping moves the signed block and rewrites /ByteRange; whatever pyHanko
    concludes, the unsigned gap must be exactly this signature's /Contents."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    from signing.verify import structure

    reader = PdfFileReader(io.BytesIO(flow.issued))
    signature = reader.embedded_signatures[-1]
    ends = read_revisions(flow.issued, reader)
    assert structure.signature_structure(flow.issued, reader, signature, ends) == []
    start1, length1, start2, length2 = (int(v) for v in signature.byte_range)
    monkeypatch.setattr(signature, "byte_range", [0, length1 - 100, start2, length2])
    messages = [f.en for f in structure.signature_structure(flow.issued, reader, signature, ends)]
    assert any("not this signature's /Contents" in m for m in messages)
    monkeypatch.setattr(signature, "byte_range", [0, length1, start2, length2 - 10])
    messages = [f.en for f in structure.signature_structure(flow.issued, reader, signature, ends)]
    assert any("does not end where a revision" in m for m in messages)
    monkeypatch.setattr(signature, "byte_range", [0, length1, start2, length2])
    monkeypatch.setattr(structure, "_object_offset", lambda _reader, _ref: start1 + length1 + 5)
    messages = [f.en for f in structure.signature_structure(flow.issued, reader, signature, ends)]
    assert any("dictionary lies outside the signed bytes" in m for m in messages)


def test_a_time_limit_ends_the_whole_verification_as_indeterminate(
    flow: Flow, running_pki: RunningPki, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fired inside one signature's validation (where pyHanko catches Exception broadly),
    the limit must not read as that signature being broken."""
    import time

    from signing.verify import signature

    async def stuck(*_args: object, **_kwargs: object) -> None:
        time.sleep(5)

    monkeypatch.setattr(signature, "async_validate_pdf_signature", stuck)
    started = time.monotonic()
    report = verify_pdf(
        flow.issued, trust=flow.store, roles=ROLES, crls=crls(running_pki), time_limit=0.5
    )
    assert time.monotonic() - started < 3
    assert report.verdict == ("INDETERMINATE", None)
    assert report.signatures == ()
    assert "took longer than 0.5 s" in report.findings[0].en


def test_a_broken_check_of_ours_is_said_and_spares_the_signatures(
    flow: Flow, running_pki: RunningPki, monkeypatch: pytest.MonkeyPatch
) -> None:
    from signing.verify import engine

    def broken(*_args: object) -> list[object]:
        raise AssertionError

    monkeypatch.setattr(engine, "removed_signatures", broken)
    report = verify_pdf(flow.issued, trust=flow.store, roles=ROLES, crls=crls(running_pki))
    assert report.verdict == ("INDETERMINATE", None)
    assert [s.indication for s in report.signatures] == ["TOTAL-PASSED", "TOTAL-PASSED"]
    (finding,) = report.findings
    assert "'removed-signatures' of the file could not be completed" in finding.en
    assert "AssertionError" in finding.en and "AssertionError(" not in finding.en


def test_library_messages_reach_the_report_without_reprs() -> None:
    from signing.verify.failures import describe

    error = ValueError(
        "got <class 'pyhanko.pdf_utils.generic.ArrayObject'> in "
        "<pyhanko.pdf_utils.generic.TrailerReference object at 0x7f0a12> "
        "[AdESIndeterminate.NO_SIGNING_CERTIFICATE_FOUND]"
    )
    assert describe(error) == "got ArrayObject in TrailerReference"
    assert describe(AssertionError()) == "an internal error of the PDF library (AssertionError)"


def test_a_damaged_encryption_dictionary_is_unusable_input() -> None:
    damaged = blank_pdf(password="secret").replace(b"/Standard", b"/Standarx", 1)
    with pytest.raises(UnusablePdfError, match="encryption cannot be read: There is no security"):
        verify_pdf(damaged, trust=TrustStore(anchors=()))
