"""Alembic environment: the engine is handed over by registry.db, never read from a URL here."""

from __future__ import annotations

from typing import Any

from alembic import context

from registry.models import Base

engine = context.config.attributes["engine"]

# Full-text search structures that only the migrations know (FTS5 tables, a GIN index).
UNMODELLED_PREFIXES = (
    "document_words_fts",
    "ix_document_words_tsv",
    "words_tsv",
    "ix_document_words_head_tsv",
    "head_tsv",
)


def include_name(name: str | None, _type: Any, _parents: Any) -> bool:
    return not (name or "").startswith(UNMODELLED_PREFIXES)


with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,  # SQLite alters tables by copying them
        compare_type=True,
        include_name=include_name,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
