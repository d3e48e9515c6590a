"""An RFC 3161 timestamp authority: TimeStampReq in, TimeStampResp out (both DER).

Every answer is a well-formed TimeStampResp: a request we cannot honour gets a
``rejection`` with the RFC's failure bit (badAlg, badDataFormat, unacceptedPolicy,
unacceptedExtension) instead of an HTTP error, as clients expect. Times are UTC,
whole seconds, with an accuracy of one second.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime
from typing import ClassVar

from asn1crypto import algos, cms, core, tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID

from basics.said import said

from .builder import PrivateKey
from .errors import CertsError

__all__ = ["DEMO_POLICY", "TimestampAuthority", "TimestampRejection"]

# 2.25.<UUID>: an OID that needs no registration (ITU-T X.667); the demo TSA's policy.
DEMO_POLICY = "2.25.271902415312386426101227245418394931456"
_DIGESTS = {"sha256": 32, "sha384": 48, "sha512": 64}


class TimestampAuthority:
    """Signs timestamp tokens with a TSA certificate whose key is parsed once."""

    def __init__(
        self,
        cert: x509.Certificate,
        key: PrivateKey,
        chain: list[x509.Certificate],
        policy: str = DEMO_POLICY,
    ) -> None:
        _require_tsa_certificate(cert)
        self.cert = cert
        self.key = key
        self.policy = policy
        self._cert_asn1 = asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))
        self._chain_asn1 = [
            asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER)) for c in chain
        ]

    def respond(self, request_der: bytes, *, now: datetime | None = None) -> bytes:
        """The DER TimeStampResp for a DER TimeStampReq."""
        try:
            request = tsp.TimeStampReq.load(request_der)
            request.native  # noqa: B018 - forces a full parse: malformed input fails here
        except (ValueError, TypeError, OverflowError):
            return bytes(_rejection("bad_data_format", "not a DER TimeStampReq").dump())
        return bytes(self.response(request, now=now).dump())

    def response(
        self, request: tsp.TimeStampReq, *, now: datetime | None = None
    ) -> tsp.TimeStampResp | TimestampRejection:
        """A granted token for ``request``, or a rejection saying why."""
        imprint = request["message_imprint"]
        algorithm = imprint["hash_algorithm"]["algorithm"].native
        if request["version"].native != "v1":
            return _rejection("bad_request", "only version 1 requests are understood")
        if algorithm not in _DIGESTS:
            return _rejection("bad_alg", f"unsupported hash algorithm {algorithm}")
        if len(imprint["hashed_message"].native) != _DIGESTS[algorithm]:
            return _rejection("bad_data_format", "the message imprint has the wrong length")
        if request["req_policy"].native not in (None, self.policy):
            return _rejection("unaccepted_policy", f"this TSA only issues under {self.policy}")
        if request["extensions"].native:
            return _rejection("unaccepted_extension", "request extensions are not supported")
        moment = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
        info = {
            "version": "v1",
            "policy": self.policy,
            "message_imprint": imprint,
            "serial_number": secrets.randbits(63) | 1,
            "gen_time": moment,
            "accuracy": {"seconds": 1},
            "tsa": asn1_x509.GeneralName({"directory_name": self._cert_asn1.subject}),
        }
        if request["nonce"].native is not None:
            info["nonce"] = request["nonce"]
        token = self._sign(tsp.TSTInfo(info).dump(), moment, bool(request["cert_req"].native))
        return tsp.TimeStampResp(
            {"status": tsp.PKIStatusInfo({"status": "granted"}), "time_stamp_token": token}
        )

    def _sign(self, tst_info: bytes, moment: datetime, include_certs: bool) -> cms.ContentInfo:
        cert_hash = hashlib.sha256(self._cert_asn1.dump()).digest()
        signed_attrs = cms.CMSAttributes(
            [
                _attribute("content_type", "tst_info"),
                _attribute("signing_time", cms.Time({"utc_time": core.UTCTime(moment)})),
                _attribute("message_digest", hashlib.sha256(tst_info).digest()),
                _attribute(
                    "signing_certificate_v2",
                    {
                        "certs": [
                            {
                                "hash_algorithm": {"algorithm": "sha256"},
                                "cert_hash": cert_hash,
                                "issuer_serial": {
                                    "issuer": [
                                        asn1_x509.GeneralName(
                                            {"directory_name": self._cert_asn1.issuer}
                                        )
                                    ],
                                    "serial_number": self._cert_asn1.serial_number,
                                },
                            }
                        ]
                    },
                ),
            ]
        )
        to_sign = signed_attrs.dump()
        if isinstance(self.key, rsa.RSAPrivateKey):
            signature = self.key.sign(to_sign, padding.PKCS1v15(), hashes.SHA256())
            mechanism = "sha256_rsa"
        else:
            signature = self.key.sign(to_sign, ec.ECDSA(hashes.SHA256()))
            mechanism = "sha256_ecdsa"
        signer_info = {
            "version": "v1",
            "sid": {
                "issuer_and_serial_number": {
                    "issuer": self._cert_asn1.issuer,
                    "serial_number": self._cert_asn1.serial_number,
                }
            },
            "digest_algorithm": {"algorithm": "sha256"},
            "signed_attrs": signed_attrs,
            "signature_algorithm": algos.SignedDigestAlgorithm({"algorithm": mechanism}),
            "signature": signature,
        }
        signed_data = {
            "version": "v3",
            "digest_algorithms": [{"algorithm": "sha256"}],
            "encap_content_info": {
                "content_type": "tst_info",
                "content": cms.ParsableOctetString(tst_info),
            },
            "signer_infos": [signer_info],
        }
        if include_certs:
            signed_data["certificates"] = [self._cert_asn1, *self._chain_asn1]
        return cms.ContentInfo(
            {"content_type": "signed_data", "content": cms.SignedData(signed_data)}
        )


def _attribute(name: str, value: object) -> cms.CMSAttribute:
    return cms.CMSAttribute({"type": name, "values": [value]})


class TimestampRejection(core.Sequence):  # type: ignore[misc]
    """A TimeStampResp without a token. RFC 3161 makes the token OPTIONAL; asn1crypto's
    TimeStampResp requires it, so rejections are written (and read back) with this."""

    _fields: ClassVar[list[tuple[str, type]]] = [("status", tsp.PKIStatusInfo)]


def _rejection(failure: str, text: str) -> TimestampRejection:
    return TimestampRejection(
        {
            "status": tsp.PKIStatusInfo(
                {"status": "rejection", "status_string": [text], "fail_info": {failure}}
            )
        }
    )


def _require_tsa_certificate(cert: x509.Certificate) -> None:
    """RFC 3161 §2.3: the TSA certificate has exactly the critical timeStamping EKU."""
    try:
        usage = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
    except x509.ExtensionNotFound as exc:
        raise CertsError(
            said(
                "the TSA certificate ({rfc4514_string}) has no extended key usage; RFC 3161 "
                "requires a critical timeStamping EKU",
                rfc4514_string=cert.subject.rfc4514_string(),
            )
        ) from exc
    if not usage.critical or list(usage.value) != [ExtendedKeyUsageOID.TIME_STAMPING]:
        raise CertsError(
            said(
                "the TSA certificate ({rfc4514_string}) must have exactly the critical "
                "timeStamping extended key usage",
                rfc4514_string=cert.subject.rfc4514_string(),
            )
        )
