"""search order: full-text indexes kept in the order results are shown in

Each document's words gain its head (number, subject, signer) and its sort key (newest
date first, then newest id; registry.search_text.search_order_key). On SQLite the FTS5
table is rebuilt with the key as its rowid and the head as a column of its own, so that
a query reads the newest matches first and stops at a page; on PostgreSQL the head gets
its own tsvector and the key a B-tree.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06
"""

from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

FTS_TABLE = 'document_words_fts'
PG_HEAD_COLUMN = 'head_tsv'
PG_HEAD_INDEX = 'ix_document_words_head_tsv'
TOKENIZE = "tokenize='unicode61 remove_diacritics 0'"


def _sqlite_triggers(columns: str, values: str, old_values: str) -> None:
    op.execute(f"CREATE TRIGGER {FTS_TABLE}_ai AFTER INSERT ON document_words BEGIN "
               f"INSERT INTO {FTS_TABLE}(rowid, {columns}) VALUES ({values}); END")
    op.execute(f"CREATE TRIGGER {FTS_TABLE}_ad AFTER DELETE ON document_words BEGIN "
               f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {columns}) VALUES ('delete', {old_values}); END")
    op.execute(f"CREATE TRIGGER {FTS_TABLE}_au AFTER UPDATE ON document_words BEGIN "
               f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {columns}) VALUES ('delete', {old_values}); "
               f"INSERT INTO {FTS_TABLE}(rowid, {columns}) VALUES ({values}); END")


def _drop_sqlite_index() -> None:
    for suffix in ('ai', 'ad', 'au'):
        op.execute(f"DROP TRIGGER IF EXISTS {FTS_TABLE}_{suffix}")
    op.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")


def upgrade() -> None:
    with op.batch_alter_table('document_words') as batch:
        batch.add_column(sa.Column('head', sa.Text(), server_default='', nullable=False))
        batch.add_column(sa.Column('sort_key', sa.BigInteger(), server_default='0', nullable=False))
    sqlite = op.get_bind().dialect.name == 'sqlite'
    # Days since 1 January of year 1 counted from 1 (Python's date.toordinal), shifted
    # above the 32 bits of the id; no date: 0.
    day = ("CAST(julianday(d.document_date) - 1721424.5 AS INTEGER)" if sqlite
           else "(d.document_date - DATE '0001-01-01' + 1)")
    op.execute("UPDATE document_words SET head = (SELECT d.search_text FROM documents d "
               "WHERE d.id = document_words.document_id), sort_key = (SELECT "
               f"COALESCE({day}, 0) * 4294967296 + d.id FROM documents d "
               "WHERE d.id = document_words.document_id)")
    op.create_index('ix_document_words_sort_key', 'document_words', ['sort_key'], unique=True)
    if sqlite:
        _drop_sqlite_index()
        op.execute(f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(head, words, "
                   f"content='document_words', content_rowid='sort_key', {TOKENIZE})")
        op.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")
        _sqlite_triggers('head, words', 'new.sort_key, new.head, new.words',
                         'old.sort_key, old.head, old.words')
    else:
        op.execute(f"ALTER TABLE document_words ADD COLUMN {PG_HEAD_COLUMN} tsvector "
                   "GENERATED ALWAYS AS (to_tsvector('simple', head)) STORED")
        op.execute(f"CREATE INDEX {PG_HEAD_INDEX} ON document_words USING gin ({PG_HEAD_COLUMN})")


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == 'sqlite'
    if sqlite:
        _drop_sqlite_index()
        op.execute(f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(words, content='document_words', "
                   f"content_rowid='document_id', {TOKENIZE})")
        op.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")
        _sqlite_triggers('words', 'new.document_id, new.words', 'old.document_id, old.words')
    else:
        op.execute(f"DROP INDEX IF EXISTS {PG_HEAD_INDEX}")
        op.execute(f"ALTER TABLE document_words DROP COLUMN IF EXISTS {PG_HEAD_COLUMN}")
    op.drop_index('ix_document_words_sort_key', table_name='document_words')
    with op.batch_alter_table('document_words') as batch:
        batch.drop_column('sort_key')
        batch.drop_column('head')
