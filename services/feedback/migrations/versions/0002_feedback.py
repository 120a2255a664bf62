"""Feedback: tenant copy, holidays, questions with their history, opinion topics and opinions,
comments with reports and per-section settings, rate counters.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 15:51:28.679719
"""
from alembic import op
import sqlalchemy as sa

from platform_shared.database import UTCDateTime


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('comment',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('article_id', sa.Uuid(), nullable=False),
    sa.Column('section', sa.String(length=60), nullable=False),
    sa.Column('site_key', sa.String(length=40), nullable=False),
    sa.Column('author_id', sa.Uuid(), nullable=True),
    sa.Column('author_name', sa.String(length=120), nullable=False),
    sa.Column('guest', sa.Boolean(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('hidden_reason', sa.String(length=40), nullable=True),
    sa.Column('report_count', sa.Integer(), nullable=False),
    sa.Column('moderated_by', sa.Uuid(), nullable=True),
    sa.Column('moderated_at', UTCDateTime(), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_comment'))
    )
    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.create_index('ix_comment_article_status', ['article_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_comment_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('comment_setting',
    sa.Column('site_key', sa.String(length=40), nullable=False),
    sa.Column('section', sa.String(length=60), nullable=False),
    sa.Column('premoderated', sa.Boolean(), nullable=False),
    sa.Column('guests_allowed', sa.Boolean(), nullable=False),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('site_key', 'section', name=op.f('pk_comment_setting'))
    )
    op.create_table('feedback_tenant',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('parent_id', sa.Uuid(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('merged_into_id', sa.Uuid(), nullable=True),
    sa.Column('answer_days', sa.Integer(), nullable=True),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback_tenant'))
    )
    with op.batch_alter_table('feedback_tenant', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feedback_tenant_slug'), ['slug'], unique=False)

    op.create_table('holiday',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('working_day', sa.Boolean(), nullable=False),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('day', name=op.f('pk_holiday'))
    )
    op.create_table('opinion_topic',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('national', sa.Boolean(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('closes_on', sa.Date(), nullable=True),
    sa.Column('created_by', sa.Uuid(), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_opinion_topic'))
    )
    with op.batch_alter_table('opinion_topic', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_opinion_topic_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('question',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('origin_tenant_id', sa.Uuid(), nullable=False),
    sa.Column('escalated_to_id', sa.Uuid(), nullable=True),
    sa.Column('tracking_code', sa.String(length=32), nullable=False),
    sa.Column('category', sa.String(length=40), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('public_title', sa.String(length=200), nullable=True),
    sa.Column('public_body', sa.Text(), nullable=True),
    sa.Column('asker_user_id', sa.Uuid(), nullable=True),
    sa.Column('guest_name', sa.String(length=120), nullable=True),
    sa.Column('guest_phone', sa.String(length=20), nullable=True),
    sa.Column('guest_email', sa.String(length=200), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('assigned_to', sa.Uuid(), nullable=True),
    sa.Column('answer', sa.Text(), nullable=True),
    sa.Column('answered_by', sa.Uuid(), nullable=True),
    sa.Column('answered_at', UTCDateTime(), nullable=True),
    sa.Column('approved_at', UTCDateTime(), nullable=True),
    sa.Column('published_at', UTCDateTime(), nullable=True),
    sa.Column('public', sa.Boolean(), nullable=False),
    sa.Column('reject_reason', sa.Text(), nullable=True),
    sa.Column('received_at', UTCDateTime(), nullable=False),
    sa.Column('due_at', UTCDateTime(), nullable=False),
    sa.Column('overdue_at', UTCDateTime(), nullable=True),
    sa.Column('search_exact', sa.Text(), nullable=False),
    sa.Column('search_folded', sa.Text(), nullable=False),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_question')),
    sa.UniqueConstraint('tracking_code', name=op.f('uq_question_tracking_code'))
    )
    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_question_asker_user_id'), ['asker_user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_question_escalated_to_id'), ['escalated_to_id'], unique=False)
        batch_op.create_index('ix_question_open_due', ['status', 'due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_question_published_at'), ['published_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_question_received_at'), ['received_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_question_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('rate_counter',
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('window_started_at', UTCDateTime(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_rate_counter'))
    )
    op.create_table('tracking_sequence',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('last', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('day', name=op.f('pk_tracking_sequence'))
    )
    op.create_table('comment_report',
    sa.Column('comment_id', sa.Uuid(), nullable=False),
    sa.Column('reporter_id', sa.Uuid(), nullable=False),
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=True),
    sa.Column('at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['comment_id'], ['comment.id'], name=op.f('fk_comment_report_comment_id_comment')),
    sa.PrimaryKeyConstraint('comment_id', 'reporter_id', name=op.f('pk_comment_report'))
    )
    with op.batch_alter_table('comment_report', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_comment_report_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('opinion',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('topic_id', sa.Uuid(), nullable=False),
    sa.Column('author_id', sa.Uuid(), nullable=False),
    sa.Column('author_tenant_id', sa.Uuid(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('answer', sa.Text(), nullable=True),
    sa.Column('answered_by', sa.Uuid(), nullable=True),
    sa.Column('answered_at', UTCDateTime(), nullable=True),
    sa.Column('moderated_by', sa.Uuid(), nullable=True),
    sa.Column('moderated_at', UTCDateTime(), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['topic_id'], ['opinion_topic.id'], name=op.f('fk_opinion_topic_id_opinion_topic')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_opinion'))
    )
    with op.batch_alter_table('opinion', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_opinion_tenant_id'), ['tenant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_opinion_topic_id'), ['topic_id'], unique=False)

    op.create_table('question_activity',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('question_id', sa.Uuid(), nullable=False),
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('from_status', sa.String(length=20), nullable=True),
    sa.Column('to_status', sa.String(length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('actor_id', sa.Uuid(), nullable=True),
    sa.Column('at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['question_id'], ['question.id'], name=op.f('fk_question_activity_question_id_question')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_question_activity'))
    )
    with op.batch_alter_table('question_activity', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_question_activity_question_id'), ['question_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_question_activity_tenant_id'), ['tenant_id'], unique=False)



def downgrade():
    with op.batch_alter_table('question_activity', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_question_activity_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_question_activity_question_id'))

    op.drop_table('question_activity')
    with op.batch_alter_table('opinion', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_opinion_topic_id'))
        batch_op.drop_index(batch_op.f('ix_opinion_tenant_id'))

    op.drop_table('opinion')
    with op.batch_alter_table('comment_report', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_comment_report_tenant_id'))

    op.drop_table('comment_report')
    op.drop_table('tracking_sequence')
    op.drop_table('rate_counter')
    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_question_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_question_received_at'))
        batch_op.drop_index(batch_op.f('ix_question_published_at'))
        batch_op.drop_index('ix_question_open_due')
        batch_op.drop_index(batch_op.f('ix_question_escalated_to_id'))
        batch_op.drop_index(batch_op.f('ix_question_asker_user_id'))

    op.drop_table('question')
    with op.batch_alter_table('opinion_topic', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_opinion_topic_tenant_id'))

    op.drop_table('opinion_topic')
    op.drop_table('holiday')
    with op.batch_alter_table('feedback_tenant', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feedback_tenant_slug'))

    op.drop_table('feedback_tenant')
    op.drop_table('comment_setting')
    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_comment_tenant_id'))
        batch_op.drop_index('ix_comment_article_status')

    op.drop_table('comment')
