"""The signing tools of an instance: stamps (fonts, images), timestamper and the archive's
validation context, built once per process and reused for every document."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

from asn1crypto import crl as asn1_crl
from PIL import Image
from pyhanko.sign.timestamps import TimeStamper
from pyhanko_certvalidator import ValidationContext

from basics.said import said
from basics.text import iso_vietnam
from certs.demo import ISSUING, ROOT
from signing.appearance import Appearance, StampFonts
from signing.block_layout import SEAL_SIZE, StampSpec
from signing.fonts import stamp_font
from signing.notice import NoticeSigning
from signing.placement import PrepareSpec

from ...config import Config
from ...errors import InputError
from ...instance import Instance, resolve_path
from ...models import Document
from .fonts import configured_fonts
from .pki import pki_folder, pki_services, timestamper
from .trust import instance_trust_store

__all__ = ["SigningTools", "prepare_spec", "signing_tools", "stamp_fonts", "timestamping_secret"]

_MM = 72 / 25.4
_SEAL_MM = (25.0, 50.0)  # a seal's diameter on paper: a scan whose resolution says otherwise
# is taken at the usual 35 mm
_SAMPLE_TIME = datetime(2099, 12, 31, 16, 59, 59, tzinfo=UTC)


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


def stamp_fonts(instance: Instance) -> StampFonts:
    """The fonts stamps and filled fields are drawn with: the configured stamp font or the
    composer's regular face, and its italic face (reduced once, signing/fonts.py)."""
    return _stamp_fonts(instance.config, instance.folder)


@lru_cache(maxsize=8)
def _stamp_fonts(config: Config, folder: Path) -> StampFonts:
    settings = config.signing
    faces = configured_fonts(config, folder)
    regular = resolve_path(folder, settings.stamp_font) if settings.stamp_font else faces.regular
    return StampFonts(stamp_font(regular), stamp_font(faces.italic))


def _image(instance: Instance, configured: str) -> Path | None:
    return resolve_path(instance.folder, configured) if configured else None


def prepare_spec(instance: Instance, document: Document) -> PrepareSpec:
    """What preparing ``document`` must leave room for: the instance's stamp fonts, the
    signer's image (its proportions), the seal (its size on paper when its scan says, else
    35 mm), the QR code when pages are published, and the e-mails and times the stamps print."""
    config = instance.config
    signature = _image(instance, config.signing.signature_image)
    seal = _image(instance, config.signing.seal_image)
    aspect, seal_size, seal_aspect = None, SEAL_SIZE, 1.0
    try:
        if signature is not None:
            with Image.open(signature) as picture:
                aspect = picture.width / max(1, picture.height)
        if seal is not None:
            with Image.open(seal) as picture:
                seal_aspect = picture.width / max(1, picture.height)
                dpi = float(picture.info.get("dpi", (0, 0))[1] or 0)
                if dpi and _SEAL_MM[0] <= picture.height / dpi * 25.4 <= _SEAL_MM[1]:
                    seal_size = picture.height / dpi * 25.4 * _MM
    except (OSError, ValueError) as exc:
        raise InputError(said("the configured stamp image cannot be read: {exc}", exc=exc)) from exc
    time = iso_vietnam(_SAMPLE_TIME, config.signing.time_offset_style)
    signer_email = document.signer.email if document.signer and document.signer.email else ""
    return PrepareSpec(
        stamp_fonts(instance),
        StampSpec(
            signer_lines=(signer_email or "nguoiky@coquan.dcs.vn", time),
            organisation_lines=(config.issuer.email or "vanthu@coquan.dcs.vn", time),
            signature_aspect=aspect,
            seal_size=seal_size,
            seal_aspect=seal_aspect,
            qr=bool(config.web.public_url),
        ),
    )


def signing_tools(instance: Instance, pki_passphrase: bytes | None) -> SigningTools:
    """Everything signing needs; ``pki_passphrase`` unlocks the built-in TSA (if used)."""
    settings = instance.config.signing
    appearance = Appearance(
        stamp_fonts(instance),
        signature_image=_image(instance, settings.signature_image),
        seal_image=_image(instance, settings.seal_image),
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
