"""The instance's demo PKI: created beside the database, trusted, and serving timestamps."""

from __future__ import annotations

from pathlib import Path

from pyhanko.sign.timestamps import TimeStamper

from basics.said import said
from certs.builder import KeyType
from certs.demo import ROOT, DemoPki, Holder
from certs.errors import CertsError
from certs.services import PkiServices
from signing.timestamps import LocalTimeStamper, RetryingHTTPTimeStamper

from ...errors import InputError
from ...instance import Instance, resolve_path
from .trust import add_trusted

__all__ = ["create_demo_pki", "open_demo_pki", "pki_folder", "pki_services", "timestamper"]


def pki_folder(instance: Instance) -> Path:
    return resolve_path(instance.folder, instance.config.pki.path)


def create_demo_pki(
    instance: Instance,
    *,
    passphrase: bytes,
    signer: Holder,
    key_type: KeyType = "rsa",
    folder: Path | None = None,
) -> DemoPki:
    """A demo PKI for the configured office; its root becomes a trust anchor of the instance."""
    issuer = instance.config.issuer
    organisation = Holder(issuer.name, issuer.email, issuer.name)
    signer = Holder(signer.name, signer.email, signer.organisation or issuer.name)
    try:
        pki = DemoPki.create(
            folder or pki_folder(instance),
            passphrase=passphrase,
            base_url=instance.config.pki_base_url,
            signer=signer,
            organisation=organisation,
            key_type=key_type,
        )
    except CertsError as exc:
        raise InputError(exc.said) from exc
    add_trusted(instance, pki.folder / f"{ROOT}.pem", kind="anchor")
    return pki


def open_demo_pki(instance: Instance, folder: Path | None = None) -> DemoPki:
    try:
        return DemoPki(folder or pki_folder(instance))
    except CertsError as exc:
        raise InputError(exc.said) from exc


def pki_services(instance: Instance, passphrase: bytes, folder: Path | None = None) -> PkiServices:
    try:
        return PkiServices(open_demo_pki(instance, folder), passphrase)
    except CertsError as exc:
        raise InputError(exc.said) from exc


def timestamper(instance: Instance, services: PkiServices | None) -> TimeStamper:
    """The configured TSA over HTTP, or the demo PKI's authority in-process."""
    settings = instance.config.timestamping
    if settings.url:
        return RetryingHTTPTimeStamper(
            settings.url, timeout=settings.timeout, retries=settings.retries
        )
    if services is None:
        raise InputError(
            said(
                "the built-in timestamp service needs the demo PKI and its passphrase (set "
                "{passphrase_env}), or configure [timestamping] url",
                passphrase_env=instance.config.pki.passphrase_env,
            )
        )
    return LocalTimeStamper(services.tsa)
