"""The configured signing keys ([[signing.keys]]) opened as pyHanko signers.

The passphrase or PIN is handed in by the caller (read from the environment variable the
key names, or typed); it is never stored.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from pyhanko.sign import signers

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
    raise NotFoundError(f"no signing key named {name!r} in [[signing.keys]] (configured: {known})")


def organisation_key_names(instance: Instance) -> list[str]:
    return [key.name for key in instance.config.signing.keys if key.role == "organisation"]


def organisation_key(instance: Instance, name: str | None = None) -> KeyConfig:
    """The key the office issues with: the one named, or the first organisation key. A
    personal key is refused: the organisation's field takes the body's certificate only."""
    if not name:
        names = organisation_key_names(instance)
        if not names:
            raise InputError(
                "chưa cấu hình khóa của cơ quan / no organisation key in [[signing.keys]] "
                '(role = "organisation")'
            )
        name = names[0]
    key = configured_key(instance, name)
    if key.role != "organisation":
        raise InputError(
            f"khóa {name!r} là khóa cá nhân, không dùng để ban hành / the key {name!r} is a "
            "personal key: issuing takes the organisation's key"
        )
    return key


def personal_key(instance: Instance, name: str) -> KeyConfig:
    """The key a person signs with (named after his login unless another is named); the
    organisation's key is refused for a person's signature."""
    key = configured_key(instance, name)
    if key.role != "personal":
        raise InputError(
            f"khóa {name!r} là khóa của cơ quan, không dùng cho chữ ký cá nhân / the key "
            f"{name!r} is the organisation's: a person's signature takes a personal key"
        )
    return key


def secret_variable(key: KeyConfig) -> str:
    """The environment variable holding this key's passphrase or PIN."""
    return key.passphrase_env if key.kind == "pkcs12" else key.pin_env


@contextmanager
def open_configured_signer(
    instance: Instance, key: KeyConfig, secret: str
) -> Iterator[signers.Signer]:
    """A ready signer for ``key``; a token session is closed when the block ends."""
    if key.kind == "pkcs12":
        yield load_pkcs12_signer(resolve_path(instance.folder, key.path), secret.encode())
        return
    with open_pkcs11_signer(
        key.module,
        token_label=key.token_label,
        key_label=key.key_label,
        cert_label=key.cert_label,
        pin=secret,
    ) as signer:
        yield signer
