"""The tenant copy takes the shared tenant directory's columns (platform_shared.tenant_directory).

Wider code, name, kind and status; ``kind`` may be unknown (a tenant first seen in a
merge event); ``slug`` added; ``code`` and ``slug`` indexed.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

from platform_shared.tenant_directory import align_tenant_table

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    align_tenant_table(op, "tenant")


def downgrade():
    op.drop_index("ix_tenant_slug", table_name="tenant")
    op.drop_index("ix_tenant_code", table_name="tenant")
    with op.batch_alter_table("tenant") as batch:
        batch.drop_column("slug")
        batch.alter_column("code", existing_type=sa.String(40), type_=sa.String(32))
        batch.alter_column("name", existing_type=sa.String(300), type_=sa.String(255))
        batch.alter_column("kind", existing_type=sa.String(40), type_=sa.String(32), nullable=False)
        batch.alter_column("status", existing_type=sa.String(20), type_=sa.String(16))
