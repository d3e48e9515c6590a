"""What the verification tests share: the roles, the demo PKI's CRLs, an incremental update."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

from asn1crypto import crl as asn1_crl
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from certs.demo import ISSUING, ROOT
from signing.verify.engine import Roles
from tests.support.components import require
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


def pdfsig_report(pdf: bytes, root: Path, folder: Path) -> str:
    """What poppler's pdfsig (NSS, trusting ``root``) says of ``pdf``; skips without it."""
    require("pdfsig (poppler-utils)", shutil.which("pdfsig") is not None, "not on PATH")
    require("certutil (libnss3-tools)", shutil.which("certutil") is not None, "not on PATH")
    nss = folder / "nssdb"
    if not nss.exists():
        nss.mkdir(parents=True)
        subprocess.run(["certutil", "-N", "-d", f"sql:{nss}", "--empty-password"], check=True)
        subprocess.run(
            ["certutil", "-A", "-d", f"sql:{nss}", "-n", "root", "-t", "CT,C,C", "-i", str(root)],
            check=True,
        )
    path = folder / "checked.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdfsig", "-nssdir", f"sql:{nss}", str(path)], capture_output=True, text=True
    ).stdout
