"""Reports: the semiannual consultation reports of each tenant.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
