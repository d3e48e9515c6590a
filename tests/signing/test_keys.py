"""Key sources: PKCS#12 files and PKCS#11 tokens give signers that produce trusted signatures."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import PdfSignatureStatus

from certs.demo import Holder, load_pkcs12
from certs.trust import TrustStore
from signing.errors import SigningError
from signing.keys import load_pkcs12_signer, open_pkcs11_signer
from tests.support.pdfs import blank_pdf
from tests.support.pki import PASSPHRASE, RunningPki
from tests.support.softhsm import Token, configure, make_token


def sign(signer: signers.Signer) -> bytes:
    meta = signers.PdfSignatureMetadata(
        field_name="chu_ky", subfilter=fields.SigSeedSubFilter.PADES
    )
    out = signers.PdfSigner(meta, signer).sign_pdf(
        IncrementalPdfFileWriter(io.BytesIO(blank_pdf()))
    )
    return out.getvalue()


def validate(running: RunningPki, pdf: bytes) -> PdfSignatureStatus:
    store = TrustStore.from_paths(anchors=[running.pki.folder / "root-ca.pem"])
    signature = PdfFileReader(io.BytesIO(pdf)).embedded_signatures[0]
    return validate_pdf_signature(signature, store.validation_context())


def test_a_pkcs12_signer_signs_trusted_and_reuses_its_key(running_pki: RunningPki) -> None:
    signer = load_pkcs12_signer(running_pki.pki.key_path("signer"), PASSPHRASE)
    first, second = sign(signer), sign(signer)
    for pdf in (first, second):
        status = validate(running_pki, pdf)
        assert status.intact and status.valid and status.trusted
        assert status.signing_cert is not None
        assert status.signing_cert.subject.native["common_name"] == "Nguyễn Trọng Vân"
    assert signer.signing_cert is not None
    assert signer.signing_cert.subject.native["email_address"] == "nguyentrongvan@hatinh.dcs.vn"


def test_an_ecdsa_key_signs_too(tmp_path: Path) -> None:
    from tests.support.pki import start_pki, stop_pki

    running = start_pki(tmp_path / "pki", key_type="ecdsa")
    try:
        status = validate(
            running, sign(load_pkcs12_signer(running.pki.key_path("signer"), PASSPHRASE))
        )
        assert status.intact and status.valid and status.trusted
    finally:
        stop_pki(running)


def test_pkcs12_errors_are_one_clear_line(running_pki: RunningPki, tmp_path: Path) -> None:
    with pytest.raises(SigningError, match="wrong passphrase"):
        load_pkcs12_signer(running_pki.pki.key_path("signer"), b"sai mat khau")
    with pytest.raises(SigningError, match="cannot read the key file"):
        load_pkcs12_signer(tmp_path / "absent.p12", PASSPHRASE)
    old = running_pki.pki.issue(
        "expired-signer",
        "personal",
        Holder("Người Cũ", "cu2@hatinh.dcs.vn"),
        passphrase=PASSPHRASE,
        days=10,
        not_before=datetime.now(UTC) - timedelta(days=100),
    )
    assert old is not None
    with pytest.raises(SigningError, match="expired on"):
        load_pkcs12_signer(running_pki.pki.key_path("expired-signer"), PASSPHRASE)


@pytest.fixture(scope="module")
def token(running_pki: RunningPki, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Token]:
    configure(tmp_path_factory.mktemp("softhsm"))
    key, cert, _ = load_pkcs12(running_pki.pki.key_path("signer"), PASSPHRASE)
    assert isinstance(key, rsa.RSAPrivateKey)
    yield make_token("nguyentrongvan", key, cert, "chu-ky-ca-nhan")


def test_a_pkcs11_token_signs_exactly_as_the_pkcs12_file_does(
    running_pki: RunningPki, token: Token
) -> None:
    chain = [running_pki.pki.issuing, running_pki.pki.root]
    with open_pkcs11_signer(
        token.module, token_label=token.label, key_label=token.key_label, pin=token.pin, chain=chain
    ) as signer:
        from_token = validate(running_pki, sign(signer))
    from_file = validate(
        running_pki, sign(load_pkcs12_signer(running_pki.pki.key_path("signer"), PASSPHRASE))
    )
    for status in (from_token, from_file):
        assert status.intact and status.valid and status.trusted
    assert from_token.signing_cert.dump() == from_file.signing_cert.dump()


@pytest.mark.parametrize(
    ("token_label", "key_label", "pin", "module", "message"),
    [
        (None, None, "000000", None, "wrong PIN"),
        ("khong-co", "x", None, None, "cannot open the token 'khong-co'"),
        (None, "khong-co", None, None, "has no certificate 'khong-co'"),
        ("x", "x", "1", "/nonexistent/lib.so", "does not exist"),
    ],
)
def test_pkcs11_errors_are_clear(
    token: Token,
    token_label: str | None,
    key_label: str | None,
    pin: str | None,
    module: str | None,
    message: str,
) -> None:
    with (
        pytest.raises(SigningError, match=message),
        open_pkcs11_signer(
            module or token.module,
            token_label=token_label or token.label,
            key_label=key_label or token.key_label,
            pin=pin or token.pin,
        ),
    ):
        pass


def test_a_pkcs12_exported_by_openssl_with_legacy_3des_loads(
    running_pki: RunningPki, tmp_path: Path
) -> None:
    """Offices receive .p12/.pfx files from Windows tools: SHA1-3DES, as OpenSSL writes it."""
    import shutil
    import subprocess

    from cryptography.hazmat.primitives import serialization

    from tests.support.components import require

    require("openssl", shutil.which("openssl") is not None, "not on PATH")
    key, cert, chain = load_pkcs12(running_pki.pki.key_path("signer"), PASSPHRASE)
    (tmp_path / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    (tmp_path / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "chain.pem").write_bytes(
        b"".join(c.public_bytes(serialization.Encoding.PEM) for c in chain)
    )
    subprocess.run(
        [
            "openssl",
            "pkcs12",
            "-export",
            "-inkey",
            str(tmp_path / "key.pem"),
            "-in",
            str(tmp_path / "cert.pem"),
            "-certfile",
            str(tmp_path / "chain.pem"),
            "-keypbe",
            "PBE-SHA1-3DES",
            "-certpbe",
            "PBE-SHA1-3DES",
            "-macalg",
            "sha1",
            "-passout",
            "pass:Vgca@2024",
            "-out",
            str(tmp_path / "nguyentrongvan.pfx"),
        ],
        check=True,
        capture_output=True,
    )
    signer = load_pkcs12_signer(tmp_path / "nguyentrongvan.pfx", b"Vgca@2024")
    status = validate(running_pki, sign(signer))
    assert status.intact and status.valid and status.trusted
