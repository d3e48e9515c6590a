"""ETSI EN 319 102-1 long-term validation of archive copies (PAdES B-LTA), offline.

The copy must carry everything itself: revocation data in its DSS, protected by a
document timestamp. Only the trust anchors come from outside.
"""

from __future__ import annotations

from pyhanko.sign.validation.ades import ades_lta_validation
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.policy_decl import (
    LocalKnowledge,
    PdfSignatureValidationSpec,
    RevinfoOnlineFetchingRule,
    RevocationInfoGatheringSpec,
    SignatureValidationSpec,
)
from pyhanko_certvalidator.context import CertValidationPolicySpec
from pyhanko_certvalidator.policy_decl import REQUIRE_REVINFO, CertRevTrustPolicy
from pyhanko_certvalidator.registry import SimpleTrustManager

from basics.said import said
from certs.trust import TrustStore

from .failures import describe
from .report import FAILED, INDETERMINATE, Finding

__all__ = ["long_term_findings"]


def _spec(trust: TrustStore) -> PdfSignatureValidationSpec:
    return PdfSignatureValidationSpec(
        SignatureValidationSpec(
            cert_validation_policy=CertValidationPolicySpec(
                trust_manager=SimpleTrustManager.build(trust_roots=list(trust.anchors)),
                revinfo_policy=CertRevTrustPolicy(REQUIRE_REVINFO),
            ),
            revinfo_gathering_policy=RevocationInfoGatheringSpec(
                online_fetching_rule=RevinfoOnlineFetchingRule.LOCAL_ONLY
            ),
            local_knowledge=LocalKnowledge(known_certs=list(trust.intermediates)),
        )
    )


async def long_term_findings(signature: EmbeddedPdfSignature, trust: TrustStore) -> list[Finding]:
    """Nothing when the archive copy validates on its own; otherwise what is missing."""
    name = signature.field_name
    try:
        result = await ades_lta_validation(signature, _spec(trust))
        status, sub = result.ades_subindic.status.name, result.ades_subindic.standard_name
    except Exception as exc:  # noqa: BLE001 - a failed long-term check is a finding
        status, sub = "INDETERMINATE", describe(exc)
    if status == "PASSED":
        return []
    indication = FAILED if status == "FAILED" else INDETERMINATE
    return [
        Finding(
            indication,
            sub if status == "FAILED" else "NO_POE",
            said(
                "{name}: the archive copy does not validate on its own over time (AdES: {sub}).",
                name=name,
                sub=sub,
            ),
        )
    ]
