"""The verification result (DESIGN §5): per signature and per document, as plain values.

Indications and sub-indications follow ETSI EN 319 102-1: TOTAL-PASSED, TOTAL-FAILED,
INDETERMINATE; HASH_FAILURE, SIG_CRYPTO_FAILURE, REVOKED, FORMAT_FAILURE,
NO_CERTIFICATE_CHAIN_FOUND, TRY_LATER, … and NO_SIGNATURE for a file without any.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal, Protocol

from basics.language import language_of, shown
from basics.said import Said

__all__ = [
    "FAILED",
    "INDETERMINATE",
    "PASSED",
    "Coverage",
    "DocumentReport",
    "Finding",
    "Indication",
    "Level",
    "Modifications",
    "Overlay",
    "RegistryNote",
    "Revocation",
    "SignatureReport",
    "SignatureRole",
    "Signer",
    "TimestampInfo",
    "worst",
]

Indication = Literal["TOTAL-PASSED", "TOTAL-FAILED", "INDETERMINATE"]
PASSED: Indication = "TOTAL-PASSED"
FAILED: Indication = "TOTAL-FAILED"
INDETERMINATE: Indication = "INDETERMINATE"

SignatureRole = Literal["organisation", "personal", "unknown", "timestamp"]
Revocation = Literal["good", "revoked", "unknown"]
Coverage = Literal["entire_file", "entire_revision", "partial"]
Modifications = Literal["none", "lta_updates", "form_filling", "other"]
Level = Literal[
    "PAdES-B-B", "PAdES-B-T", "PAdES-B-LT", "PAdES-B-LTA", "document-timestamp", "unknown"
]


@dataclass(frozen=True)
class Finding:
    """One reason, with the ETSI verdict it implies; shown in the reader's language."""

    indication: Indication
    sub_indication: str | None
    message: Said

    def shown(self, lang: str) -> str:
        return shown(self.message, language_of(lang))

    @property
    def en(self) -> str:
        return str(self.message)


@dataclass(frozen=True)
class Signer:
    name: str
    email: str
    organisation: str
    certificate_sha256: str


@dataclass(frozen=True)
class TimestampInfo:
    time: str
    tsa: str
    valid: bool


@dataclass(frozen=True)
class SignatureReport:
    field: str
    role: SignatureRole
    signer: Signer | None
    intact: bool
    valid: bool
    trusted: bool
    revocation: Revocation
    signing_time: str | None
    timestamp: TimestampInfo | None
    coverage: Coverage
    modifications: Modifications
    level: Level
    findings: tuple[Finding, ...] = ()
    # What the signing software wrote as the signing time, when the time shown above is
    # another one (the timestamp's, when the software's clock is known to be off).
    claimed_signing_time: str | None = None

    @property
    def indication(self) -> str:
        return worst(self.findings)[0]

    @property
    def sub_indication(self) -> str | None:
        return worst(self.findings)[1]

    def as_dict(self, lang: str = "vi") -> dict[str, Any]:
        data = asdict(self)
        data.pop("findings")
        return {
            **data,
            "indication": self.indication,
            "sub_indication": self.sub_indication,
            "messages": [_message(f, lang) for f in self.findings],
        }


@dataclass(frozen=True)
class Overlay:
    """A signature added later whose visible appearance lies over page content that an
    earlier signature signed: allowed (the seal on every page), but shown to the reader."""

    page: int  # 1-based
    field: str
    rect: tuple[float, float, float, float]  # PDF user space: x1, y1, x2, y2
    over: tuple[str, ...]  # the earlier signatures whose signed content lies under it


class RegistryNote(Protocol):
    """What the registry that asked adds to the report (whether it holds the file)."""

    def as_dict(self) -> dict[str, Any]: ...


@dataclass(frozen=True)
class DocumentReport:
    sha256: str
    size: int
    signatures: tuple[SignatureReport, ...]
    findings: tuple[Finding, ...] = ()
    registry: RegistryNote | None = field(default=None)
    overlays: tuple[Overlay, ...] = ()
    # The form fields' values as the engine read them (None: it read none, e.g. timed out),
    # so that the register's lookup of the number field need not parse the file again.
    form_values: tuple[tuple[str, str], ...] | None = field(default=None, repr=False)

    def form_value(self, name: str) -> str | None:
        """The field ``name``'s value ("" when empty or absent); None: the form was not read."""
        if self.form_values is None:
            return None
        return dict(self.form_values).get(name, "")

    @property
    def verdict(self) -> tuple[str, str | None]:
        every = [*self.findings, *(f for s in self.signatures for f in s.findings)]
        return worst(every)

    def as_dict(self, lang: str = "vi") -> dict[str, Any]:
        indication, sub_indication = self.verdict
        return {
            "file": {"sha256": self.sha256, "size": self.size},
            "indication": indication,
            "sub_indication": sub_indication,
            "registry": self.registry.as_dict() if self.registry is not None else None,
            "signatures": [s.as_dict(lang) for s in self.signatures],
            "overlays": [asdict(o) for o in self.overlays],
            "messages": [_message(f, lang) for f in self.findings],
        }


def _message(finding: Finding, lang: str) -> str:
    return finding.shown(lang)


_RANK: dict[str, int] = {PASSED: 0, INDETERMINATE: 1, FAILED: 2}


def worst(findings: tuple[Finding, ...] | list[Finding]) -> tuple[str, str | None]:
    """The most serious verdict among ``findings`` (passed when there is none)."""
    verdict: tuple[str, str | None] = (PASSED, None)
    for finding in findings:
        if _RANK[finding.indication] > _RANK[verdict[0]]:
            verdict = (finding.indication, finding.sub_indication)
    return verdict
