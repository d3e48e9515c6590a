"""The configured signing keys ([[signing.keys]]) opened as pyHanko signers.

The passphrase or PIN is handed in by the caller (read from the environment variable the
key names, or typed); it is never stored.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

from pyhanko.sign import signers

from basics.said import said
from signing.errors import SigningError
from signing.keys import load_pkcs12_signer, open_pkcs11_signer

from ...config import KeyConfig
from ...errors import InputError, NotFoundError
from ...instance import Instance, resolve_path

__all__ = [
    "configured_key",
    "open_configured_signer",
    "organisation_key",
    "organisation_key_names",
    "personal_key",
    "secret_variable",
]


def configured_key(instance: Instance, name: str) -> KeyConfig:
    for key in instance.config.signing.keys:
        if key.name == name:
            return key
    known = ", ".join(key.name for key in instance.config.signing.keys) or "none"
    raise NotFoundError(
        said(
            "no signing key named {name!r} in [[signing.keys]] (configured: {known})",
            name=name,
            known=known,
        )
    )


def organisation_key_names(instance: Instance) -> list[str]:
    return [key.name for key in instance.config.signing.keys if key.role == "organisation"]


def organisation_key(instance: Instance, name: str | None = None) -> KeyConfig:
    """The key the office issues with: the one named, or the first organisation key. A
    personal key is refused: the organisation's field takes the body's certificate only."""
    if not name:
        names = organisation_key_names(instance)
        if not names:
            raise InputError(
                said('No organisation key in [[signing.keys]] (role = "organisation")')
            )
        name = names[0]
    key = configured_key(instance, name)
    if key.role != "organisation":
        raise InputError(
            said(
                "The key {name!r} is a personal key: issuing takes the organisation's key",
                name=name,
            )
        )
    return key


def personal_key(instance: Instance, name: str) -> KeyConfig:
    """The key a person signs with (named after his login unless another is named); the
    organisation's key is refused for a person's signature."""
    key = configured_key(instance, name)
    if key.role != "personal":
        raise InputError(
            said(
                "The key {name!r} is the organisation's: a person's signature takes a personal key",
                name=name,
            )
        )
    return key


def secret_variable(key: KeyConfig) -> str:
    """The environment variable holding this key's passphrase or PIN."""
    return key.passphrase_env if key.kind == "pkcs12" else key.pin_env


@contextmanager
def open_configured_signer(
    instance: Instance, key: KeyConfig, secret: str
) -> Iterator[signers.Signer]:
    """A ready signer for ``key``; a token session is closed when the block ends. A key that
    cannot be opened (a wrong passphrase or PIN, a locked token) is named by its label."""
    with ExitStack() as stack:
        try:
            if key.kind == "pkcs12":
                path = resolve_path(instance.folder, key.path)
                signer: signers.Signer = load_pkcs12_signer(path, secret.encode())
            else:
                signer = stack.enter_context(
                    open_pkcs11_signer(
                        key.module,
                        token_label=key.token_label,
                        key_label=key.key_label,
                        cert_label=key.cert_label,
                        pin=secret,
                    )
                )
        except SigningError as exc:
            raise SigningError(
                said("The key “{name}”: {reason}", name=key.name, reason=exc.said)
            ) from exc
        yield signer
