"""Reports: who signs a semiannual report (the PDF's signature block: title and name).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("semiannual_report", sa.Column("signer_title", sa.String(120), nullable=True))
    op.add_column("semiannual_report", sa.Column("signer_name", sa.String(120), nullable=True))


def downgrade():
    op.drop_column("semiannual_report", "signer_name")
    op.drop_column("semiannual_report", "signer_title")
