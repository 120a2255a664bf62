"""The tenant copy takes the shared tenant directory's columns (platform_shared.tenant_directory).

``slug`` and ``kind`` may be unknown (a tenant first seen in a merge event); ``merged_at``
added; ``code`` and ``parent_id`` indexed. ``answer_days`` stays the service's own.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

from platform_shared.tenant_directory import align_tenant_table

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    align_tenant_table(op, "feedback_tenant")


def downgrade():
    op.drop_index("ix_feedback_tenant_parent_id", table_name="feedback_tenant")
    op.drop_index("ix_feedback_tenant_code", table_name="feedback_tenant")
    with op.batch_alter_table("feedback_tenant") as batch:
        batch.drop_column("merged_at")
        batch.alter_column("slug", existing_type=sa.String(80), nullable=False)
        batch.alter_column("kind", existing_type=sa.String(40), nullable=False)
