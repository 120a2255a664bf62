"""Content: outbox.headers — the request id and traceparent the relay sends with each fact.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03
"""

from alembic import op

from platform_shared.migrations import add_outbox_headers_v1

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    add_outbox_headers_v1(op)


def downgrade():
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("headers")
