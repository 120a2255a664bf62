"""Accounts: list a large member register by name without sorting it (tenant, name, id).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 16:20:00.000000
"""
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_member_tenant_name', 'member', ['tenant_id', 'full_name', 'id'])


def downgrade():
    op.drop_index('ix_member_tenant_name', table_name='member')
