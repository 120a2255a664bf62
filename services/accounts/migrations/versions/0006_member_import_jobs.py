"""Accounts: member import jobs — a checked member file applied in batches in the background,
its rows kept with the job (each with its activation token's hash and a sealed copy for the
credentials sheet) until the sheet expires.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-08 10:00:00.000000
"""
from alembic import op
import sqlalchemy as sa

from platform_shared.database import UTCDateTime

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('member_import',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('created_by', sa.Uuid(), nullable=True),
    sa.Column('request_key', sa.String(length=64), nullable=True),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('file_format', sa.String(length=8), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('total_rows', sa.Integer(), nullable=False),
    sa.Column('done_rows', sa.Integer(), server_default=sa.text('0'), nullable=False),
    sa.Column('created', sa.Integer(), server_default=sa.text('0'), nullable=False),
    sa.Column('updated', sa.Integer(), server_default=sa.text('0'), nullable=False),
    sa.Column('unchanged', sa.Integer(), server_default=sa.text('0'), nullable=False),
    sa.Column('reissued', sa.Integer(), server_default=sa.text('0'), nullable=False),
    sa.Column('skipped', sa.Integer(), server_default=sa.text('0'), nullable=False),
    sa.Column('reissue', sa.Boolean(), server_default=sa.text('false'), nullable=False),
    sa.Column('carried', sa.JSON(), nullable=False),
    sa.Column('problems', sa.JSON(), nullable=False),
    sa.Column('seal_kid', sa.String(length=64), nullable=False),
    sa.Column('tokens_expire_at', UTCDateTime(), nullable=False),
    sa.Column('sheet_expires_at', UTCDateTime(), nullable=True),
    sa.Column('sheet_purged_at', UTCDateTime(), nullable=True),
    sa.Column('failures', sa.Integer(), server_default=sa.text('0'), nullable=False),
    sa.Column('last_error', sa.String(length=500), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('started_at', UTCDateTime(), nullable=True),
    sa.Column('finished_at', UTCDateTime(), nullable=True),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_member_import_tenant_id_tenant')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_member_import')),
    sa.UniqueConstraint('created_by', 'request_key', name=op.f('uq_member_import_created_by_request_key'))
    )
    op.create_index('ix_member_import_tenant_created', 'member_import', ['tenant_id', 'created_at'])
    op.create_index('ix_member_import_state', 'member_import', ['state'])
    op.create_table('member_import_row',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('job_id', sa.Uuid(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('row', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=32), nullable=False),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=True),
    sa.Column('gender', sa.String(length=8), nullable=True),
    sa.Column('phone', sa.String(length=32), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('unit_id', sa.Uuid(), nullable=True),
    sa.Column('joined_on', sa.Date(), nullable=True),
    sa.Column('username', sa.String(length=254), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('sealed_token', sa.String(length=200), nullable=True),
    sa.Column('outcome', sa.String(length=16), nullable=True),
    sa.Column('issued', sa.Boolean(), server_default=sa.text('false'), nullable=False),
    sa.ForeignKeyConstraint(['job_id'], ['member_import.id'], name=op.f('fk_member_import_row_job_id_member_import'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_member_import_row')),
    sa.UniqueConstraint('job_id', 'seq', name=op.f('uq_member_import_row_job_id_seq'))
    )


def downgrade():
    op.drop_table('member_import_row')
    op.drop_index('ix_member_import_state', table_name='member_import')
    op.drop_index('ix_member_import_tenant_created', table_name='member_import')
    op.drop_table('member_import')
