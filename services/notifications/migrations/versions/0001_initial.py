"""Notifications: the platform tables and the notification table.

Revision ID: 0001
Revises:
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

from platform_shared.database import UTCDateTime
from platform_shared.migrations import create_idempotency_table_v1, create_platform_tables_v1

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    create_platform_tables_v1(op)
    create_idempotency_table_v1(op)
    op.create_table(
        "notification",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("link", sa.String(500), nullable=False),
        sa.Column("source_event_id", sa.String(64), nullable=False),
        sa.Column("source_event_type", sa.String(120), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("read_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_notification"),
        sa.UniqueConstraint(
            "user_id", "source_event_id", "kind", name="uq_notification_user_id_source_event_id_kind"
        ),
    )
    op.create_index("ix_notification_tenant_id", "notification", ["tenant_id"])
    op.create_index("ix_notification_user_created", "notification", ["user_id", "created_at"])
    op.create_index(
        "ix_notification_unread",
        "notification",
        ["user_id"],
        postgresql_where=sa.text("read_at IS NULL"),
        sqlite_where=sa.text("read_at IS NULL"),
    )


def downgrade():
    op.drop_table("notification")
    for table in ("idempotency_key", "parked_event", "outbox", "inbox"):
        op.drop_table(table)
