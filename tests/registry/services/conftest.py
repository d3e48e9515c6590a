"""Fixtures shared by the service tests: a database with a signer and the seed notice registered."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from registry.config import load_config
from registry.services.drafting.documents import DraftRequest, register_draft
from registry.services.people.users import add_user
from registry.storage import LocalBlobStore
from tests.support.database import Database, ServiceSetup, issuer_of, seed_issuer


@pytest.fixture
def setup(database: Database, tmp_path: Path, seed_pdf: bytes) -> Iterator[ServiceSetup]:
    issuer_id = seed_issuer(database, load_config(None))
    blobs = LocalBlobStore(tmp_path / "blobs")
    with database.sessions.begin() as session:
        add_user(
            session,
            login="nguyentrongvan",
            full_name="Nguyễn Trọng Vân",
            roles={"signer"},
            email="nguyentrongvan@hatinh.dcs.vn",
            actor="t",
        )
        document = register_draft(
            session,
            blobs,
            issuer_of(session, issuer_id),
            DraftRequest(
                pdf=seed_pdf,
                type_code="TB",
                subject="Thông báo kết luận",
                signer_login="nguyentrongvan",
            ),
            actor="t",
        )
        document_id = document.id
    yield database, blobs, document_id
