"""The signing tools of an instance: stamps (fonts, images), timestamper and the archive's
validation context, built once per process and reused for every document."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import crl as asn1_crl
from pyhanko.sign.timestamps import TimeStamper
from pyhanko_certvalidator import ValidationContext

from certs.demo import ISSUING, ROOT
from signing.appearance import Appearance, StampFonts
from signing.fonts import stamp_font
from signing.notice import NoticeSigning

from ...instance import Instance, resolve_path
from .fonts import configured_fonts
from .pki import pki_folder, pki_services, timestamper
from .trust import instance_trust_store

__all__ = ["SigningTools", "signing_tools", "timestamping_secret"]


@dataclass(frozen=True)
class SigningTools:
    """What signing needs, built once per process and reused for every document.

    ``archive_context`` gives the validation context for B-LTA: revocation is hard-fail,
    so an archive copy is only written with complete revocation data.
    """

    signing: NoticeSigning
    timestamper: TimeStamper
    archive_context: Callable[[], ValidationContext]
    document_url: Callable[[int], str] = lambda _document_id: ""


def signing_tools(instance: Instance, pki_passphrase: bytes | None) -> SigningTools:
    """Everything signing needs; ``pki_passphrase`` unlocks the built-in TSA (if used)."""
    settings = instance.config.signing
    faces = configured_fonts(instance.config, instance.folder)
    regular = (
        resolve_path(instance.folder, settings.stamp_font) if settings.stamp_font else faces.regular
    )

    def image(configured: str) -> Path | None:
        return resolve_path(instance.folder, configured) if configured else None

    appearance = Appearance(
        StampFonts(stamp_font(regular), stamp_font(faces.italic)),
        signature_image=image(settings.signature_image),
        seal_image=image(settings.seal_image),
        qr_code=bool(instance.config.web.public_url),
    )
    trust = instance_trust_store(instance)
    services = None
    if pki_passphrase is not None and (pki_folder(instance) / "pki.json").is_file():
        services = pki_services(instance, pki_passphrase)

    def archive_context() -> ValidationContext:
        if services is None:  # real certificates: their CAs' OCSP responders and CRLs
            return trust.validation_context(fetching=True, revocation="hard-fail")
        # The demo PKI answers in-process, so archive copies need no server running.
        crls = [asn1_crl.CertificateList.load(services.crl(label)) for label in (ROOT, ISSUING)]
        return trust.validation_context(revocation="hard-fail", crls=crls)

    return SigningTools(
        signing=NoticeSigning(appearance, offset_style=settings.time_offset_style),
        timestamper=timestamper(instance, services),
        archive_context=archive_context,
        document_url=instance.config.document_url,
    )


def timestamping_secret(instance: Instance) -> str | None:
    """The environment variable whose passphrase the built-in timestamp service needs (the
    demo PKI's key signs the timestamps), or None when a TSA URL is configured."""
    return None if instance.config.timestamping.url else instance.config.pki.passphrase_env
