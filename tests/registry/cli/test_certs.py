"""``sovanban certs``: demo PKI, issue, revoke, trust store, through the real entry point."""

from __future__ import annotations

import urllib.request
from pathlib import Path

import pytest

from tests.support.cli import Sovanban


@pytest.fixture
def with_pki(sovanban: Sovanban, monkeypatch: pytest.MonkeyPatch) -> Sovanban:
    monkeypatch.setenv("SOVANBAN_PKI_PASSPHRASE", "mat-khau-demo")
    sovanban.ok("init")
    sovanban.ok("certs", "demo")
    return sovanban


def test_certs_demo_creates_a_trusted_pki(
    sovanban: Sovanban, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOVANBAN_PKI_PASSPHRASE", "mat-khau-demo")
    created = sovanban.ok("certs", "demo", "--json").json()
    assert created["passphrase_variable"] == "SOVANBAN_PKI_PASSPHRASE"
    assert created["services"] == "http://127.0.0.1:8080/pki"
    assert sorted(created["certificates"]) == ["ocsp", "organisation", "signer", "tsa"]
    folder = Path(created["folder"])
    assert folder == sovanban.instance.resolve() / "pki"
    trusted = sovanban.ok("certs", "trust", "list", "--json").json()
    assert [(t["kind"], t["subject"]) for t in trusted] == [("anchor", "sovanban Demo Root CA")]
    again = sovanban("certs", "demo")
    assert again.code == 1 and "already holds a PKI" in again.err


def test_issue_revoke_and_list(with_pki: Sovanban) -> None:
    serial = with_pki.ok(
        "certs",
        "issue",
        "--name",
        "Trần Thị B",
        "--email",
        "tranthib@hatinh.dcs.vn",
        "--role",
        "personal",
    ).out.strip()
    assert (with_pki.instance / "pki" / "tranthib.p12").is_file()
    with_pki.ok("certs", "revoke", serial.upper(), "--reason", "affiliation_changed")
    rows = {row["serial"]: row for row in with_pki.ok("certs", "list", "--json").json()}
    assert rows[serial]["status"] == "revoked"
    assert rows[serial]["subject"] == "Trần Thị B"
    assert sum(row["status"] == "good" for row in rows.values()) == 4
    unknown = with_pki("certs", "revoke", "abc123")
    assert unknown.code == 1 and "never issued" in unknown.err


def test_a_missing_passphrase_without_a_terminal_is_one_line(
    sovanban: Sovanban, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOVANBAN_PKI_PASSPHRASE", raising=False)
    result = sovanban("certs", "demo")
    assert result.code == 1
    assert (
        result.err
        == "sovanban: PKI passphrase: set SOVANBAN_PKI_PASSPHRASE (no terminal to ask on)\n"
    )


def test_trust_add_profile_and_files(sovanban: Sovanban, tmp_path: Path) -> None:
    added = sovanban.ok("certs", "trust", "add", "--profile", "vn").out.splitlines()
    assert len(added) == 5
    subjects = {
        row["subject"]: row["kind"]
        for row in sovanban.ok("certs", "trust", "list", "--json").json()
    }
    assert subjects["RootCA chuyên dùng Chính phủ G2"] == "anchor"
    assert subjects["Co quan chung thuc so chuyen dung Chinh phu (RootCA)"] == "anchor"
    assert subjects["VNPT-CA SHA2"] == "intermediate"
    broken = tmp_path / "broken.pem"
    broken.write_text("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
    result = sovanban("certs", "trust", "add", str(broken))
    assert result.code == 1 and result.err.count("\n") == 1 and "not a certificate" in result.err
    neither = sovanban("certs", "trust", "add")
    assert neither.code == 1 and "either a certificate FILE or --profile vn" in neither.err


def test_certs_serve_answers_over_http(with_pki: Sovanban, tmp_path: Path) -> None:
    """The real command in its own process, as an office would run it."""
    from cryptography import x509

    from tests.support.pki import free_port
    from tests.support.processes import serving

    port = free_port()
    arguments = ["--instance", str(with_pki.instance), "certs", "serve", "--port", str(port)]
    env = {"SOVANBAN_PKI_PASSPHRASE": "mat-khau-demo"}
    with serving(arguments, port, tmp_path / "certs.log", env):
        url = f"http://127.0.0.1:{port}/pki/crl/issuing-ca.crl"
        with urllib.request.urlopen(url, timeout=10) as response:
            crl = x509.load_der_x509_crl(response.read())
        issuer = crl.issuer.get_attributes_for_oid(x509.NameOID.COMMON_NAME)[0].value
        assert issuer == "sovanban Demo Issuing CA"
