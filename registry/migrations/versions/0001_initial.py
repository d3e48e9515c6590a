"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-27
"""

from alembic import op
import sqlalchemy as sa



revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('document_types',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('family', sa.String(length=8), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('abbreviation', sa.String(length=16), nullable=False),
    sa.Column('series_key', sa.String(length=16), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.CheckConstraint("family IN ('party', 'state')", name=op.f('ck_document_types_family')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document_types')),
    sa.UniqueConstraint('family', 'code', name=op.f('uq_document_types_family'))
    )
    op.create_table('issuers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('abbreviation', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('header_name', sa.String(length=300), nullable=False),
    sa.Column('superior_body', sa.String(length=300), nullable=False),
    sa.Column('place', sa.String(length=100), nullable=False),
    sa.Column('email', sa.String(length=200), nullable=False),
    sa.Column('organ_id', sa.String(length=13), nullable=False),
    sa.Column('archive_line', sa.String(length=300), nullable=False),
    sa.Column('scheme', sa.String(length=8), nullable=False),
    sa.Column('register_book', sa.String(length=16), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("register_book IN ('shared', 'per_type')", name=op.f('ck_issuers_register_book')),
    sa.CheckConstraint("scheme IN ('party', 'state')", name=op.f('ck_issuers_scheme')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_issuers')),
    sa.UniqueConstraint('abbreviation', name=op.f('uq_issuers_abbreviation'))
    )
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('login', sa.String(length=64), nullable=False),
    sa.Column('full_name', sa.String(length=100), nullable=False),
    sa.Column('email', sa.String(length=200), nullable=False),
    sa.Column('position', sa.String(length=100), nullable=False),
    sa.Column('authority', sa.String(length=100), nullable=False),
    sa.Column('roles', sa.String(length=100), nullable=False),
    sa.Column('password_hash', sa.String(length=200), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('login', name=op.f('uq_users_login'))
    )
    op.create_table('documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('issuer_id', sa.Integer(), nullable=False),
    sa.Column('type_id', sa.Integer(), nullable=False),
    sa.Column('subject', sa.Text(), nullable=False),
    sa.Column('signer_id', sa.Integer(), nullable=True),
    sa.Column('signer_name', sa.String(length=100), nullable=False),
    sa.Column('signer_position', sa.String(length=100), nullable=False),
    sa.Column('signer_authority', sa.String(length=100), nullable=False),
    sa.Column('place', sa.String(length=100), nullable=False),
    sa.Column('urgency', sa.Enum('normal', 'khan', 'thuong_khan', 'hoa_toc', name='urgency', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('secrecy', sa.Enum('none', 'mat', 'toi_mat', 'tuyet_mat', name='secrecy', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('status', sa.Enum('draft', 'prepared', 'signed', 'issued', 'withdrawn', name='status', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('drafting_unit', sa.String(length=40), nullable=False),
    sa.Column('page_count', sa.Integer(), nullable=False),
    sa.Column('body_text', sa.Text(), nullable=False),
    sa.Column('registered_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('document_date', sa.Date(), nullable=True),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('withdrawn_reason', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['issuer_id'], ['issuers.id'], name=op.f('fk_documents_issuer_id_issuers')),
    sa.ForeignKeyConstraint(['signer_id'], ['users.id'], name=op.f('fk_documents_signer_id_users')),
    sa.ForeignKeyConstraint(['type_id'], ['document_types.id'], name=op.f('fk_documents_type_id_document_types')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_documents'))
    )
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.create_index('ix_documents_status', ['status'], unique=False)

    op.create_table('series',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('issuer_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('period_kind', sa.String(length=8), nullable=False),
    sa.Column('secret', sa.Boolean(), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_reason', sa.Text(), nullable=False),
    sa.CheckConstraint("period_kind IN ('term', 'year')", name=op.f('ck_series_period_kind')),
    sa.ForeignKeyConstraint(['issuer_id'], ['issuers.id'], name=op.f('fk_series_issuer_id_issuers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_series')),
    sa.UniqueConstraint('issuer_id', 'key', name=op.f('uq_series_issuer_id'))
    )
    op.create_table('terms',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('issuer_id', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=40), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.CheckConstraint('ends_on >= starts_on', name=op.f('ck_terms_dates')),
    sa.ForeignKeyConstraint(['issuer_id'], ['issuers.id'], name=op.f('fk_terms_issuer_id_issuers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_terms')),
    sa.UniqueConstraint('issuer_id', 'label', name=op.f('uq_terms_issuer_id'))
    )
    op.create_table('audit_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=True),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_audit_events_document_id_documents')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_events'))
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index('ix_audit_events_document_id', ['document_id'], unique=False)

    op.create_table('document_references',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('type_name', sa.String(length=100), nullable=False),
    sa.Column('number_text', sa.String(length=80), nullable=False),
    sa.Column('cited_date', sa.Date(), nullable=True),
    sa.Column('cited_document_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['cited_document_id'], ['documents.id'], name=op.f('fk_document_references_cited_document_id_documents')),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_document_references_document_id_documents')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document_references')),
    sa.UniqueConstraint('document_id', 'number_text', name=op.f('uq_document_references_document_id'))
    )
    op.create_table('files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('draft', 'prepared', 'signed', 'issued', 'archive', 'attachment', name='file_kind', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('media_type', sa.String(length=100), nullable=False),
    sa.Column('original_name', sa.String(length=255), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('length(sha256) = 64', name=op.f('ck_files_sha256')),
    sa.CheckConstraint('size >= 0', name=op.f('ck_files_size')),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_files_document_id_documents')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_files'))
    )
    with op.batch_alter_table('files', schema=None) as batch_op:
        batch_op.create_index('ix_files_sha256', ['sha256'], unique=False)

    op.create_table('recipients',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('organ_id', sa.String(length=13), nullable=False),
    sa.Column('purpose', sa.String(length=100), nullable=False),
    sa.Column('is_archive_copy', sa.Boolean(), nullable=False),
    sa.Column('copies', sa.Integer(), nullable=False),
    sa.Column('delivery_status', sa.String(length=16), nullable=False),
    sa.Column('delivered_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('copies >= 1', name=op.f('ck_recipients_copies')),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_recipients_document_id_documents')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recipients')),
    sa.UniqueConstraint('document_id', 'position', name=op.f('uq_recipients_document_id'))
    )
    op.create_table('series_periods',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('series_id', sa.Integer(), nullable=False),
    sa.Column('period_key', sa.String(length=40), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('last_number', sa.Integer(), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('last_number >= 0', name=op.f('ck_series_periods_last_number')),
    sa.ForeignKeyConstraint(['series_id'], ['series.id'], name=op.f('fk_series_periods_series_id_series')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_series_periods')),
    sa.UniqueConstraint('series_id', 'period_key', name=op.f('uq_series_periods_series_id'))
    )
    op.create_table('numbers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('series_period_id', sa.Integer(), nullable=False),
    sa.Column('issuer_id', sa.Integer(), nullable=False),
    sa.Column('period_key', sa.String(length=40), nullable=False),
    sa.Column('secret_series', sa.Boolean(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('notation', sa.String(length=60), nullable=False),
    sa.Column('rendered', sa.String(length=80), nullable=False),
    sa.Column('given_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=True),
    sa.Column('void_reason', sa.Text(), nullable=False),
    sa.CheckConstraint('number >= 1', name=op.f('ck_numbers_number')),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_numbers_document_id_documents')),
    sa.ForeignKeyConstraint(['issuer_id'], ['issuers.id'], name=op.f('fk_numbers_issuer_id_issuers')),
    sa.ForeignKeyConstraint(['series_period_id'], ['series_periods.id'], name=op.f('fk_numbers_series_period_id_series_periods')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_numbers')),
    sa.UniqueConstraint('document_id', name=op.f('uq_numbers_document_id')),
    sa.UniqueConstraint('issuer_id', 'period_key', 'notation', 'number', 'secret_series', name=op.f('uq_numbers_issuer_id')),
    sa.UniqueConstraint('series_period_id', 'number', name=op.f('uq_numbers_series_period_id'))
    )
    with op.batch_alter_table('numbers', schema=None) as batch_op:
        batch_op.create_index('ix_numbers_rendered', ['rendered'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('numbers', schema=None) as batch_op:
        batch_op.drop_index('ix_numbers_rendered')

    op.drop_table('numbers')
    op.drop_table('series_periods')
    op.drop_table('recipients')
    with op.batch_alter_table('files', schema=None) as batch_op:
        batch_op.drop_index('ix_files_sha256')

    op.drop_table('files')
    op.drop_table('document_references')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_events_document_id')

    op.drop_table('audit_events')
    op.drop_table('terms')
    op.drop_table('series')
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_index('ix_documents_status')

    op.drop_table('documents')
    op.drop_table('users')
    op.drop_table('issuers')
    op.drop_table('document_types')
