"""Content: the Idempotency-Key records of creating requests (platform_shared.idempotency).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

from alembic import op

from platform_shared.migrations import create_idempotency_table_v1

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    create_idempotency_table_v1(op)


def downgrade():
    op.drop_table("idempotency_key")
