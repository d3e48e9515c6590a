"""Shared fixtures: configurations, a fresh database per test (SQLite and PostgreSQL), instances."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from registry.config import Config
from registry.db import make_engine, make_session_factory, migrate
from tests.support.components import require
from tests.support.configs import STATE_CONFIG, make_config
from tests.support.database import POSTGRES_ADMIN_URL, Database
from tests.support.object_store import S3Server, seaweedfs
from tests.support.pki import RunningPki, start_pki, stop_pki
from tests.support.redis_server import SharedRedis, shared_redis


def pytest_configure(config: pytest.Config) -> None:
    # A message missing from the catalogs fails loudly (here and in every process the tests
    # start); the command line answers in English, whose words the tests read (a test of
    # its own checks that it speaks Vietnamese by default).
    os.environ["SOVANBAN_STRICT_CATALOG"] = "1"
    os.environ["SOVANBAN_LANG"] = "en"


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


@pytest.fixture
def party_config() -> Config:
    return make_config()


@pytest.fixture
def state_config() -> Config:
    return make_config(**STATE_CONFIG)


@pytest.fixture(scope="session")
def running_pki(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningPki]:
    """A demo PKI whose TSA, OCSP and CRL services run on loopback for the whole session."""
    running = start_pki(tmp_path_factory.mktemp("pki") / "pki")
    yield running
    stop_pki(running)


@pytest.fixture(scope="session")
def seed_pdf() -> bytes:
    """The office's reference notice composed once for the session (the example issuer)."""
    from registry.config import load_config
    from registry.services.drafting.compose import compose_file, seed_notice_path

    return compose_file(load_config(None), Path("."), seed_notice_path())[1]


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    """A real S3-compatible server (SeaweedFS) for this test process."""
    with seaweedfs(tmp_path_factory.mktemp("seaweedfs")) as server:
        yield server


@pytest.fixture
def redis_server() -> SharedRedis:
    """A real Redis and a key prefix of this test's own."""
    return shared_redis()
