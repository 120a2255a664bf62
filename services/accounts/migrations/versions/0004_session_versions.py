"""Accounts: sessions that end — a per-user session version carried in access tokens, when a
user's and a tenant's sessions were last ended (the gateway's catch-up reads them), and the
start of each refresh-token session (its absolute age is capped).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 19:10:00.000000
"""
from alembic import op
import sqlalchemy as sa

from platform_shared.database import UTCDateTime

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('app_user', sa.Column('session_version', sa.Integer(), server_default=sa.text('1'), nullable=False))
    op.add_column('app_user', sa.Column('sessions_revoked_at', UTCDateTime(), nullable=True))
    op.create_index('ix_app_user_sessions_revoked_at', 'app_user', ['sessions_revoked_at'])
    op.add_column('tenant', sa.Column('sessions_revoked_at', UTCDateTime(), nullable=True))
    op.add_column('refresh_token', sa.Column('session_started_at', UTCDateTime(), nullable=True))
    # A family's first token is not known for rows issued before this revision: their own issue time.
    op.execute('UPDATE refresh_token SET session_started_at = issued_at')
    with op.batch_alter_table('refresh_token') as batch:
        batch.alter_column('session_started_at', existing_type=UTCDateTime(), nullable=False)


def downgrade():
    with op.batch_alter_table('refresh_token') as batch:
        batch.drop_column('session_started_at')
    with op.batch_alter_table('tenant') as batch:
        batch.drop_column('sessions_revoked_at')
    op.drop_index('ix_app_user_sessions_revoked_at', table_name='app_user')
    with op.batch_alter_table('app_user') as batch:
        batch.drop_column('sessions_revoked_at')
        batch.drop_column('session_version')
