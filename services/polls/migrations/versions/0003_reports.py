"""Reports: the semiannual consultation reports of each tenant.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

from platform_shared.database import JSONType, UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "semiannual_report",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("evaluation", sa.Text(), nullable=True),
        sa.Column("figures", JSONType, nullable=True),
        sa.Column("tenant_name", sa.String(length=255), nullable=True),
        sa.Column("compiled_at", UTCDateTime(), nullable=True),
        sa.Column("submitted_at", UTCDateTime(), nullable=True),
        sa.Column("submitted_by", sa.Uuid(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_semiannual_report")),
        sa.UniqueConstraint("tenant_id", "period", name=op.f("uq_semiannual_report_tenant_id_period")),
    )
    op.create_index(op.f("ix_semiannual_report_tenant_id"), "semiannual_report", ["tenant_id"])
    op.create_table(
        "report_reminder",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("sent_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "period", name=op.f("pk_report_reminder")),
    )
    op.create_table(
        "report_tenant_merge",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("into_tenant_id", sa.Uuid(), nullable=False),
        sa.Column("merged_at", UTCDateTime(), nullable=False),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", name=op.f("pk_report_tenant_merge")),
    )
    op.create_index(op.f("ix_report_tenant_merge_into_tenant_id"), "report_tenant_merge", ["into_tenant_id"])


def downgrade():
    op.drop_index(op.f("ix_report_tenant_merge_into_tenant_id"), table_name="report_tenant_merge")
    op.drop_table("report_tenant_merge")
    op.drop_table("report_reminder")
    op.drop_index(op.f("ix_semiannual_report_tenant_id"), table_name="semiannual_report")
    op.drop_table("semiannual_report")
