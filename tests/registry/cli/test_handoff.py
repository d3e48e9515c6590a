"""External signing: the document handed out, signed by another tool with the holder's own
key (pyHanko's command line with a PKCS#12 file, or a SoftHSM2 token), taken back only when
it is exactly what the hand-off allows."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from pyhanko.pdf_utils.form_tools import populate_static_text_field
from pyhanko.pdf_utils.generic import ArrayObject, DictionaryObject, FloatObject, NameObject
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.pdf_utils.writer import BasePdfFileWriter
from pyhanko.sign import fields, signers

from certs.demo import load_pkcs12
from tests.support.cli import Sovanban, register_seed_draft
from tests.support.components import require
from tests.support.softhsm import configure, make_token, softhsm_module

PASSPHRASE = "mat-khau-demo"
PYHANKO = Path(sys.executable).with_name("pyhanko")


def _prepared(demo: Sovanban, tmp_path: Path) -> str:
    document = register_seed_draft(demo, tmp_path, "Ký ngoài hệ thống")
    demo.ok("prepare", document)
    return document


def _pyhanko(*arguments: str, stdin: str = "") -> None:
    require("pyhanko-cli", PYHANKO.exists(), "install the test extra")
    subprocess.run(
        [str(PYHANKO), *arguments], check=True, capture_output=True, input=stdin, text=True
    )


def _addsig_p12(
    demo: Sovanban, tmp_path: Path, source: Path, target: Path, key: str, field: str
) -> None:
    (tmp_path / "pass.txt").write_text(PASSPHRASE)
    _pyhanko(
        "sign",
        "addsig",
        "--field",
        field,
        "--use-pades",
        "pkcs12",
        "--passfile",
        str(tmp_path / "pass.txt"),
        str(source),
        str(target),
        str(demo.instance / "pki" / key),
    )


def _sign_with(
    demo: Sovanban,
    data: bytes,
    key: str,
    field: str,
    *,
    fill: dict[str, str] | None = None,
    annotate: bool = False,
) -> bytes:
    """Sign ``data`` in one update with pyHanko's library, as a plugin would."""
    signer = signers.SimpleSigner.load_pkcs12(
        str(demo.instance / "pki" / key), passphrase=PASSPHRASE.encode()
    )
    assert signer is not None
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    for name, value in (fill or {}).items():
        populate_static_text_field(writer, name, TextBoxStyle(), value)
    if annotate:
        _add_note(writer)
    meta = signers.PdfSignatureMetadata(field_name=field, subfilter=fields.SigSeedSubFilter.PADES)
    return signers.sign_pdf(writer, meta, signer=signer).getvalue()


def _add_note(writer: BasePdfFileWriter) -> None:
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    note = writer.add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Annot"),
                NameObject("/Subtype"): NameObject("/Text"),
                NameObject("/Rect"): ArrayObject([FloatObject(x) for x in (10, 10, 30, 30)]),
            }
        )
    )
    annotations = page.get("/Annots", ArrayObject())
    annotations.append(note)
    page[NameObject("/Annots")] = annotations
    writer.update_container(page)


def test_signed_by_pyhankos_command_line_then_issued_by_a_plugin(
    demo: Sovanban, tmp_path: Path
) -> None:
    document = _prepared(demo, tmp_path)
    handed = tmp_path / "handed.pdf"
    ticket = demo.ok("handoff", document, "-o", str(handed), "--json").json()
    assert ticket["kind"] == "sign"
    signed = tmp_path / "signed.pdf"
    _addsig_p12(demo, tmp_path, handed, signed, "signer.p12", "chu_ky_lanh_dao")
    assert demo.ok("accept", document, str(signed)).out.strip() == "signed"
    again = demo("accept", document, str(signed))
    assert again.code != 0 and "no open hand-off" in again.err  # used up
    # Issuing through the plugin's contract: number and date written, the office signs.
    issue = demo.ok("handoff", document, "--issue", "-o", str(handed), "--json").json()
    # The number field prints its whole line, as it will read in the issued file.
    assert issue["DocNumber"] == "02-TB/ĐUK" and issue["number_field"] == "Số 02-TB/ĐUK"
    assert issue["IssuedDate"].endswith("+07:00")
    issued = tmp_path / "issued.pdf"
    issued.write_bytes(
        _sign_with(
            demo,
            handed.read_bytes(),
            "organisation.p12",
            "chu_ky_co_quan",
            fill={"so_ky_hieu": issue["number_field"], "ngay_ban_hanh": issue["date_field"]},
        )
    )
    assert demo.ok("accept", document, str(issued)).out.strip() == "issued"
    newest = tmp_path / "newest.pdf"
    demo.ok("download", document, "-o", str(newest))
    assert demo.ok("verify", str(newest), "--json").json()["indication"] == "TOTAL-PASSED"


def test_signed_on_a_softhsm_token_by_pyhankos_command_line(demo: Sovanban, tmp_path: Path) -> None:
    module = softhsm_module()
    configure(tmp_path / "softhsm")
    key, cert, _ = load_pkcs12(demo.instance / "pki" / "signer.p12", PASSPHRASE.encode())
    assert isinstance(key, rsa.RSAPrivateKey)
    token = make_token("usb-nguyentrongvan", key, cert, "chu-ky")
    document = _prepared(demo, tmp_path)
    handed, signed = tmp_path / "handed.pdf", tmp_path / "signed.pdf"
    demo.ok("handoff", document, "-o", str(handed))
    _pyhanko(
        "sign",
        "addsig",
        "--field",
        "chu_ky_lanh_dao",
        "--use-pades",
        "pkcs11",
        "--lib",
        module,
        "--token-label",
        token.label,
        "--key-label",
        token.key_label,
        "--cert-label",
        token.key_label,
        "--other-cert-file",  # a token holds its CA certificate beside the signer's
        str(demo.instance / "pki" / "issuing-ca.pem"),
        str(handed),
        str(signed),
        stdin=f"{token.pin}\n",
    )
    assert demo.ok("accept", document, str(signed)).out.strip() == "signed"


def _refused(demo: Sovanban, document: str, data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "returned.pdf"
    path.write_bytes(data)
    shown = demo.ok("show", document, "--json").json()
    result = demo("accept", document, str(path))
    assert result.code != 0 and "refused: " in result.err
    after = demo.ok("show", document, "--json").json()
    assert after["status"] == shown["status"] and after["files"] == shown["files"]  # unchanged
    return result.err


@pytest.mark.parametrize(
    ("case", "reason"),
    [
        ("someone else's certificate", "not Nguyễn Trọng Vân's"),
        ("the wrong field", "in the field 'chu_ky_co_quan'"),
        ("an annotation in the same update", "changes more than the signature"),
        ("a different revision", "not built on the revision"),
        ("two updates", "exactly one"),
    ],
)
def test_what_the_signing_handoff_refuses(
    demo: Sovanban, tmp_path: Path, case: str, reason: str
) -> None:
    document = _prepared(demo, tmp_path)
    handed = tmp_path / "handed.pdf"
    demo.ok("handoff", document, "-o", str(handed))
    base = handed.read_bytes()
    if case == "someone else's certificate":
        returned = _sign_with(demo, base, "organisation.p12", "chu_ky_lanh_dao")
    elif case == "the wrong field":
        returned = _sign_with(demo, base, "signer.p12", "chu_ky_co_quan")
    elif case == "an annotation in the same update":
        returned = _sign_with(demo, base, "signer.p12", "chu_ky_lanh_dao", annotate=True)
    elif case == "a different revision":
        draft = tmp_path / "draft.pdf"
        demo.ok("download", document, "--revision", "draft", "-o", str(draft))
        returned = _sign_with(demo, draft.read_bytes(), "signer.p12", "chu_ky_lanh_dao")
    else:
        writer = IncrementalPdfFileWriter(io.BytesIO(base))
        _add_note(writer)
        out = io.BytesIO()
        writer.write(out)
        returned = _sign_with(demo, out.getvalue(), "signer.p12", "chu_ky_lanh_dao")
    assert reason in _refused(demo, document, returned, tmp_path)
    # The attempt used the hand-off up: the same file cannot be tried again.
    retry = demo("accept", document, str(tmp_path / "returned.pdf"))
    assert retry.code != 0 and "no open hand-off" in retry.err


def test_issuing_refuses_a_number_other_than_the_allocated_one_and_keeps_the_number(
    demo: Sovanban, tmp_path: Path
) -> None:
    document = _prepared(demo, tmp_path)
    handed = tmp_path / "handed.pdf"
    demo.ok("handoff", document, "-o", str(handed))
    signed = tmp_path / "signed.pdf"
    _addsig_p12(demo, tmp_path, handed, signed, "signer.p12", "chu_ky_lanh_dao")
    demo.ok("accept", document, str(signed))
    issue = demo.ok("handoff", document, "--issue", "-o", str(handed), "--json").json()
    wrong = _sign_with(
        demo,
        handed.read_bytes(),
        "organisation.p12",
        "chu_ky_co_quan",
        fill={"so_ky_hieu": "Số 07-TB/ĐUK", "ngay_ban_hanh": issue["date_field"]},
    )
    assert "not the allocated 'Số 02-TB/ĐUK'" in _refused(demo, document, wrong, tmp_path)
    late = _sign_with(
        demo,
        handed.read_bytes(),
        "organisation.p12",
        "chu_ky_co_quan",
        fill={"so_ky_hieu": "Số 02-TB/ĐUK", "ngay_ban_hanh": "Hà Tĩnh, ngày 01 tháng 01 năm 2020"},
    )
    again = demo.ok("handoff", document, "--issue", "-o", str(handed), "--json").json()
    assert again["DocNumber"] == issue["DocNumber"]  # retrying issues the same number
    assert "not the allocated" in _refused(demo, document, late, tmp_path)
    trail = demo.ok("show", document, "--json").json()
    assert trail["number"]["rendered"] == "02-TB/ĐUK" and trail["status"] == "signed"


def test_issuing_in_the_service_after_an_issue_handoff_takes_the_number_drawn_for_it(
    demo: Sovanban, tmp_path: Path
) -> None:
    """The clerk handed out for issuing, then issued with the office's key in the service
    after all: the number drawn for the hand-off is the document's, none is skipped, and the
    hand-off's upload is refused afterwards."""
    document = _prepared(demo, tmp_path)
    handed = tmp_path / "handed.pdf"
    demo.ok("handoff", document, "-o", str(handed))
    signed = _sign_with(demo, handed.read_bytes(), "signer.p12", "chu_ky_lanh_dao")
    accepted = tmp_path / "signed.pdf"
    accepted.write_bytes(signed)
    demo.ok("accept", document, str(accepted))
    issue = demo.ok("handoff", document, "--issue", "-o", str(handed), "--json").json()
    late = _sign_with(
        demo,
        handed.read_bytes(),
        "organisation.p12",
        "chu_ky_co_quan",
        fill={"so_ky_hieu": issue["DocNumber"], "ngay_ban_hanh": issue["date_field"]},
    )
    demo.ok("issue", document)  # was: a duplicate-number failure, every time
    shown = demo.ok("show", document, "--json").json()
    assert shown["status"] == "issued" and shown["number"]["rendered"] == "02-TB/ĐUK"
    assert "is now at “Issued”" in _refused(demo, document, late, tmp_path)
    following = _prepared(demo, tmp_path)
    demo.ok("sign", following)
    demo.ok("issue", following)
    assert demo.ok("show", following, "--json").json()["number"]["rendered"] == "03-TB/ĐUK"


def test_an_expired_handoff_refuses_the_upload(demo: Sovanban, tmp_path: Path) -> None:
    import sqlite3

    document = _prepared(demo, tmp_path)
    handed = tmp_path / "handed.pdf"
    demo.ok("handoff", document, "-o", str(handed))
    signed = _sign_with(demo, handed.read_bytes(), "signer.p12", "chu_ky_lanh_dao")
    with sqlite3.connect(demo.instance / "sovanban.sqlite3") as connection:
        connection.execute("UPDATE handoffs SET expires_at = '2020-01-01 00:00:00.000000'")
    connection.close()
    assert "expired" in _refused(demo, document, signed, tmp_path)


def test_a_pinned_certificate_is_the_only_one_accepted(demo: Sovanban, tmp_path: Path) -> None:
    """With his certificate pinned, another certificate bearing his e-mail is not his."""
    other = demo.instance / "pki" / "organisation.pem"
    assert len(demo.ok("users", "certificate", "nguyentrongvan", str(other)).out.strip()) == 64
    document = _prepared(demo, tmp_path)
    handed = tmp_path / "handed.pdf"
    demo.ok("handoff", document, "-o", str(handed))
    signed = _sign_with(demo, handed.read_bytes(), "signer.p12", "chu_ky_lanh_dao")
    assert "not the configured one" in _refused(demo, document, signed, tmp_path)
    demo.ok("users", "certificate", "nguyentrongvan", str(demo.instance / "pki" / "signer.pem"))
    demo.ok("handoff", document, "-o", str(handed))
    path = tmp_path / "signed.pdf"
    path.write_bytes(_sign_with(demo, handed.read_bytes(), "signer.p12", "chu_ky_lanh_dao"))
    assert demo.ok("accept", document, str(path)).out.strip() == "signed"
    refused = demo("users", "certificate", "nguyentrongvan", str(tmp_path / "handed.pdf"))
    assert refused.code != 0 and "not a readable certificate" in refused.err
