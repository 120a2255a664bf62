"""Content: the tenant copy takes the shared kit's columns (wider, slug and kind optional, parent indexed).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

from alembic import op

from platform_shared.tenant_directory import align_tenant_table

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    align_tenant_table(op, "tenant")


def downgrade():
    raise NotImplementedError("the tenant copy is re-synced from accounts; widening it is not undone")
