"""Content: the review lock's holder by name (``article.locked_by_name``) and the desks' queue index.

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
    op.add_column("article", sa.Column("locked_by_name", sa.String(length=200), nullable=True))
    op.create_index("ix_article_desk_queue", "article", ["section_id", "status", "updated_at"])


def downgrade():
    op.drop_index("ix_article_desk_queue", table_name="article")
    with op.batch_alter_table("article") as batch:
        batch.drop_column("locked_by_name")
