"""Trust anchors from files and folders; the demo chain validates; the vn profile and its pins."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import pytest
from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from pyhanko_certvalidator import CertificateValidator

import certs
from certs.errors import CertsError
from certs.profiles import check_pins, vn_profile
from certs.trust import TrustStore, fingerprint, load_certificates
from tests.support.pki import RunningPki


def asn1(cert) -> asn1_x509.Certificate:  # type: ignore[no-untyped-def]
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def test_the_demo_chain_validates_with_certvalidator(running_pki: RunningPki) -> None:
    folder = running_pki.pki.folder
    store = TrustStore.from_paths(
        anchors=[folder / "root-ca.pem"], intermediates=[folder / "issuing-ca.pem"]
    )
    signer = asn1(running_pki.pki.certificate("signer"))
    validator = CertificateValidator(signer, validation_context=store.validation_context())
    path = asyncio.run(validator.async_validate_usage({"digital_signature", "non_repudiation"}))
    assert [c.subject.native["common_name"] for c in path] == [
        "sovanban Demo Root CA",
        "sovanban Demo Issuing CA",
        "Nguyễn Trọng Vân",
    ]


def test_a_chain_without_its_anchor_is_not_trusted(running_pki: RunningPki, tmp_path: Path) -> None:
    from pyhanko_certvalidator.errors import PathBuildingError

    other_root = tmp_path / "other.pem"
    vn = vn_profile()
    other_root.write_bytes(pem.armor("CERTIFICATE", vn[0][1].dump()))
    store = TrustStore.from_paths(anchors=[other_root])
    signer = asn1(running_pki.pki.certificate("signer"))
    validator = CertificateValidator(signer, validation_context=store.validation_context())
    with pytest.raises(PathBuildingError):
        asyncio.run(validator.async_validate_usage({"digital_signature"}))


def test_folders_sort_anchors_from_intermediates(running_pki: RunningPki, tmp_path: Path) -> None:
    folder = tmp_path / "trust"
    folder.mkdir()
    shutil.copy(running_pki.pki.folder / "root-ca.pem", folder / "root.crt")
    der = running_pki.pki.issuing.public_bytes(serialization.Encoding.DER)
    (folder / "issuing.der").write_bytes(der)
    (folder / "notes.txt").write_text("ignored")
    store = TrustStore.from_paths(folders=[folder])
    assert [fingerprint(c) for c in store.anchors] == [fingerprint(asn1(running_pki.pki.root))]
    assert [fingerprint(c) for c in store.intermediates] == [
        fingerprint(asn1(running_pki.pki.issuing))
    ]


def test_several_certificates_in_one_pem(running_pki: RunningPki, tmp_path: Path) -> None:
    bundle = tmp_path / "bundle.pem"
    bundle.write_bytes(
        (running_pki.pki.folder / "root-ca.pem").read_bytes()
        + (running_pki.pki.folder / "issuing-ca.pem").read_bytes()
    )
    assert len(load_certificates(bundle)) == 2


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "cannot read"),
        (
            b"-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n",
            "not a certificate",
        ),
        (b"\x30\x03\x02\x01\x01", "not a certificate"),
        (b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", "holds no certificate"),
    ],
)
def test_unreadable_certificate_files(tmp_path: Path, content: bytes | None, message: str) -> None:
    path = tmp_path / "anchor.pem"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(CertsError, match=message):
        load_certificates(path)


def test_no_anchor_is_a_clear_error() -> None:
    with pytest.raises(CertsError, match="no trust anchor"):
        TrustStore(()).validation_context()


def test_the_vn_profile_loads_and_every_pin_holds() -> None:
    profile = vn_profile()
    names = {pinned.common_name: pinned.kind for pinned, _ in profile}
    assert names == {
        "RootCA chuyên dùng Chính phủ G2": "anchor",
        "CA phục vụ các cơ quan Nhà nước G2": "intermediate",
        "Co quan chung thuc so chuyen dung Chinh phu (RootCA)": "anchor",
        "Vietnam National Root CA": "anchor",
        "VNPT-CA SHA2": "intermediate",
    }
    for pinned, cert in profile:
        assert fingerprint(cert) == pinned.sha256
    # G1 is also pinned by a published Vietnamese verification tool, by SHA-1.
    g1 = next(c for p, c in profile if p.common_name.endswith("(RootCA)"))
    assert g1.sha1.hex(":").upper() == "90:27:3E:91:3B:6F:70:12:86:33:06:FF:4D:97:E0:E0:3E:44:12:42"
    # The State-bodies intermediate chains to VGCA Root G2.
    store = TrustStore(
        anchors=tuple(c for p, c in profile if p.kind == "anchor"),
        intermediates=tuple(c for p, c in profile if p.kind == "intermediate"),
    )
    intermediate = next(c for p, c in profile if p.common_name.startswith("CA phục vụ"))
    validator = CertificateValidator(intermediate, validation_context=store.validation_context())
    path = asyncio.run(validator.async_validate_usage(set()))
    assert path.first.subject.native["common_name"] == "RootCA chuyên dùng Chính phủ G2"


def copy_profile(tmp_path: Path) -> Path:
    folder = tmp_path / "vn"
    shutil.copytree(Path(certs.__file__).parent / "data" / "vn", folder)
    return folder


def test_an_altered_anchor_file_is_refused(tmp_path: Path) -> None:
    folder = copy_profile(tmp_path)
    target = folder / "vgca-root-g2.pem"
    cert = load_certificates(target)[0]
    der = bytearray(cert.dump())
    der[-5] ^= 0x01  # one bit of the signature
    target.write_bytes(pem.armor("CERTIFICATE", bytes(der)))
    with pytest.raises(
        CertsError, match=r"vgca-root-g2\.pem: its SHA-256 fingerprint .* altered or swapped"
    ):
        vn_profile(folder)


def test_a_swapped_anchor_file_is_refused(tmp_path: Path) -> None:
    folder = copy_profile(tmp_path)
    shutil.copy(folder / "vnpt-ca-sha2.pem", folder / "vietnam-national-root-ca.pem")
    with pytest.raises(CertsError, match=r"vietnam-national-root-ca\.pem"):
        vn_profile(folder)


def test_an_impostor_named_like_a_pinned_certificate_is_refused(running_pki: RunningPki) -> None:
    from certs.demo import Holder
    from tests.support.pki import PASSPHRASE

    impostor = running_pki.pki.issue(
        "impostor-party-ca",
        "personal",
        Holder("CA phục vụ các cơ quan Đảng G2"),
        passphrase=PASSPHRASE,
    )
    with pytest.raises(CertsError, match="claims to be 'CA phục vụ các cơ quan Đảng G2'"):
        check_pins(asn1(impostor), "party-ca.pem")
    assert check_pins(asn1(running_pki.pki.root), "root.pem") is None
