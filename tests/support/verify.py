"""What the verification tests share: the roles, the demo PKI's CRLs, an incremental update."""

from __future__ import annotations

import io

from asn1crypto import crl as asn1_crl
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from certs.demo import ISSUING, ROOT
from signing.verify.engine import Roles
from tests.support.flow import ORG_EMAIL, SIGNER_EMAIL
from tests.support.pki import RunningPki

ROLES = Roles(frozenset({ORG_EMAIL}), frozenset({SIGNER_EMAIL}))


def crls(running: RunningPki) -> list[asn1_crl.CertificateList]:
    return [asn1_crl.CertificateList.load(running.services.crl(label)) for label in (ROOT, ISSUING)]


def update(data: bytes, change) -> bytes:  # type: ignore[no-untyped-def]
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    change(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
