"""sessions that end: a per-account session generation; login locks per account and address;
roles waiting for a second administrator; numbers recorded from an imported archive told
apart from numbers the register gave

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('users') as batch:
        batch.add_column(sa.Column('session_generation', sa.Integer(), server_default='0', nullable=False))
        batch.add_column(sa.Column('pending_roles', sa.String(length=100), server_default='', nullable=False))
        batch.add_column(sa.Column('pending_by', sa.String(length=64), server_default='', nullable=False))
        batch.drop_column('failed_logins')
        batch.drop_column('locked_until')
    with op.batch_alter_table('numbers') as batch:
        batch.add_column(sa.Column('recorded', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.create_table('login_locks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_login_locks_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_locks')),
    sa.UniqueConstraint('user_id', 'address', name=op.f('uq_login_locks_user_id'))
    )


def downgrade() -> None:
    op.drop_table('login_locks')
    with op.batch_alter_table('numbers') as batch:
        batch.drop_column('recorded')
    with op.batch_alter_table('users') as batch:
        batch.add_column(sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('failed_logins', sa.Integer(), server_default='0', nullable=False))
        batch.drop_column('session_generation')
        batch.drop_column('pending_roles')
        batch.drop_column('pending_by')
