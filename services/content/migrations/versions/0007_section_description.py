"""Content: a sub-site section's description (``section.description``), shown under its title.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-10
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("section", sa.Column("description", sa.String(length=500), nullable=True))


def downgrade():
    with op.batch_alter_table("section") as batch:
        batch.drop_column("description")
