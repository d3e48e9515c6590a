"""Who a certificate names, its role, and whether it may sign."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from cryptography import x509

from certs.demo import Holder
from certs.errors import CertsError
from certs.identity import check_signing_certificate, identity_of, role_of
from tests.support.pki import ORGANISATION, PASSPHRASE, RunningPki

KNOWN = {
    "organisation_emails": [ORGANISATION.email],
    "personal_emails": ["nguyentrongvan@hatinh.dcs.vn", "other@hatinh.dcs.vn"],
}


def test_roles_come_from_the_certificate_emails(running_pki: RunningPki) -> None:
    pki = running_pki.pki
    assert role_of(identity_of(pki.certificate("signer")), **KNOWN) == "personal"
    assert role_of(identity_of(pki.certificate("organisation")), **KNOWN) == "organisation"
    assert role_of(identity_of(pki.certificate("tsa")), **KNOWN) == "unknown"


def test_a_personal_name_on_an_organisation_email_is_still_the_organisation(
    running_pki: RunningPki,
) -> None:
    """The name printed is not what decides: the e-mail bound in the certificate is."""
    cert = running_pki.pki.issue(
        "impostor",
        "personal",
        Holder("Nguyễn Trọng Vân", ORGANISATION.email),
        passphrase=PASSPHRASE,
    )
    assert role_of(identity_of(cert), **KNOWN) == "organisation"
    stranger = running_pki.pki.issue(
        "stranger", "personal", Holder("Nguyễn Trọng Vân", "van@gmail.com"), passphrase=PASSPHRASE
    )
    assert role_of(identity_of(stranger), **KNOWN) == "unknown"


def test_identity_fields(running_pki: RunningPki) -> None:
    identity = identity_of(running_pki.pki.certificate("signer"))
    assert identity.issuer == "sovanban Demo Issuing CA"
    assert len(identity.sha256) == 64
    assert identity.not_before < datetime.now(UTC) < identity.not_after


def test_expired_and_not_yet_valid_certificates_are_refused(running_pki: RunningPki) -> None:
    old = running_pki.pki.issue(
        "expired",
        "personal",
        Holder("Người Cũ", "cu@hatinh.dcs.vn"),
        passphrase=PASSPHRASE,
        days=30,
        not_before=datetime.now(UTC) - timedelta(days=400),
    )
    with pytest.raises(CertsError, match="expired on"):
        check_signing_certificate(old, datetime.now(UTC))
    with pytest.raises(CertsError, match="not valid before"):
        check_signing_certificate(old, datetime.now(UTC) - timedelta(days=500))


def test_a_certificate_without_signing_key_usage_is_refused(running_pki: RunningPki) -> None:
    encipher_only = x509.KeyUsage(
        digital_signature=False,
        content_commitment=False,
        key_encipherment=True,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=False,
        crl_sign=False,
        encipher_only=False,
        decipher_only=False,
    )
    cert = running_pki.pki.issue(
        "encryption",
        "personal",
        Holder("Mã Hóa", "mh@hatinh.dcs.vn"),
        passphrase=PASSPHRASE,
        key_usage=encipher_only,
    )
    with pytest.raises(CertsError, match="may not sign documents"):
        check_signing_certificate(cert, datetime.now(UTC))
