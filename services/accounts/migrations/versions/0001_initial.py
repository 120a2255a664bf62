"""Accounts: tenants, units, users, roles, tokens, throttling, staff records; outbox/inbox/parking.

Revision ID: 0001
Revises: 
Create Date: 2026-11-26 12:26:57.863196
"""
from alembic import op
import sqlalchemy as sa

from platform_shared.database import UTCDateTime
from platform_shared.migrations import create_platform_tables_v1

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('login_throttle',
    sa.Column('key', sa.String(length=300), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('window_started_at', UTCDateTime(), nullable=False),
    sa.Column('locked_until', UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_login_throttle'))
    )
    op.create_table('tenant',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('short_name', sa.String(length=120), nullable=True),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('parent_id', sa.Uuid(), nullable=True),
    sa.Column('status', sa.String(length=16), server_default=sa.text("'active'"), nullable=False),
    sa.Column('merged_into_id', sa.Uuid(), nullable=True),
    sa.Column('merged_at', UTCDateTime(), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['merged_into_id'], ['tenant.id'], name=op.f('fk_tenant_merged_into_id_tenant')),
    sa.ForeignKeyConstraint(['parent_id'], ['tenant.id'], name=op.f('fk_tenant_parent_id_tenant')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tenant')),
    sa.UniqueConstraint('code', name=op.f('uq_tenant_code')),
    sa.UniqueConstraint('slug', name=op.f('uq_tenant_slug'))
    )
    op.create_index(op.f('ix_tenant_parent_id'), 'tenant', ['parent_id'])
    op.create_table('unit',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('parent_id', sa.Uuid(), nullable=True),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=True),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('status', sa.String(length=16), server_default=sa.text("'active'"), nullable=False),
    sa.Column('path', sa.String(length=2000), nullable=False),
    sa.Column('depth', sa.Integer(), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['parent_id'], ['unit.id'], name=op.f('fk_unit_parent_id_unit')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_unit_tenant_id_tenant')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unit')),
    sa.UniqueConstraint('tenant_id', 'code', name=op.f('uq_unit_tenant_id_code'))
    )
    op.create_index(op.f('ix_unit_parent_id'), 'unit', ['parent_id'])
    op.create_index(op.f('ix_unit_tenant_id'), 'unit', ['tenant_id'])
    op.create_index('ix_unit_tenant_path', 'unit', ['tenant_id', 'path'])
    op.create_table('app_user',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('unit_id', sa.Uuid(), nullable=True),
    sa.Column('username', sa.String(length=254), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('phone', sa.String(length=32), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('activated_at', UTCDateTime(), nullable=True),
    sa.Column('deactivated_at', UTCDateTime(), nullable=True),
    sa.Column('last_login_at', UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_app_user_tenant_id_tenant')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_app_user_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_app_user')),
    sa.UniqueConstraint('username', name=op.f('uq_app_user_username'))
    )
    op.create_index(op.f('ix_app_user_tenant_id'), 'app_user', ['tenant_id'])
    op.create_table('activation_token',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('expires_at', UTCDateTime(), nullable=False),
    sa.Column('used_at', UTCDateTime(), nullable=True),
    sa.Column('revoked_at', UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_activation_token_tenant_id_tenant')),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_activation_token_user_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activation_token')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_activation_token_token_hash'))
    )
    op.create_index(op.f('ix_activation_token_tenant_id'), 'activation_token', ['tenant_id'])
    op.create_index(op.f('ix_activation_token_user_id'), 'activation_token', ['user_id'])
    op.create_table('refresh_token',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('family_id', sa.Uuid(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('issued_at', UTCDateTime(), nullable=False),
    sa.Column('expires_at', UTCDateTime(), nullable=False),
    sa.Column('rotated_at', UTCDateTime(), nullable=True),
    sa.Column('revoked_at', UTCDateTime(), nullable=True),
    sa.Column('revoked_reason', sa.String(length=32), nullable=True),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_refresh_token_tenant_id_tenant')),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_refresh_token_user_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_refresh_token')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_refresh_token_token_hash'))
    )
    op.create_index(op.f('ix_refresh_token_family_id'), 'refresh_token', ['family_id'])
    op.create_index(op.f('ix_refresh_token_tenant_id'), 'refresh_token', ['tenant_id'])
    op.create_index(op.f('ix_refresh_token_user_id'), 'refresh_token', ['user_id'])
    op.create_table('staff_record',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('unit_id', sa.Uuid(), nullable=True),
    sa.Column('user_id', sa.Uuid(), nullable=True),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('position', sa.String(length=120), nullable=False),
    sa.Column('term_start', sa.Date(), nullable=False),
    sa.Column('term_end', sa.Date(), nullable=True),
    sa.Column('gender', sa.String(length=8), nullable=True),
    sa.Column('birth_date', sa.Date(), nullable=True),
    sa.Column('phone', sa.String(length=32), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('status', sa.String(length=16), server_default=sa.text("'active'"), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_staff_record_tenant_id_tenant')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_staff_record_unit_id_unit')),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_staff_record_user_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_record'))
    )
    op.create_index(op.f('ix_staff_record_tenant_id'), 'staff_record', ['tenant_id'])
    op.create_index(op.f('ix_staff_record_unit_id'), 'staff_record', ['unit_id'])
    op.create_table('user_role',
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('role', sa.String(length=32), nullable=False),
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_user_role_tenant_id_tenant')),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_user_role_user_id_app_user')),
    sa.PrimaryKeyConstraint('user_id', 'role', name=op.f('pk_user_role'))
    )
    op.create_index(op.f('ix_user_role_tenant_id'), 'user_role', ['tenant_id'])

    create_platform_tables_v1(op)


def downgrade():
    for table in ("parked_event", "outbox", "inbox"):
        op.drop_table(table)
    op.drop_index(op.f('ix_user_role_tenant_id'), table_name='user_role')

    op.drop_table('user_role')
    op.drop_index(op.f('ix_staff_record_unit_id'), table_name='staff_record')
    op.drop_index(op.f('ix_staff_record_tenant_id'), table_name='staff_record')

    op.drop_table('staff_record')
    op.drop_index(op.f('ix_refresh_token_user_id'), table_name='refresh_token')
    op.drop_index(op.f('ix_refresh_token_tenant_id'), table_name='refresh_token')
    op.drop_index(op.f('ix_refresh_token_family_id'), table_name='refresh_token')

    op.drop_table('refresh_token')
    op.drop_index(op.f('ix_activation_token_user_id'), table_name='activation_token')
    op.drop_index(op.f('ix_activation_token_tenant_id'), table_name='activation_token')

    op.drop_table('activation_token')
    op.drop_index(op.f('ix_app_user_tenant_id'), table_name='app_user')

    op.drop_table('app_user')
    op.drop_index('ix_unit_tenant_path', table_name='unit')
    op.drop_index(op.f('ix_unit_tenant_id'), table_name='unit')
    op.drop_index(op.f('ix_unit_parent_id'), table_name='unit')

    op.drop_table('unit')
    op.drop_index(op.f('ix_tenant_parent_id'), table_name='tenant')

    op.drop_table('tenant')
    op.drop_table('login_throttle')
