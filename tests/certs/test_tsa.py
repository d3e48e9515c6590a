"""The timestamp authority: pyHanko's HTTP client and OpenSSL's own client both accept it."""

from __future__ import annotations

import asyncio
import hashlib
import shutil
import subprocess
import urllib.request
from pathlib import Path

import pytest
from asn1crypto import algos, tsp
from pyhanko.sign.timestamps import HTTPTimeStamper

from certs.demo import load_pkcs12
from certs.errors import CertsError
from certs.trust import TrustStore
from certs.tsa import DEMO_POLICY, TimestampAuthority, TimestampRejection
from tests.support.components import require
from tests.support.pki import PASSPHRASE, RunningPki


def post(url: str, body: bytes, content_type: str) -> tuple[str, bytes]:
    request = urllib.request.Request(url, data=body, headers={"Content-Type": content_type})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.headers["Content-Type"], response.read()


def test_pyhanko_http_client_gets_a_trusted_token(running_pki: RunningPki) -> None:
    digest = hashlib.sha256(b"Thong bao ket luan").digest()
    token = asyncio.run(HTTPTimeStamper(running_pki.pki.urls.tsa).async_timestamp(digest, "sha256"))
    vc = TrustStore.from_paths(
        anchors=[running_pki.pki.folder / "root-ca.pem"]
    ).validation_context()
    status = asyncio.run(_validate(token, vc, digest))
    assert status.intact and status.valid and status.trusted
    info = token["content"]["encap_content_info"]["content"].parsed
    assert info["policy"].native == DEMO_POLICY
    assert info["gen_time"].native.microsecond == 0


async def _validate(token, vc, digest):  # type: ignore[no-untyped-def]
    from pyhanko.sign.validation.generic_cms import validate_tst_signed_data
    from pyhanko.sign.validation.status import TimestampSignatureStatus

    found = await validate_tst_signed_data(token["content"], vc, lambda _algorithm: digest)
    return TimestampSignatureStatus(**found)


def test_openssl_ts_query_and_verify(running_pki: RunningPki, tmp_path: Path) -> None:
    require("openssl", shutil.which("openssl") is not None, "not on PATH")
    data = tmp_path / "thong-bao.pdf"
    data.write_bytes(b"%PDF-1.7 a notice")
    query = subprocess.run(
        ["openssl", "ts", "-query", "-data", str(data), "-sha256", "-cert"],
        capture_output=True,
        check=True,
    ).stdout
    content_type, reply = post(running_pki.pki.urls.tsa, query, "application/timestamp-query")
    assert content_type == "application/timestamp-reply"
    (tmp_path / "reply.tsr").write_bytes(reply)
    chain = tmp_path / "chain.pem"
    chain.write_bytes((running_pki.pki.folder / "issuing-ca.pem").read_bytes())
    verified = subprocess.run(
        [
            "openssl",
            "ts",
            "-verify",
            "-data",
            str(data),
            "-in",
            str(tmp_path / "reply.tsr"),
            "-CAfile",
            str(running_pki.pki.folder / "root-ca.pem"),
            "-untrusted",
            str(chain),
        ],
        capture_output=True,
        text=True,
    )
    assert verified.returncode == 0, verified.stderr
    assert "Verification: OK" in verified.stdout


def _request(**changes: object) -> bytes:
    fields = {
        "version": "v1",
        "message_imprint": {
            "hash_algorithm": algos.DigestAlgorithm({"algorithm": "sha256"}),
            "hashed_message": b"\x01" * 32,
        },
        "cert_req": True,
    }
    fields.update(changes)
    return tsp.TimeStampReq(fields).dump()


@pytest.mark.parametrize(
    ("body", "failure"),
    [
        (b"this is not DER", "bad_data_format"),
        (b"", "bad_data_format"),
        (
            _request(
                message_imprint={
                    "hash_algorithm": {"algorithm": "sha1"},
                    "hashed_message": b"\x01" * 20,
                }
            ),
            "bad_alg",
        ),
        (
            _request(
                message_imprint={
                    "hash_algorithm": {"algorithm": "sha256"},
                    "hashed_message": b"\x01" * 20,
                }
            ),
            "bad_data_format",
        ),
        (_request(req_policy="1.2.3.4"), "unaccepted_policy"),
    ],
)
def test_requests_it_cannot_honour_get_a_rejection(
    running_pki: RunningPki, body: bytes, failure: str
) -> None:
    _, reply = post(running_pki.pki.urls.tsa, body, "application/timestamp-query")
    status = TimestampRejection.load(reply)["status"]
    assert status["status"].native == "rejection"
    assert status["fail_info"].native == {failure}


def test_the_certificates_come_only_when_asked(running_pki: RunningPki) -> None:
    reply = tsp.TimeStampResp.load(running_pki.services.timestamp(_request(cert_req=False)))
    assert reply["status"]["status"].native == "granted"
    assert not reply["time_stamp_token"]["content"]["certificates"].native


def test_a_tsa_certificate_without_its_eku_is_refused(running_pki: RunningPki) -> None:
    key, cert, chain = load_pkcs12(running_pki.pki.key_path("signer"), PASSPHRASE)
    with pytest.raises(CertsError, match="no extended key usage"):
        TimestampAuthority(cert, key, chain)
    key, cert, chain = load_pkcs12(running_pki.pki.key_path("ocsp"), PASSPHRASE)
    with pytest.raises(CertsError, match="critical timeStamping"):
        TimestampAuthority(cert, key, chain)
