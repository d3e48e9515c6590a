"""The report as an ETSI TS 119 102-2 validation report (XML), for other tools and archives.

Each signature gets a SignatureValidationReport with its identifier, validation time,
signing time, signer, PAdES level and the ETSI main and sub indication as URNs. The
document-level verdict and our own findings travel as the report's first entry.
"""

from __future__ import annotations

from datetime import UTC, datetime

from lxml import etree

from .report import DocumentReport

__all__ = ["NAMESPACE", "to_etsi_xml"]

NAMESPACE = "http://uri.etsi.org/19102/v1.2.1#"
_MAIN = "urn:etsi:019102:mainindication:"
_SUB = "urn:etsi:019102:subindication:"


def _el(parent: etree._Element, name: str, text: str | None = None, **attrs: str) -> etree._Element:
    element = etree.SubElement(parent, f"{{{NAMESPACE}}}{name}", attrs)
    if text is not None:
        element.text = text
    return element


def _status(parent: etree._Element, indication: str, sub: str | None, messages: list[str]) -> None:
    status = _el(parent, "SignatureValidationStatus")
    _el(status, "MainIndication", _MAIN + indication.lower())
    if sub:
        _el(status, "SubIndication", _SUB + sub)
    for message in messages:
        _el(
            _el(status, "AssociatedValidationReportData"), "AdditionalValidationReportData", message
        )


def to_etsi_xml(report: DocumentReport, lang: str = "vi", *, at: datetime | None = None) -> bytes:
    """UTF-8 XML bytes of the validation report."""
    data = report.as_dict(lang)
    moment = (at or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0).isoformat()
    root = etree.Element(f"{{{NAMESPACE}}}ValidationReport", nsmap={"vr": NAMESPACE})
    document = _el(root, "SignatureValidationReport")
    _el(document, "SignatureIdentifier", id=f"file-{data['file']['sha256']}")
    _el(_el(document, "ValidationTimeInfo"), "ValidationTime", moment)
    _status(document, data["indication"], data["sub_indication"], data["messages"])
    for index, signature in enumerate(data["signatures"], start=1):
        element = _el(root, "SignatureValidationReport")
        identifier = _el(element, "SignatureIdentifier", id=f"sig-{index}")
        _el(identifier, "DAIdentifier", signature["field"])
        _el(_el(element, "ValidationTimeInfo"), "ValidationTime", moment)
        attributes = _el(element, "SignatureAttributes")
        if signature["signing_time"]:
            _el(_el(attributes, "SigningTime"), "Time", signature["signing_time"])
        if signature["timestamp"]:
            _el(_el(attributes, "SignatureTimeStamp"), "Time", signature["timestamp"]["time"])
        signer = signature["signer"]
        if signer:
            information = _el(element, "SignerInformation")
            _el(information, "SignerCertificate", VOReference=signer["certificate_sha256"])
            _el(information, "Signer", signer["name"])
        _el(_el(element, "SignatureQuality"), "SignatureQualityInformation", signature["level"])
        _status(
            element, signature["indication"], signature["sub_indication"], signature["messages"]
        )
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))
