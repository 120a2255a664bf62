"""Polls: idempotency_key.attempt — the RPC message holding a key (a redelivery of it takes the key over).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03
"""

from alembic import op

from platform_shared.migrations import add_idempotency_attempt_v1

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    add_idempotency_attempt_v1(op)


def downgrade():
    with op.batch_alter_table("idempotency_key") as batch:
        batch.drop_column("attempt")
