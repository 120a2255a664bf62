"""Media: the desk reviewing what uses an asset (asset_reference.reviewer_tenant_id).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("asset_reference", sa.Column("reviewer_tenant_id", sa.Uuid(), nullable=True))
    op.create_index(op.f("ix_asset_reference_reviewer_tenant_id"), "asset_reference", ["reviewer_tenant_id"])


def downgrade():
    op.drop_index(op.f("ix_asset_reference_reviewer_tenant_id"), table_name="asset_reference")
    op.drop_column("asset_reference", "reviewer_tenant_id")
