"""full-text search: the folded words of each document, indexed by the database

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27
"""

from alembic import op
import sqlalchemy as sa

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

# Kept out of the models (alembic cannot describe them): see registry.migrations.env.
FTS_TABLE = 'document_words_fts'
PG_INDEX = 'ix_document_words_tsv'
PG_COLUMN = 'words_tsv'


def upgrade() -> None:
    op.create_table('document_words',
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('recipients', sa.Text(), nullable=False),
    sa.Column('words', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_document_words_document_id_documents')),
    sa.PrimaryKeyConstraint('document_id', name=op.f('pk_document_words'))
    )
    op.create_index('ix_numbers_number', 'numbers', ['number'])
    if op.get_bind().dialect.name == 'sqlite':
        # An external-content FTS5 index over document_words.words, kept in step by triggers.
        op.execute(f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(words, content='document_words', "
                   "content_rowid='document_id', tokenize='unicode61 remove_diacritics 0')")
        op.execute(f"CREATE TRIGGER {FTS_TABLE}_ai AFTER INSERT ON document_words BEGIN "
                   f"INSERT INTO {FTS_TABLE}(rowid, words) VALUES (new.document_id, new.words); END")
        op.execute(f"CREATE TRIGGER {FTS_TABLE}_ad AFTER DELETE ON document_words BEGIN "
                   f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, words) VALUES ('delete', old.document_id, old.words); END")
        op.execute(f"CREATE TRIGGER {FTS_TABLE}_au AFTER UPDATE ON document_words BEGIN "
                   f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, words) VALUES ('delete', old.document_id, old.words); "
                   f"INSERT INTO {FTS_TABLE}(rowid, words) VALUES (new.document_id, new.words); END")
    else:
        # A stored tsvector: phrase queries re-check positions on every candidate row, which
        # would otherwise recompute to_tsvector for each of them.
        op.execute(f"ALTER TABLE document_words ADD COLUMN {PG_COLUMN} tsvector "
                   "GENERATED ALWAYS AS (to_tsvector('simple', words)) STORED")
        op.execute(f"CREATE INDEX {PG_INDEX} ON document_words USING gin ({PG_COLUMN})")


def downgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        op.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")
    op.drop_table('document_words')
    op.drop_index('ix_numbers_number', table_name='numbers')
