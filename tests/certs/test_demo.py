"""The demo PKI: what it issues, how keys are protected, issuing and revoking."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import AuthorityInformationAccessOID, ExtendedKeyUsageOID

from certs.demo import DemoPki, Holder, load_pkcs12
from certs.errors import CertsError
from certs.identity import identity_of
from tests.support.pki import ORGANISATION, PASSPHRASE, SIGNER, RunningPki

Kind = TypeVar("Kind", bound=x509.ExtensionType)


def ext(cert: x509.Certificate, kind: type[Kind]) -> x509.Extension[Kind]:
    return cert.extensions.get_extension_for_class(kind)


def test_the_signer_certificate(running_pki: RunningPki) -> None:
    cert = running_pki.pki.certificate("signer")
    identity = identity_of(cert)
    assert identity.name == "Nguyễn Trọng Vân"
    assert identity.emails == ("nguyentrongvan@hatinh.dcs.vn",)
    usage = ext(cert, x509.KeyUsage)
    assert usage.critical and usage.value.digital_signature and usage.value.content_commitment
    assert not usage.value.key_cert_sign
    (point,) = ext(cert, x509.CRLDistributionPoints).value
    assert point.full_name is not None
    crl = point.full_name[0].value
    assert crl == f"{running_pki.base_url}/crl/issuing-ca.crl"
    access = {
        a.access_method: a.access_location.value
        for a in ext(cert, x509.AuthorityInformationAccess).value
    }
    assert access[AuthorityInformationAccessOID.OCSP] == f"{running_pki.base_url}/ocsp"
    key = cert.public_key()
    assert isinstance(key, rsa.RSAPublicKey) and key.key_size == 2048


def test_the_organisation_tsa_and_ocsp_certificates(running_pki: RunningPki) -> None:
    org = identity_of(running_pki.pki.certificate("organisation"))
    assert org.name == ORGANISATION.name and org.emails == (ORGANISATION.email,)
    tsa = ext(running_pki.pki.certificate("tsa"), x509.ExtendedKeyUsage)
    assert tsa.critical and list(tsa.value) == [ExtendedKeyUsageOID.TIME_STAMPING]
    ocsp = running_pki.pki.certificate("ocsp")
    assert list(ext(ocsp, x509.ExtendedKeyUsage).value) == [ExtendedKeyUsageOID.OCSP_SIGNING]
    assert isinstance(ext(ocsp, x509.OCSPNoCheck).value, x509.OCSPNoCheck)
    issuing = running_pki.pki.issuing
    assert ext(issuing, x509.BasicConstraints).value.path_length == 0


def test_keys_are_only_in_passphrase_protected_pkcs12(running_pki: RunningPki) -> None:
    folder = running_pki.pki.folder
    for label in ("root-ca", "issuing-ca", "signer", "organisation", "tsa", "ocsp"):
        data = (folder / f"{label}.p12").read_bytes()
        assert b"PRIVATE KEY" not in data
        assert (folder / f"{label}.p12").stat().st_mode & 0o077 == 0
        with pytest.raises(CertsError, match="wrong passphrase"):
            load_pkcs12(folder / f"{label}.p12", b"wrong")
    # A NUL in what was typed is a wrong passphrase too (cryptography would panic on it).
    with pytest.raises(CertsError, match="wrong passphrase"):
        load_pkcs12(folder / "signer.p12", b"\x00\x1b[31m\r\nSet-Cookie: x=1")
    _, cert, chain = load_pkcs12(folder / "signer.p12", PASSPHRASE)
    assert cert == running_pki.pki.certificate("signer")
    assert [c.subject for c in chain] == [
        running_pki.pki.issuing.subject,
        running_pki.pki.root.subject,
    ]
    assert not any(p.suffix == ".key" for p in folder.iterdir())


def test_ecdsa_option(tmp_path: Path) -> None:
    pki = DemoPki.create(
        tmp_path / "pki",
        passphrase=PASSPHRASE,
        base_url="http://127.0.0.1:1/pki",
        signer=SIGNER,
        organisation=ORGANISATION,
        key_type="ecdsa",
    )
    assert isinstance(pki.certificate("signer").public_key(), ec.EllipticCurvePublicKey)
    assert isinstance(pki.root.public_key(), ec.EllipticCurvePublicKey)


def test_issue_and_revoke(running_pki: RunningPki) -> None:
    pki = running_pki.pki
    cert = pki.issue(
        "tran-van-a", "personal", Holder("Trần Văn A", "tva@hatinh.dcs.vn"), passphrase=PASSPHRASE
    )
    serial = f"{cert.serial_number:x}"
    assert pki.status(cert.serial_number).status == "good"
    pki.revoke(serial.upper(), "superseded")
    status = pki.status(cert.serial_number)
    assert (status.status, status.reason) == ("revoked", "superseded")
    with pytest.raises(CertsError, match="already revoked"):
        pki.revoke(serial)
    assert pki.status(12345).status == "unknown"


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda pki: pki.revoke("abcdef"), "never issued"),
        (
            lambda pki: pki.revoke(f"{pki.certificate('tsa').serial_number:x}", "bored"),
            "unknown revocation reason",
        ),
        (
            lambda pki: pki.issue("x", "personal", Holder("N" * 65), passphrase=PASSPHRASE),
            "longer than the 64",
        ),
        (lambda pki: pki.issue("../x", "personal", Holder("N"), passphrase=PASSPHRASE), "label"),
        (
            lambda pki: pki.issue("x", "personal", Holder("N"), passphrase=b"wrong"),
            "wrong passphrase",
        ),
    ],
)
def test_mistakes_are_clear_errors(running_pki: RunningPki, call, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(CertsError, match=message):
        call(running_pki.pki)


def test_a_folder_holds_one_pki(running_pki: RunningPki, tmp_path: Path) -> None:
    with pytest.raises(CertsError, match="already holds a PKI"):
        DemoPki.create(
            running_pki.pki.folder,
            passphrase=PASSPHRASE,
            base_url="http://x/pki",
            signer=SIGNER,
            organisation=ORGANISATION,
        )
    with pytest.raises(CertsError, match="not a demo PKI folder"):
        DemoPki(tmp_path)
    with pytest.raises(CertsError, match="must not be empty"):
        DemoPki.create(
            tmp_path / "p",
            passphrase=b"",
            base_url="http://x/pki",
            signer=SIGNER,
            organisation=ORGANISATION,
        )
