"""Shared fixtures: configurations, a fresh database per test (SQLite and PostgreSQL), instances."""

from __future__ import annotations

import os
import shutil
import tomllib
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.orm import Session, sessionmaker

from registry.config import Config, example_config_path, parse_config
from registry.db import make_engine, make_session_factory, migrate
from registry.models import Issuer
from registry.services.setup import current_issuer, sync_reference_data
from tests.components import require
from tests.pki import RunningPki, start_pki, stop_pki

POSTGRES_ADMIN_URL = os.environ.get(
    "SOVANBAN_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def example_data() -> dict[str, Any]:
    """The example configuration as a dict, to be changed by a test."""
    return tomllib.loads(example_config_path().read_text("utf-8"))


def make_config(**sections: dict[str, Any]) -> Config:
    """The example configuration with some sections' keys replaced."""
    data = example_data()
    for name, values in sections.items():
        data.setdefault(name, {}).update(values)
    return parse_config(data, source="test")


STATE_CONFIG = {
    "issuer": {
        "name": "Ủy ban nhân dân tỉnh Hà Tĩnh",
        "header_name": "ỦY BAN NHÂN DÂN TỈNH HÀ TĨNH",
        "abbreviation": "UBND",
        "superior_body": "",
        "place": "Hà Tĩnh",
    },
    "numbering": {"scheme": "state", "register_book": "shared", "terms": []},
}


@pytest.fixture(scope="session")
def postgres_admin_engine() -> Iterator[Engine]:
    """An engine on the server's maintenance database, or a skip (a failure under CI)."""
    engine = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any failure to connect means "not available"
        engine.dispose()
        require("PostgreSQL", False, f"cannot connect to {POSTGRES_ADMIN_URL}: {exc}")
    yield engine
    engine.dispose()


def _database_url(name: str) -> str:
    return POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


@pytest.fixture(scope="session")
def postgres_template(postgres_admin_engine: Engine) -> Iterator[str]:
    """A migrated database that each test copies (CREATE DATABASE … TEMPLATE)."""
    name = f"sovanban_tmpl_{uuid.uuid4().hex[:10]}"
    with postgres_admin_engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(_database_url(name))
    migrate(engine)
    engine.dispose()
    yield name
    with postgres_admin_engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    engine.dispose()
    return path


@dataclass
class Database:
    url: str
    engine: Engine
    sessions: sessionmaker[Session]

    @property
    def kind(self) -> str:
        return self.engine.dialect.name


@pytest.fixture
def sqlite_url(sqlite_template: Path, tmp_path: Path) -> str:
    path = tmp_path / "registry.sqlite3"
    shutil.copyfile(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def postgres_url(postgres_admin_engine: Engine, postgres_template: str) -> Iterator[str]:
    name = f"sovanban_test_{uuid.uuid4().hex[:12]}"
    with postgres_admin_engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{postgres_template}"'))
    yield _database_url(name)
    with postgres_admin_engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest) -> str:
    """A fresh, migrated, empty database: each test runs on both engines."""
    fixture = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    return str(request.getfixturevalue(fixture))


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    engine = make_engine(database_url)
    yield Database(database_url, engine, make_session_factory(engine))
    engine.dispose()


def seed_issuer(database: Database, config: Config) -> int:
    """Sync ``config``'s reference data into ``database``; the issuer's id."""
    with database.sessions.begin() as session:
        sync_reference_data(session, config)
        return current_issuer(session, config).id


@pytest.fixture
def party_config() -> Config:
    return make_config()


@pytest.fixture
def state_config() -> Config:
    return make_config(**STATE_CONFIG)


def issuer_of(session: Session, issuer_id: int) -> Issuer:
    issuer = session.get(Issuer, issuer_id)
    assert issuer is not None
    return issuer


@pytest.fixture(scope="session")
def running_pki(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningPki]:
    """A demo PKI whose TSA, OCSP and CRL services run on loopback for the whole session."""
    running = start_pki(tmp_path_factory.mktemp("pki") / "pki")
    yield running
    stop_pki(running)
