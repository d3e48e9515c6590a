"""the draft's life: a document may be returned by its signer; comments kept with it

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06
"""

from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

_BEFORE = "'draft', 'prepared', 'signed', 'issued', 'withdrawn'"
_AFTER = _BEFORE + ", 'returned'"


def _statuses(allowed: str) -> None:
    # SQLite rebuilds the table with the new CHECK; PostgreSQL swaps the constraint.
    with op.batch_alter_table('documents', recreate='auto') as batch:
        batch.drop_constraint(op.f('ck_documents_status'), type_='check')
        batch.create_check_constraint(op.f('ck_documents_status'), f"status IN ({allowed})")


def upgrade() -> None:
    _statuses(_AFTER)
    op.create_table('comments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('author', sa.String(length=64), nullable=False),
    sa.Column('author_name', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.Enum('comment', 'return', 'revision', name='kind', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_comments_document_id_documents')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_comments'))
    )
    with op.batch_alter_table('comments') as batch:
        batch.create_index('ix_comments_document_id', ['document_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('comments') as batch:
        batch.drop_index('ix_comments_document_id')
    op.drop_table('comments')
    op.execute("UPDATE documents SET status = 'draft' WHERE status = 'returned'")
    _statuses(_BEFORE)
