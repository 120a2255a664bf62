"""Content: documents of the portal's public library (``document.public``).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("document", sa.Column("public", sa.Boolean(), server_default=sa.text("false"), nullable=False))
    op.create_index("ix_document_public", "document", ["public", "status", "issued_on"])


def downgrade():
    op.drop_index("ix_document_public", table_name="document")
    with op.batch_alter_table("document") as batch:
        batch.drop_column("public")
