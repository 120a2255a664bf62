"""Accounts: the member register (đoàn viên), and an index to count a tenant's members by role.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 16:10:00.000000
"""
from alembic import op
import sqlalchemy as sa

from platform_shared.database import UTCDateTime

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('member',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('number', sa.String(length=32), nullable=False),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=True),
    sa.Column('gender', sa.String(length=8), nullable=True),
    sa.Column('phone', sa.String(length=32), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('unit_id', sa.Uuid(), nullable=True),
    sa.Column('joined_on', sa.Date(), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_member_tenant_id_tenant')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_member_unit_id_unit')),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_member_user_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_member')),
    sa.UniqueConstraint('tenant_id', 'number', name=op.f('uq_member_tenant_id_number')),
    sa.UniqueConstraint('user_id', name=op.f('uq_member_user_id'))
    )
    op.create_index(op.f('ix_member_tenant_id'), 'member', ['tenant_id'])
    op.create_index(op.f('ix_member_unit_id'), 'member', ['unit_id'])
    op.create_index('ix_user_role_tenant_role', 'user_role', ['tenant_id', 'role'])


def downgrade():
    op.drop_index('ix_user_role_tenant_role', table_name='user_role')
    op.drop_index(op.f('ix_member_unit_id'), table_name='member')
    op.drop_index(op.f('ix_member_tenant_id'), table_name='member')
    op.drop_table('member')
