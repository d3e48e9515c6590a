"""A migrated database for a test (SQLite or PostgreSQL), and the reference data in it."""

from __future__ import annotations

import os
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from registry.config import Config
from registry.models import Issuer
from registry.services.setup.reference_data import current_issuer, sync_reference_data
from registry.storage import LocalBlobStore

POSTGRES_ADMIN_URL = os.environ.get(
    "SOVANBAN_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


@dataclass
class Database:
    url: str
    engine: Engine
    sessions: sessionmaker[Session]

    @property
    def kind(self) -> str:
        return self.engine.dialect.name


# The services tests' fixture: a database, a blob store and a registered draft's id.
ServiceSetup = tuple[Database, LocalBlobStore, int]


def seed_issuer(database: Database, config: Config) -> int:
    """Sync ``config``'s reference data into ``database``; the issuer's id."""
    with database.sessions.begin() as session:
        sync_reference_data(session, config)
        return current_issuer(session, config).id


def issuer_of(session: Session, issuer_id: int) -> Issuer:
    issuer = session.get(Issuer, issuer_id)
    assert issuer is not None
    return issuer
