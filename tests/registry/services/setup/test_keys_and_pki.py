"""Configured keys and the instance's timestamper."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from certs.demo import load_pkcs12
from registry.config import KeyConfig, TimestampingConfig
from registry.errors import InputError, NotFoundError
from registry.instance import open_instance
from registry.services.setup.keys import configured_key, open_configured_signer, secret_variable
from registry.services.setup.pki import create_demo_pki, pki_services, timestamper
from signing.errors import SigningError
from signing.timestamps import LocalTimeStamper, RetryingHTTPTimeStamper
from tests.support.pki import PASSPHRASE, SIGNER, RunningPki
from tests.support.softhsm import configure, make_token


def with_keys(folder: Path, *keys: KeyConfig):  # type: ignore[no-untyped-def]
    instance = open_instance(folder)
    config = dataclasses.replace(
        instance.config, signing=dataclasses.replace(instance.config.signing, keys=keys)
    )
    return dataclasses.replace(instance, config=config)


def test_a_configured_pkcs12_key_opens_with_its_passphrase(
    running_pki: RunningPki, tmp_path: Path
) -> None:
    key = KeyConfig(
        name="van",
        role="personal",
        kind="pkcs12",
        path=str(running_pki.pki.key_path("signer")),
        passphrase_env="VAN_PASSPHRASE",
    )
    instance = with_keys(tmp_path, key)
    assert configured_key(instance, "van") == key
    assert secret_variable(key) == "VAN_PASSPHRASE"
    with open_configured_signer(instance, key, PASSPHRASE.decode()) as signer:
        assert signer.signing_cert is not None
        assert signer.signing_cert.subject.native["common_name"] == "Nguyễn Trọng Vân"
    with (
        pytest.raises(SigningError, match="wrong passphrase"),
        open_configured_signer(instance, key, "sai"),
    ):
        pass
    with pytest.raises(NotFoundError, match="no signing key named 'org'"):
        configured_key(instance, "org")


def test_a_configured_pkcs11_key_opens_with_its_pin(
    running_pki: RunningPki, tmp_path: Path
) -> None:
    from tests.support.softhsm import softhsm_module

    softhsm_module()
    configure(tmp_path / "softhsm")
    private, cert, _ = load_pkcs12(running_pki.pki.key_path("organisation"), PASSPHRASE)
    assert isinstance(private, rsa.RSAPrivateKey)
    token = make_token("van-thu", private, cert, "con-dau")
    key = KeyConfig(
        name="org",
        role="organisation",
        kind="pkcs11",
        module=token.module,
        token_label=token.label,
        key_label=token.key_label,
        pin_env="ORG_PIN",
    )
    instance = with_keys(tmp_path, key)
    assert secret_variable(key) == "ORG_PIN"
    with open_configured_signer(instance, key, token.pin) as signer:
        assert signer.signing_cert is not None
        assert "dukhoicaccoquantinh" in signer.signing_cert.subject.native["email_address"]


def test_the_timestamper_is_the_configured_url_or_the_built_in_authority(tmp_path: Path) -> None:
    instance = open_instance(tmp_path)
    create_demo_pki(instance, passphrase=PASSPHRASE, signer=SIGNER)
    services = pki_services(instance, PASSPHRASE)
    assert isinstance(timestamper(instance, services), LocalTimeStamper)
    with pytest.raises(InputError, match="needs the demo PKI and its passphrase"):
        timestamper(instance, None)
    remote = dataclasses.replace(
        instance,
        config=dataclasses.replace(
            instance.config, timestamping=TimestampingConfig(url="http://tsa.example/tsr")
        ),
    )
    assert isinstance(timestamper(remote, None), RetryingHTTPTimeStamper)
