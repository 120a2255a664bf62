"""Media: assets (with renditions and credits) and the references that keep them.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

from platform_shared.database import JSONType, UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "asset",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("format", sa.String(length=16), nullable=False),
        sa.Column("content_type", sa.String(length=120), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=True),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("width", sa.Integer(), nullable=True),
        sa.Column("height", sa.Integer(), nullable=True),
        sa.Column("renditions", JSONType, nullable=False),
        sa.Column("caption", sa.Text(), nullable=True),
        sa.Column("alt_text", sa.String(length=500), nullable=True),
        sa.Column("credit_user_id", sa.Uuid(), nullable=True),
        sa.Column("credit_name", sa.String(length=200), nullable=True),
        sa.Column("source", sa.String(length=300), nullable=True),
        sa.Column("rights", sa.String(length=300), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("uploaded_by", sa.Uuid(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("removed_at", UTCDateTime(), nullable=True),
        sa.Column("removal_reason", sa.String(length=200), nullable=True),
        sa.Column("purged_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_asset")),
    )
    op.create_index("ix_asset_status_created", "asset", ["status", "created_at"])
    op.create_index(op.f("ix_asset_tenant_id"), "asset", ["tenant_id"])
    op.create_index(
        "uq_asset_tenant_sha256_stored", "asset", ["tenant_id", "sha256"], unique=True,
        postgresql_where=sa.text("status = 'stored'"), sqlite_where=sa.text("status = 'stored'"),
    )
    op.create_table(
        "asset_reference",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("asset_id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("ref_kind", sa.String(length=32), nullable=False),
        sa.Column("ref_id", sa.String(length=64), nullable=False),
        sa.Column("published", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("released_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["asset_id"], ["asset.id"], name=op.f("fk_asset_reference_asset_id_asset")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_asset_reference")),
        sa.UniqueConstraint("asset_id", "ref_kind", "ref_id", name=op.f("uq_asset_reference_asset_id_ref_kind_ref_id")),
    )
    op.create_index(op.f("ix_asset_reference_asset_id"), "asset_reference", ["asset_id"])
    op.create_index(op.f("ix_asset_reference_tenant_id"), "asset_reference", ["tenant_id"])


def downgrade():
    op.drop_table("asset_reference")
    op.drop_table("asset")
