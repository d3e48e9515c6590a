"""The register read for verification: the database driver alone answers what the session
answers, on both engines, and refuses a database it cannot vouch for as the ORM does."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from registry.errors import NotInitialisedError
from registry.models import Document
from registry.services.verification.register_rows import (
    SessionRows,
    driver_rows,
    files_numbered,
    registered_file,
    signer_emails,
)
from tests.support.database import ServiceSetup
from tests.support.issuing import advance_to_signed, issue_as_office, make_tools
from tests.support.pki import RunningPki


def test_the_driver_reads_what_the_session_reads(
    setup: ServiceSetup, running_pki: RunningPki
) -> None:
    database, blobs, document_id = setup
    tools = make_tools(running_pki)
    advance_to_signed(database, blobs, document_id, tools, running_pki)
    with database.sessions.begin() as session:
        document = session.get(Document, document_id)
        assert document is not None
        issued = issue_as_office(session, blobs, document, running_pki, tools)
        assert document.number is not None
        number, rendered = document.number.number, document.number.rendered
    sha256 = hashlib.sha256(issued).hexdigest()
    with database.sessions() as session, driver_rows(database.url) as driver:
        assert driver is not None, database.url
        in_session = SessionRows(session)
        found = registered_file(driver, sha256)
        assert found is not None and found == registered_file(in_session, sha256)
        assert (found.document_id, found.kind, found.rendered) == (document_id, "issued", rendered)
        assert found.ordinary and found.holds(f"Số {rendered}") and found.holds(f"{number:02d}")
        assert not found.holds(f"Số {number + 1:02d}-TB/ĐUK")
        assert registered_file(driver, "0" * 64) is None
        numbered = files_numbered(driver, number)
        assert numbered == files_numbered(in_session, number)
        assert [f.sha256 for f in numbered if f.kind == "issued"] == [sha256]
        assert files_numbered(driver, number + 50) == []
        assert signer_emails(driver) == signer_emails(in_session)
        assert signer_emails(driver) == {"nguyentrongvan@hatinh.dcs.vn"}


def test_a_missing_or_unmigrated_database_is_refused(tmp_path: Path) -> None:
    missing = tmp_path / "none.sqlite3"
    with (
        pytest.raises(NotInitialisedError, match="no database yet"),
        driver_rows(f"sqlite:///{missing}"),
    ):
        pass
    assert not missing.exists()  # nothing was created by looking
    empty = tmp_path / "empty.sqlite3"
    sqlite3.connect(empty).close()
    with (
        pytest.raises(NotInitialisedError, match="no database yet"),
        driver_rows(f"sqlite:///{empty}"),
    ):
        pass
    old = tmp_path / "old.sqlite3"
    with sqlite3.connect(old) as connection:
        connection.execute("CREATE TABLE alembic_version (version_num VARCHAR(32))")
        connection.execute("INSERT INTO alembic_version VALUES ('0001')")
    connection.close()
    with (
        pytest.raises(NotInitialisedError, match="schema is 0001, this version needs"),
        driver_rows(f"sqlite:///{old}"),
    ):
        pass


def test_an_unreachable_server_is_said_in_one_line() -> None:
    with (
        pytest.raises(NotInitialisedError, match="cannot open the database"),
        driver_rows("postgresql+psycopg://nobody@127.0.0.1:1/none"),
    ):
        pass


@pytest.mark.parametrize(
    "url",
    ["mysql+pymysql://u@h/db", "sqlite://", "sqlite:///x.sqlite3?timeout=5", "not a url"],
)
def test_urls_the_driver_cannot_take_are_left_to_the_orm(url: str) -> None:
    with driver_rows(url) as rows:
        assert rows is None
