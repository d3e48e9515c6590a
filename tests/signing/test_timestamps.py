"""Timestampers: the built-in authority in-process, and the HTTP client's retries and refusals."""

from __future__ import annotations

import asyncio
import hashlib
import io
import threading
from collections.abc import Iterator

import pytest
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.timestamps.common_utils import TimestampRequestError
from pyhanko.sign.validation import validate_pdf_signature
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from certs.trust import TrustStore
from signing.keys import load_pkcs12_signer
from signing.timestamps import LocalTimeStamper, RetryingHTTPTimeStamper
from tests.support.pdfs import blank_pdf
from tests.support.pki import PASSPHRASE, RunningPki, free_port


def test_the_built_in_authority_timestamps_a_signature(running_pki: RunningPki) -> None:
    signer = load_pkcs12_signer(running_pki.pki.key_path("signer"), PASSPHRASE)
    meta = signers.PdfSignatureMetadata(
        field_name="chu_ky", subfilter=fields.SigSeedSubFilter.PADES
    )
    stamper = LocalTimeStamper(running_pki.services.tsa)
    out = signers.PdfSigner(meta, signer, timestamper=stamper).sign_pdf(
        IncrementalPdfFileWriter(io.BytesIO(blank_pdf()))
    )
    store = TrustStore.from_paths(anchors=[running_pki.pki.folder / "root-ca.pem"])
    status = validate_pdf_signature(
        PdfFileReader(out).embedded_signatures[0], store.validation_context()
    )
    assert status.trusted
    assert status.timestamp_validity is not None and status.timestamp_validity.trusted


class CountingServer:
    """A loopback HTTP server answering every request with ``body`` and counting them."""

    def __init__(self, body: bytes, content_type: str) -> None:
        self.calls = 0
        self.port = free_port()

        @Request.application
        def app(request: Request) -> Response:
            self.calls += 1
            return Response(body, content_type=content_type)

        self.server = make_server("127.0.0.1", self.port, app)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/tsa"


@pytest.fixture
def garbage_tsa() -> Iterator[CountingServer]:
    server = CountingServer(b"<html>Service Unavailable</html>", "application/timestamp-reply")
    yield server
    server.server.shutdown()


def digest() -> bytes:
    return hashlib.sha256(b"x").digest()


def test_an_unreachable_tsa_is_retried_then_refused() -> None:
    stamper = RetryingHTTPTimeStamper(f"http://127.0.0.1:{free_port()}/tsa", timeout=2, retries=2)
    with pytest.raises(TimestampRequestError):
        asyncio.run(stamper.async_timestamp(digest(), "sha256"))


def test_a_tsa_answering_garbage_is_refused_without_retry(garbage_tsa: CountingServer) -> None:
    stamper = RetryingHTTPTimeStamper(garbage_tsa.url, timeout=2, retries=2)
    with pytest.raises(TimestampRequestError, match="did not answer with a timestamp"):
        asyncio.run(stamper.async_timestamp(digest(), "sha256"))
    assert garbage_tsa.calls == 1


def test_the_http_client_works_against_our_service(running_pki: RunningPki) -> None:
    stamper = RetryingHTTPTimeStamper(running_pki.pki.urls.tsa)
    token = asyncio.run(stamper.async_timestamp(digest(), "sha256"))
    assert token["content_type"].native == "signed_data"
