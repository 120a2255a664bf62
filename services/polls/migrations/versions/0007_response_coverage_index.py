"""Coverage: the members of a tenant who answered a poll over some days are read from an index
(``tenant_id, received_at, member_id``) instead of a scan of every response (10⁷ for a national
poll): the grassroots coverage tracker counts them per federation and half-year.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_poll_response_tenant_received", "poll_response", ["tenant_id", "received_at", "member_id"], unique=False
    )


def downgrade():
    op.drop_index("ix_poll_response_tenant_received", table_name="poll_response")
