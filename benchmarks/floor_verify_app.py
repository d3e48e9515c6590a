"""The served floor for verification: pyHanko's validation of every signature of the
POSTed PDF, in the web process itself, served by the same gunicorn with the same workers
and the same wrk load as ours (benchmarks/web_load.py). What an expert serving pyHanko
would write: one validation context per process, no worker process, no database.

    FLOOR_TRUST_ROOT=root-ca.pem [FLOOR_LIBRARY=shipped|patched] \
        gunicorn benchmarks.floor_verify_app:app

``shipped`` (the default) is pyHanko as it ships; ``patched`` installs our two fixes of
library internals first (signing/hex_strings.py, certs/name_prep.py), so that the ratio
against it shows only what our service adds.
"""

from __future__ import annotations

import io
import json
import os
from collections.abc import Callable, Iterable
from typing import Any

if os.environ.get("FLOOR_LIBRARY") == "patched":
    import signing  # noqa: F401  (installs both fixes, certs' included)

from asn1crypto import pem, x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature, validate_pdf_timestamp
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko_certvalidator import ValidationContext

_context: ValidationContext | None = None


def _validation_context() -> ValidationContext:
    global _context
    if _context is None:
        with open(os.environ["FLOOR_TRUST_ROOT"], "rb") as file:
            data = file.read()
        der = pem.unarmor(data)[2] if pem.detect(data) else data
        _context = ValidationContext(trust_roots=[x509.Certificate.load(der)])
    return _context


def _valid(signature: EmbeddedPdfSignature, context: ValidationContext) -> bool:
    if signature.sig_object_type == "/DocTimeStamp":
        stamp = validate_pdf_timestamp(signature, validation_context=context)
        return stamp.intact and stamp.valid and stamp.trusted
    return validate_pdf_signature(signature, context).bottom_line


def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    length = int(environ.get("CONTENT_LENGTH") or 0)
    data = environ["wsgi.input"].read(length)
    context = _validation_context()
    verdicts = [
        _valid(signature, context)
        for signature in PdfFileReader(io.BytesIO(data)).embedded_signatures
    ]
    body = json.dumps({"valid": bool(verdicts) and all(verdicts)}).encode()
    start_response(
        "200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
    )
    return [body]
