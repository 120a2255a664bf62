"""Feedback: what the moderators' workspace needs — a topic's first day of opinions
(``opinion_topic.opens_on``; none: from its creation) and the commented article's title and
slug as content showed them when the comment was posted (``comment.article_title``,
``comment.article_slug``: the queue names and links the article without asking content).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-08
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("opinion_topic", sa.Column("opens_on", sa.Date(), nullable=True))
    op.add_column("comment", sa.Column("article_title", sa.String(length=300), nullable=True))
    op.add_column("comment", sa.Column("article_slug", sa.String(length=120), nullable=True))


def downgrade():
    op.drop_column("comment", "article_slug")
    op.drop_column("comment", "article_title")
    op.drop_column("opinion_topic", "opens_on")
