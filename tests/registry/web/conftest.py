"""A demo instance with the seed notice issued, and a test client of its web application."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from registry.cli import main
from registry.instance import Instance, open_instance
from registry.services.pki import pki_services
from registry.web import create_app

PASSPHRASE = "mat-khau-web"


@pytest.fixture(scope="module")
def demo_instance(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Instance]:
    import os

    folder = tmp_path_factory.mktemp("web") / "instance"
    previous = os.environ.get("SOVANBAN_PKI_PASSPHRASE")
    os.environ["SOVANBAN_PKI_PASSPHRASE"] = PASSPHRASE
    try:
        with pytest.raises(SystemExit) as done:
            main(["--instance", str(folder), "demo", "--no-serve", "--json"])
            raise SystemExit(0)
        assert done.value.code in (0, None)
    finally:
        if previous is None:
            os.environ.pop("SOVANBAN_PKI_PASSPHRASE", None)
        else:
            os.environ["SOVANBAN_PKI_PASSPHRASE"] = previous
    instance = open_instance(folder)
    yield instance
    instance.engine.dispose()


@pytest.fixture
def client(demo_instance: Instance) -> FlaskClient:
    app = create_app(demo_instance, pki=pki_services(demo_instance, PASSPHRASE.encode()))
    app.config.update(TESTING=True)
    return app.test_client()


@pytest.fixture(scope="module")
def issued_pdf(demo_instance: Instance) -> bytes:
    from registry.models import FileKind
    from registry.services.documents import find_document, read_revision

    with demo_instance.sessions() as session:
        return read_revision(find_document(session, "1"), demo_instance.blobs, FileKind.ISSUED)[1]


def path_of(tmp: Path, name: str, data: bytes) -> Path:
    target = tmp / name
    target.write_bytes(data)
    return target
