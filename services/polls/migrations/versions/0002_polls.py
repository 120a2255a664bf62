"""Polls: tenant copy, polls and their audience, responses, receipt outcomes, tallies, text answers.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

from platform_shared.database import JSONType, UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "poll",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("scope", sa.String(length=16), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("opens_at", UTCDateTime(), nullable=False),
        sa.Column("closes_at", UTCDateTime(), nullable=False),
        sa.Column("audience_all", sa.Boolean(), nullable=False),
        sa.Column("questions", JSONType, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("opened_at", UTCDateTime(), nullable=True),
        sa.Column("closed_at", UTCDateTime(), nullable=True),
        sa.Column("published_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_poll")),
    )
    op.create_index(op.f("ix_poll_status"), "poll", ["status"], unique=False)
    op.create_index(op.f("ix_poll_tenant_id"), "poll", ["tenant_id"], unique=False)
    op.create_table(
        "poll_receipt_outcome",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("poll_id", sa.Uuid(), nullable=False),
        sa.Column("member_id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=True),
        sa.Column("received_at", UTCDateTime(), nullable=False),
        sa.Column("processed_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_poll_receipt_outcome")),
    )
    op.create_index(op.f("ix_poll_receipt_outcome_poll_id"), "poll_receipt_outcome", ["poll_id"], unique=False)
    op.create_index(op.f("ix_poll_receipt_outcome_tenant_id"), "poll_receipt_outcome", ["tenant_id"], unique=False)
    op.create_table(
        "poll_response",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("poll_id", sa.Uuid(), nullable=False),
        sa.Column("member_id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("answers", JSONType, nullable=False),
        sa.Column("received_at", UTCDateTime(), nullable=False),
        sa.Column("counted_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_poll_response")),
        sa.UniqueConstraint("poll_id", "member_id", name=op.f("uq_poll_response_poll_id_member_id")),
    )
    op.create_index(op.f("ix_poll_response_tenant_id"), "poll_response", ["tenant_id"], unique=False)
    op.create_table(
        "poll_tally",
        sa.Column("poll_id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("question_id", sa.String(length=40), nullable=False),
        sa.Column("row_id", sa.String(length=40), nullable=False),
        sa.Column("option_id", sa.String(length=40), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "poll_id", "tenant_id", "question_id", "row_id", "option_id", name=op.f("pk_poll_tally")
        ),
    )
    op.create_index(op.f("ix_poll_tally_tenant_id"), "poll_tally", ["tenant_id"], unique=False)
    op.create_table(
        "poll_text_answer",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("poll_id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("question_id", sa.String(length=40), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("moderated_by", sa.Uuid(), nullable=True),
        sa.Column("moderated_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_poll_text_answer")),
    )
    op.create_index(
        "ix_poll_text_answer_listing", "poll_text_answer", ["poll_id", "question_id", "status"], unique=False
    )
    op.create_index(op.f("ix_poll_text_answer_tenant_id"), "poll_text_answer", ["tenant_id"], unique=False)
    op.create_table(
        "tenant",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("parent_id", sa.Uuid(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("merged_into_id", sa.Uuid(), nullable=True),
        sa.Column("merged_at", UTCDateTime(), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tenant")),
    )
    op.create_index(op.f("ix_tenant_parent_id"), "tenant", ["parent_id"], unique=False)
    op.create_table(
        "poll_audience",
        sa.Column("poll_id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(["poll_id"], ["poll.id"], name=op.f("fk_poll_audience_poll_id_poll")),
        sa.PrimaryKeyConstraint("poll_id", "tenant_id", name=op.f("pk_poll_audience")),
    )
    op.create_index(op.f("ix_poll_audience_tenant_id"), "poll_audience", ["tenant_id"], unique=False)


def downgrade():
    op.drop_index(op.f("ix_poll_audience_tenant_id"), table_name="poll_audience")
    op.drop_table("poll_audience")
    op.drop_index(op.f("ix_tenant_parent_id"), table_name="tenant")
    op.drop_table("tenant")
    op.drop_index(op.f("ix_poll_text_answer_tenant_id"), table_name="poll_text_answer")
    op.drop_index("ix_poll_text_answer_listing", table_name="poll_text_answer")
    op.drop_table("poll_text_answer")
    op.drop_index(op.f("ix_poll_tally_tenant_id"), table_name="poll_tally")
    op.drop_table("poll_tally")
    op.drop_index(op.f("ix_poll_response_tenant_id"), table_name="poll_response")
    op.drop_table("poll_response")
    op.drop_index(op.f("ix_poll_receipt_outcome_tenant_id"), table_name="poll_receipt_outcome")
    op.drop_index(op.f("ix_poll_receipt_outcome_poll_id"), table_name="poll_receipt_outcome")
    op.drop_table("poll_receipt_outcome")
    op.drop_index(op.f("ix_poll_tenant_id"), table_name="poll")
    op.drop_index(op.f("ix_poll_status"), table_name="poll")
    op.drop_table("poll")
