"""The seed notice taken through the signing flow: what the signing and verification tests share."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from certs.trust import TrustStore

SIGNER_EMAIL = "nguyentrongvan@hatinh.dcs.vn"
ORG_EMAIL = "dukhoicaccoquantinh@hatinh.dcs.vn"
MOMENT = datetime(2026, 4, 20, 4, 10, 29, tzinfo=UTC)  # 11:10:29 in Hà Tĩnh


@dataclass
class Flow:
    draft: bytes
    prepared: bytes
    signed: bytes
    issued: bytes
    store: TrustStore
