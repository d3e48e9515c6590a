"""A SoftHSM2 token made by the test: a key and its certificate imported, like a USB token."""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.support.components import require

MODULE_CANDIDATES = (
    "/usr/lib/softhsm/libsofthsm2.so",
    "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so",
)
PIN, SO_PIN = "123456", "12345678"


@dataclass(frozen=True)
class Token:
    module: str
    label: str
    key_label: str
    pin: str = PIN


def softhsm_module() -> str:
    found = next((path for path in MODULE_CANDIDATES if Path(path).is_file()), None)
    require(
        "SoftHSM2",
        found is not None and shutil.which("softhsm2-util") is not None,
        "install the Debian package softhsm2",
    )
    assert found is not None
    return found


def configure(folder: Path) -> None:
    """Point SoftHSM2 at a private token folder (read when the module is first loaded)."""
    tokens = folder / "tokens"
    tokens.mkdir(parents=True, exist_ok=True)
    conf = folder / "softhsm2.conf"
    conf.write_text(
        f"directories.tokendir = {tokens}\nobjectstore.backend = file\nlog.level = ERROR\n"
    )
    os.environ["SOFTHSM2_CONF"] = str(conf)


def make_token(label: str, key: rsa.RSAPrivateKey, cert: x509.Certificate, key_label: str) -> Token:
    """A new token holding ``key`` and ``cert`` under ``key_label``."""
    import pkcs11
    from pkcs11 import Attribute, CertificateType, ObjectClass
    from pkcs11.util.rsa import decode_rsa_private_key

    module = softhsm_module()
    subprocess.run(
        [
            "softhsm2-util",
            "--init-token",
            "--free",
            "--label",
            label,
            "--pin",
            PIN,
            "--so-pin",
            SO_PIN,
        ],
        check=True,
        capture_output=True,
    )
    library = pkcs11.lib(module)
    library.reinitialize()  # see the token created after the library was loaded
    token = library.get_token(token_label=label)
    der = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )
    with token.open(rw=True, user_pin=PIN) as session:
        attributes = decode_rsa_private_key(der)
        attributes.update(
            {
                Attribute.LABEL: key_label,
                Attribute.ID: b"\x01",
                Attribute.TOKEN: True,
                Attribute.SENSITIVE: True,
                Attribute.EXTRACTABLE: False,
            }
        )
        session.create_object(attributes)
        session.create_object(
            {
                Attribute.CLASS: ObjectClass.CERTIFICATE,
                Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
                Attribute.TOKEN: True,
                Attribute.LABEL: key_label,
                Attribute.ID: b"\x01",
                Attribute.SUBJECT: cert.subject.public_bytes(),
                Attribute.VALUE: cert.public_bytes(serialization.Encoding.DER),
            }
        )
    return Token(module, label, key_label)
