"""OCSP and CRLs: good for a live certificate, revoked after revocation, for pyHanko and OpenSSL."""

from __future__ import annotations

import base64
import io
import shutil
import subprocess
import urllib.request
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509 import ocsp
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import validate_pdf_signature

from certs.demo import Holder
from certs.trust import TrustStore
from signing.keys import load_pkcs12_signer
from tests.support.components import require
from tests.support.pdfs import blank_pdf
from tests.support.pki import PASSPHRASE, RunningPki


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read()


def ocsp_request(cert: x509.Certificate, issuer: x509.Certificate) -> bytes:
    builder = ocsp.OCSPRequestBuilder().add_certificate(cert, issuer, hashes.SHA1())
    return builder.build().public_bytes(serialization.Encoding.DER)


def ask(running: RunningPki, cert: x509.Certificate) -> ocsp.OCSPResponse:
    request = urllib.request.Request(
        running.pki.urls.ocsp,
        data=ocsp_request(cert, running.pki.issuing),
        headers={"Content-Type": "application/ocsp-request"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.headers["Content-Type"] == "application/ocsp-response"
        return ocsp.load_der_ocsp_response(response.read())


def fresh_certificate(running: RunningPki, label: str) -> x509.Certificate:
    return running.pki.issue(
        label, "personal", Holder(f"Người {label}", f"{label}@hatinh.dcs.vn"), passphrase=PASSPHRASE
    )


def test_ocsp_good_then_revoked_with_whole_second_times(running_pki: RunningPki) -> None:
    cert = fresh_certificate(running_pki, "ocsp-case")
    good = ask(running_pki, cert)
    assert good.response_status == ocsp.OCSPResponseStatus.SUCCESSFUL
    assert good.certificate_status == ocsp.OCSPCertStatus.GOOD
    assert good.this_update_utc.microsecond == 0 and good.produced_at_utc.microsecond == 0
    running_pki.pki.revoke(f"{cert.serial_number:x}", "key_compromise")
    revoked = ask(running_pki, cert)
    assert revoked.certificate_status == ocsp.OCSPCertStatus.REVOKED
    assert revoked.revocation_reason == x509.ReasonFlags.key_compromise
    crl = x509.load_der_x509_crl(fetch(f"{running_pki.base_url}/crl/issuing-ca.crl"))
    assert crl.get_revoked_certificate_by_serial_number(cert.serial_number) is not None
    assert crl.is_signature_valid(running_pki.pki.issuing.public_key())  # type: ignore[arg-type]


def test_ocsp_get_form_and_bad_requests(running_pki: RunningPki) -> None:
    cert = running_pki.pki.certificate("organisation")
    encoded = base64.b64encode(ocsp_request(cert, running_pki.pki.issuing)).decode()
    answer = ocsp.load_der_ocsp_response(fetch(f"{running_pki.pki.urls.ocsp}/{encoded}"))
    assert answer.certificate_status == ocsp.OCSPCertStatus.GOOD
    malformed = ocsp.load_der_ocsp_response(running_pki.services.ocsp_response(b"garbage"))
    assert malformed.response_status == ocsp.OCSPResponseStatus.MALFORMED_REQUEST
    foreign = ocsp_request(running_pki.pki.issuing, running_pki.pki.root)  # not our issuer
    answer = ocsp.load_der_ocsp_response(running_pki.services.ocsp_response(foreign))
    assert answer.response_status == ocsp.OCSPResponseStatus.UNAUTHORIZED


def test_the_root_crl_is_served_and_empty(running_pki: RunningPki) -> None:
    crl = x509.load_der_x509_crl(fetch(f"{running_pki.base_url}/crl/root-ca.crl"))
    assert list(crl) == []
    assert crl.is_signature_valid(running_pki.pki.root.public_key())  # type: ignore[arg-type]
    with pytest.raises(urllib.error.HTTPError):
        fetch(f"{running_pki.base_url}/crl/unknown.crl")


def sign_as(running: RunningPki, label: str) -> bytes:
    signer = load_pkcs12_signer(running.pki.key_path(label), PASSPHRASE)
    meta = signers.PdfSignatureMetadata(
        field_name="chu_ky", subfilter=fields.SigSeedSubFilter.PADES
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(blank_pdf()))
    return signers.PdfSigner(meta, signer).sign_pdf(writer).getvalue()


def test_pyhanko_sees_good_then_revoked_through_our_services(running_pki: RunningPki) -> None:
    cert = fresh_certificate(running_pki, "pyhanko-case")
    signed = sign_as(running_pki, "pyhanko-case")
    store = TrustStore.from_paths(anchors=[running_pki.pki.folder / "root-ca.pem"])

    def status():  # type: ignore[no-untyped-def]
        vc = store.validation_context(fetching=True, revocation="hard-fail")
        return validate_pdf_signature(PdfFileReader(io.BytesIO(signed)).embedded_signatures[0], vc)

    before = status()
    assert before.intact and before.valid and before.trusted and not before.revoked
    running_pki.pki.revoke(f"{cert.serial_number:x}", "affiliation_changed")
    after = status()
    assert after.revoked and not after.trusted


def test_openssl_ocsp_good_then_revoked(running_pki: RunningPki, tmp_path: Path) -> None:
    require("openssl", shutil.which("openssl") is not None, "not on PATH")
    cert = fresh_certificate(running_pki, "openssl-case")
    (tmp_path / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "chain.pem").write_bytes(
        (running_pki.pki.folder / "root-ca.pem").read_bytes()
        + (running_pki.pki.folder / "issuing-ca.pem").read_bytes()
    )
    command = [
        "openssl",
        "ocsp",
        "-issuer",
        str(running_pki.pki.folder / "issuing-ca.pem"),
        "-cert",
        str(tmp_path / "cert.pem"),
        "-url",
        running_pki.pki.urls.ocsp,
        "-CAfile",
        str(tmp_path / "chain.pem"),
    ]
    good = subprocess.run(command, capture_output=True, text=True)
    assert "Response verify OK" in good.stderr + good.stdout, good.stderr
    assert f"{tmp_path / 'cert.pem'}: good" in good.stdout
    running_pki.pki.revoke(f"{cert.serial_number:x}", "superseded")
    revoked = subprocess.run(command, capture_output=True, text=True)
    assert f"{tmp_path / 'cert.pem'}: revoked" in revoked.stdout
    assert "Reason: superseded" in revoked.stdout
