"""Timestampers for pyHanko: the built-in authority in-process, or a TSA over HTTP with retries."""

from __future__ import annotations

import asyncio
from datetime import datetime

from asn1crypto import cms, tsp
from pyhanko.sign.timestamps import HTTPTimeStamper, TimeStamper
from pyhanko.sign.timestamps.common_utils import TimestampRequestError
from pyhanko_certvalidator import ValidationContext

from certs.tsa import TimestampAuthority

__all__ = [
    "LocalTimeStamper",
    "RetryingHTTPTimeStamper",
    "timestamp_token",
    "token_problem",
    "token_time",
]


class LocalTimeStamper(TimeStamper):
    """Timestamps from the built-in authority, with no network round trip."""

    def __init__(self, authority: TimestampAuthority) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.authority = authority

    async def async_request_tsa_response(self, req: tsp.TimeStampReq) -> tsp.TimeStampResp:
        answer = self.authority.response(req)
        if not isinstance(answer, tsp.TimeStampResp):
            reason = answer["status"]["status_string"].native or ["refused"]
            raise TimestampRequestError(f"the built-in TSA refused: {reason[0]}")
        return answer


class RetryingHTTPTimeStamper(HTTPTimeStamper):
    """An RFC 3161 client that tries ``retries`` more times, with a short back-off, on I/O errors.

    A TSA that answers garbage is not retried: the answer is refused by pyHanko's checks.
    """

    def __init__(self, url: str, *, timeout: float = 10.0, retries: int = 2) -> None:
        super().__init__(url, timeout=timeout)
        self.retries = retries

    async def async_timestamp(self, message_digest: bytes, md_algorithm: str) -> cms.ContentInfo:
        try:
            return await super().async_timestamp(message_digest, md_algorithm)
        except (ValueError, TypeError, KeyError) as exc:  # asn1crypto parsing the answer
            raise TimestampRequestError(
                f"the TSA at {self.url} did not answer with a timestamp: {exc}"
            ) from exc

    async def async_request_tsa_response(self, req: tsp.TimeStampReq) -> tsp.TimeStampResp:
        attempt = 0
        while True:
            try:
                return await super().async_request_tsa_response(req)
            except TimestampRequestError:
                if attempt >= self.retries:
                    raise
                attempt += 1
                await asyncio.sleep(0.2 * 2**attempt)


def timestamp_token(timestamper: TimeStamper, digest: bytes) -> bytes:
    """A DER RFC 3161 timestamp token over the SHA-256 ``digest``."""
    token: cms.ContentInfo = asyncio.run(timestamper.async_timestamp(digest, "sha256"))
    return bytes(token.dump())


def token_time(token: bytes) -> datetime | None:
    """The time a DER RFC 3161 token says it was made (its genTime), or None if unreadable."""
    try:
        signed = cms.ContentInfo.load(token)["content"]
        info = signed["encap_content_info"]["content"].parsed
        made = info["gen_time"].native
    except Exception:  # noqa: BLE001 - unreadable: the token check says why
        return None
    return made if isinstance(made, datetime) else None


def token_problem(token: bytes, digest: bytes, context: ValidationContext) -> str | None:
    """None if ``token`` (a DER RFC 3161 timestamp token) is valid, trusted by ``context``
    and stamps ``digest``; otherwise why not, in words."""
    from pyhanko.sign.validation.generic_cms import validate_tst_signed_data

    try:
        signed = cms.ContentInfo.load(token)["content"]
        status = asyncio.run(validate_tst_signed_data(signed, context, lambda _algorithm: digest))
    except Exception as exc:  # noqa: BLE001 - any failure to read or check is a bad token
        return f"its timestamp cannot be checked: {exc}"
    if not (status.get("intact") and status.get("valid")):
        return "its timestamp does not cover this head, or its signature is broken"
    if status.get("trust_problem_indic") is not None:
        return "its timestamp is signed by an authority that is not trusted"
    return None
