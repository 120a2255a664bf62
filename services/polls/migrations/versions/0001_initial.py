"""Polls: the platform tables (outbox, inbox, parked events).

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""
from alembic import op

from platform_shared.migrations import create_platform_tables_v1

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    create_platform_tables_v1(op)


def downgrade():
    for table in ("parked_event", "outbox", "inbox"):
        op.drop_table(table)
