"""Polls: polls, questions, responses and receipts.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
