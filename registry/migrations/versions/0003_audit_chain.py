"""audit trail as a hash chain: sequence numbers, the head row, timestamp seals

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

from alembic import op
import sqlalchemy as sa

from registry.audit import GENESIS, event_hash

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('audit_events') as batch:
        batch.add_column(sa.Column('seq', sa.Integer(), nullable=True))
    op.create_table('audit_head',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_head'))
    )
    op.create_table('audit_seals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.Column('sealed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('token', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_seals'))
    )
    # Chain the events written before the chain existed, in the order they were written.
    connection = op.get_bind()
    events = sa.table('audit_events', sa.column('id'), sa.column('seq'), sa.column('occurred_at', sa.DateTime(timezone=True)),
                      sa.column('actor'), sa.column('action'), sa.column('document_id'), sa.column('details', sa.JSON()),
                      sa.column('prev_hash'), sa.column('hash'))
    previous, seq = GENESIS, 0
    for row in connection.execute(sa.select(events).order_by(events.c.id)).mappings().all():
        seq += 1
        moment = row['occurred_at']
        if moment.tzinfo is None:
            from datetime import UTC
            moment = moment.replace(tzinfo=UTC)
        digest = event_hash(seq=seq, occurred_at=moment, actor=row['actor'], action=row['action'],
                            document_id=row['document_id'], details=row['details'] or {}, prev_hash=previous)
        connection.execute(events.update().where(events.c.id == row['id']).values(seq=seq, prev_hash=previous, hash=digest))
        previous = digest
    connection.execute(sa.table('audit_head', sa.column('id'), sa.column('seq'), sa.column('hash')).insert().values(id=1, seq=seq, hash=previous))
    with op.batch_alter_table('audit_events') as batch:
        batch.alter_column('seq', existing_type=sa.Integer(), nullable=False)
        batch.create_unique_constraint(op.f('uq_audit_events_seq'), ['seq'])


def downgrade() -> None:
    op.drop_table('audit_seals')
    op.drop_table('audit_head')
    with op.batch_alter_table('audit_events') as batch:
        batch.drop_constraint(op.f('uq_audit_events_seq'), type_='unique')
        batch.drop_column('seq')
