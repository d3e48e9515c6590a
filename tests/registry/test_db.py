"""The database layer on both engines: aware datetimes, schema checks, migrations."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from registry.db import make_engine, migrate, require_current_schema
from registry.errors import ConfigError, NotInitialisedError
from registry.models import AuditEvent
from tests.support.database import Database


def test_datetimes_come_back_aware_and_in_utc(database: Database) -> None:
    moment = datetime(2023, 4, 20, 14, 34, 9, tzinfo=timezone(timedelta(hours=7)))
    with database.sessions.begin() as session:
        session.add(AuditEvent(seq=1, actor="t", action="t:time", occurred_at=moment, details={}))
    with database.sessions() as session:
        stored = session.query(AuditEvent).one().occurred_at
    assert stored == moment
    assert stored.utcoffset() == timedelta(0)
    assert stored == datetime(2023, 4, 20, 7, 34, 9, tzinfo=UTC)


def test_naive_datetimes_are_not_stored(database: Database) -> None:
    with database.sessions() as session:
        session.add(
            AuditEvent(seq=1, actor="t", action="t", occurred_at=datetime(2023, 1, 1), details={})  # noqa: DTZ001
        )
        with pytest.raises(Exception, match="naive datetimes"):
            session.flush()


def _schema(database: Database) -> dict[str, object]:
    """Every table's columns, indexes, keys and constraints, and the migration version."""
    found: dict[str, object] = {}
    with database.engine.connect() as connection:
        look = inspect(connection)
        for table in sorted(look.get_table_names()):
            found[table] = (
                [(c["name"], str(c["type"]), c["nullable"]) for c in look.get_columns(table)],
                sorted((i["name"], tuple(i["column_names"])) for i in look.get_indexes(table)),
                look.get_pk_constraint(table)["constrained_columns"],
                sorted(
                    (tuple(k["constrained_columns"]), k["referred_table"])
                    for k in look.get_foreign_keys(table)
                ),
                sorted(str(u["column_names"]) for u in look.get_unique_constraints(table)),
            )
        found["version"] = connection.execute(text("SELECT version_num FROM alembic_version")).all()
    return found


def test_migrating_twice_changes_nothing(database: Database) -> None:
    before = _schema(database)
    migrate(database.engine)
    require_current_schema(database.engine)
    assert _schema(database) == before
    assert before["version"] and "documents" in before


def test_an_old_schema_is_refused(database: Database) -> None:
    with database.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0000'"))
    with pytest.raises(NotInitialisedError, match=r"schema is 0000.*run 'sovanban init'"):
        require_current_schema(database.engine)


def test_the_schema_a_command_expects_is_the_newest_migration() -> None:
    """``require_current_schema`` compares with SCHEMA_HEAD, not Alembic's scripts: a new
    migration must move it too."""
    from alembic.script import ScriptDirectory

    from registry.db import SCHEMA_HEAD, _alembic_config

    engine = make_engine("sqlite://")
    assert ScriptDirectory.from_config(_alembic_config(engine)).get_current_head() == SCHEMA_HEAD


def test_a_database_without_migrations_is_not_initialised(database: Database) -> None:
    with database.engine.begin() as connection:
        connection.execute(text("DROP TABLE alembic_version"))
    with pytest.raises(NotInitialisedError, match="no database yet"):
        require_current_schema(database.engine)


def test_a_missing_sqlite_file_is_not_created(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'absent.sqlite3'}")
    with pytest.raises(NotInitialisedError, match="no database yet"):
        require_current_schema(engine)
    assert list(tmp_path.iterdir()) == []


def test_an_unusable_url_is_a_configuration_error() -> None:
    with pytest.raises(ConfigError, match="cannot be used"):
        make_engine("nosuchdb://user:secret@host/db")


def test_sqlite_runs_in_wal_mode_with_foreign_keys(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
    engine.dispose()


def test_the_migrations_build_exactly_the_models(database: Database) -> None:
    """A column added to a model without a migration (or the reverse) is caught here."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from registry.models import Base

    def include_name(name: str | None, _type: str, _parents: object) -> bool:
        # The full-text structures only the migrations know (as in registry/migrations/env.py).
        return not (name or "").startswith(
            (
                "document_words_fts",
                "ix_document_words_tsv",
                "words_tsv",
                "ix_document_words_head_tsv",
                "head_tsv",
            )
        )

    with database.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": include_name}
        )
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_events_written_before_the_chain_are_chained_by_the_migration(tmp_path: Path) -> None:
    from alembic import command

    from registry.db import _alembic_config, make_session_factory
    from registry.services.archive.audit_chain import verify_chain

    engine = make_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    command.upgrade(_alembic_config(engine), "0002")
    with engine.begin() as connection:
        for n in range(3):
            connection.execute(
                text(
                    "INSERT INTO audit_events (occurred_at, actor, action, details, prev_hash,"
                    " hash) VALUES (:at, 'cli', 'document:register', :details, '', '')"
                ),
                {"at": f"2026-11-0{n + 1} 08:00:00.000000", "details": f'{{"n": {n}}}'},
            )
    migrate(engine)
    with make_session_factory(engine)() as session:
        report = verify_chain(session)
    assert report.intact and report.events == 3
    engine.dispose()


def test_the_search_order_migration_keys_and_indexes_existing_documents(
    database: Database,
) -> None:
    """Documents written before 0010 get their head and order key, and are found by words
    in that order; going back to 0009 and up again gives the same."""
    from alembic import command

    from registry.config import load_config
    from registry.db import _alembic_config
    from registry.models import DocumentWords
    from registry.search_text import search_order_key
    from registry.services.archive.search import SearchQuery, search_documents
    from registry.services.people.access import Viewer
    from tests.support.archive import generate_archive

    generated = generate_archive(database.sessions, load_config(None), 60)
    command.downgrade(_alembic_config(database.engine), "0009")
    migrate(database.engine)
    clerk = Viewer(user_id=99, login="vanthu", roles=frozenset({"clerk"}))
    with database.sessions() as session:
        for row in session.query(DocumentWords).all():
            document = generated[row.document_id - 1]
            assert row.sort_key == search_order_key(document.document_date, document.id)
            assert row.head and row.head in document.words
        word = generated[0].words.split()[-1]
        found = search_documents(session, SearchQuery(text=word, per_page=100), clerk)
        holding = [d for d in generated if word in d.words.split()]
        assert found.total == len(holding) > 0
        assert {d.id for d in found.documents} == {d.id for d in holding}
