"""A demo instance with the seed notice issued and the four demo accounts; test clients."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from registry.instance import Instance
from registry.models import User
from registry.services.people.accounts import create_api_token
from registry.services.setup.pki import pki_services
from registry.web import create_app
from tests.support.web import ACCOUNTS, PASSPHRASE, demo_instance_in, forget_rate_limits


@pytest.fixture(scope="module")
def demo_instance(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Instance]:
    """The demo instance shared by a module's tests."""
    with demo_instance_in(tmp_path_factory.mktemp("web") / "instance") as instance:
        yield instance


@pytest.fixture
def app(demo_instance: Instance) -> Flask:
    forget_rate_limits(demo_instance)
    made = create_app(demo_instance, pki=pki_services(demo_instance, PASSPHRASE.encode()))
    made.config.update(TESTING=True)
    return made


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture(scope="module")
def tokens(demo_instance: Instance) -> dict[str, str]:
    """A bearer token per role."""
    made = {}
    with demo_instance.sessions.begin() as session:
        for role, login in ACCOUNTS.items():
            user = session.query(User).filter_by(login=login).one()
            made[role] = create_api_token(session, user, f"tests ({role})", actor="test")
    return made


@pytest.fixture(scope="module")
def issued_pdf(demo_instance: Instance) -> bytes:
    from registry.models import FileKind
    from registry.services.drafting.documents import find_document, read_revision

    with demo_instance.sessions() as session:
        return read_revision(find_document(session, "1"), demo_instance.blobs, FileKind.ISSUED)[1]
