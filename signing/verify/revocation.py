"""Revocation data a verification can use offline, and what it lacks.

Sources: the file's Document Security Store; what each signature carries in its CMS
(Adobe's revocationInfoArchival signed attribute, which iText-based tools such as the
Vietnamese signing plugins write, and the SignedData ``crls`` field); what the caller
holds (the published CRLs). OCSP answers about other certificates are left out before
validation: pyhanko-certvalidator counts an answer from the right responder about another
serial number as a failed check, which a file signed by two people of one CA always has.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from asn1crypto import cms
from asn1crypto import crl as asn1_crl
from asn1crypto import ocsp as asn1_ocsp
from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.decode_limits import DecodePurpose
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation.dss import DocumentSecurityStore

__all__ = [
    "RevocationMaterial",
    "fetch_points",
    "from_dss",
    "from_signature",
    "held_for",
    "ocsps_about",
]


@dataclass(frozen=True)
class RevocationMaterial:
    crls: tuple[asn1_crl.CertificateList, ...] = ()
    ocsps: tuple[asn1_ocsp.OCSPResponse, ...] = ()
    certs: tuple[asn1_x509.Certificate, ...] = ()

    def __add__(self, other: RevocationMaterial) -> RevocationMaterial:
        return RevocationMaterial(
            (*self.crls, *other.crls), (*self.ocsps, *other.ocsps), (*self.certs, *other.certs)
        )

    def __bool__(self) -> bool:
        return bool(self.crls or self.ocsps)


def from_dss(reader: PdfFileReader) -> RevocationMaterial:
    """What the file's Document Security Store holds; nothing if it is unreadable."""
    try:
        dss = DocumentSecurityStore.read_dss(reader)
    except Exception:  # noqa: BLE001 - no DSS, or one we cannot read: as good as none
        return RevocationMaterial()
    crls, ocsps = [], []
    for ref in dss.crls:
        try:
            crls.append(
                asn1_crl.CertificateList.load(ref.get_object().read_data(DecodePurpose.CRL))
            )
        except Exception:  # noqa: BLE001 - skip one damaged entry, keep the rest
            continue
    for ref in dss.ocsps:
        try:
            data = ref.get_object().read_data(DecodePurpose.OCSP_RESPONSE)
            ocsps.append(asn1_ocsp.OCSPResponse.load(data))
        except Exception:  # noqa: BLE001 - skip one damaged entry, keep the rest
            continue
    try:
        certs = tuple(dss.load_certs())
    except Exception:  # noqa: BLE001
        certs = ()
    return RevocationMaterial(tuple(crls), tuple(ocsps), certs)


def from_signature(signed_data: cms.SignedData) -> RevocationMaterial:
    """What one signature's CMS carries: Adobe's archival attribute and the crls field."""
    crls: list[asn1_crl.CertificateList] = []
    ocsps: list[asn1_ocsp.OCSPResponse] = []
    try:
        for choice in signed_data["crls"] or ():
            if choice.name == "crl":
                crls.append(choice.chosen)
        for info in signed_data["signer_infos"]:
            for attribute in info["signed_attrs"] or ():
                if attribute["type"].native != "adobe_revocation_info_archival":
                    continue
                for archival in attribute["values"]:
                    crls.extend(archival["crl"] or ())
                    ocsps.extend(archival["ocsp"] or ())
    except Exception:  # noqa: BLE001 - unreadable attributes carry nothing usable
        return RevocationMaterial()
    return RevocationMaterial(tuple(crls), tuple(ocsps))


def _serials(response: asn1_ocsp.OCSPResponse) -> set[int]:
    try:
        data = response["response_bytes"]["response"].parsed["tbs_response_data"]
        return {int(single["cert_id"]["serial_number"].native) for single in data["responses"]}
    except Exception:  # noqa: BLE001 - an unreadable answer is about nothing
        return set()


def ocsps_about(
    ocsps: Iterable[asn1_ocsp.OCSPResponse], certs: Iterable[asn1_x509.Certificate]
) -> tuple[asn1_ocsp.OCSPResponse, ...]:
    """The answers that concern one of ``certs`` (by serial number)."""
    wanted = {cert.serial_number for cert in certs}
    return tuple(response for response in ocsps if _serials(response) & wanted)


def held_for(
    cert: asn1_x509.Certificate,
    crls: Iterable[asn1_crl.CertificateList],
    ocsps: Iterable[asn1_ocsp.OCSPResponse],
) -> bool:
    """Whether some CRL of the certificate's issuer or an OCSP answer about it is held."""
    if any(cert.serial_number in _serials(response) for response in ocsps):
        return True
    for crl in crls:
        try:
            if crl.issuer == cert.issuer:
                return True
        except Exception:  # noqa: BLE001 - a damaged CRL concerns nobody
            continue
    return False


def fetch_points(cert: asn1_x509.Certificate) -> tuple[str, ...]:
    """Where the certificate says its status is published: OCSP first, then CRLs."""
    points: list[str] = []
    try:
        points.extend(str(url) for url in cert.ocsp_urls)
        for point in cert.crl_distribution_points:
            for name in point["distribution_point"].chosen or ():
                if name.name == "uniform_resource_identifier":
                    points.append(str(name.native))
    except Exception:  # noqa: BLE001 - unreadable extensions name no address
        pass
    return tuple(dict.fromkeys(points))
