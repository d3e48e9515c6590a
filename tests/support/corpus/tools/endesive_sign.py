"""Sign a PDF with endesive, as a job file (JSON) says. Runs in its own virtual environment
(endesive 3.0 needs pypdf < 6, the project pypdf 7); used only to build the test corpus."""

import json
import sys
import types
from datetime import UTC, datetime
from pathlib import Path

# endesive's package imports its verifier, whose oscrypto cannot parse the version of
# OpenSSL 3.0.1x; signing needs none of it.
sys.modules["certvalidator"] = types.ModuleType("certvalidator")

from cryptography.hazmat.primitives.serialization import pkcs12  # noqa: E402
from endesive.pdf import cms  # noqa: E402

job = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
key, cert, chain = pkcs12.load_key_and_certificates(
    Path(job["p12"]).read_bytes(), job["pass"].encode()
)
options = {
    "aligned": 16384,
    "sigflags": 3,
    "sigpage": 0,
    "sigfield": job.get("field", "Signature1"),
    "auto_sigfield": True,
    "signingdate": datetime.now(UTC).strftime("D:%Y%m%d%H%M%S+00'00'"),
    "reason": job.get("reason", "Phê duyệt"),
    "location": job.get("location", "Hà Nội"),
    "contact": job.get("contact", ""),
}
if job.get("rect"):
    options["signaturebox"] = tuple(float(v) for v in job["rect"].split(","))
    options["signature"] = job.get("text", "Đã ký")
data = Path(job["in"]).read_bytes()
digest = job.get("digest", "sha256")
signed = cms.sign(data, options, key, cert, list(chain or []), digest, tspurl=job.get("tsa"))
Path(job["out"]).write_bytes(data + signed)
