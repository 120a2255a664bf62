"""Content: tenant copy, sections, articles with revisions and activity, documents, quota rules.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 14:10:10.809994
"""
from alembic import op
import sqlalchemy as sa

from platform_shared.database import JSONType, UTCDateTime

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('document',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('number', sa.String(length=60), nullable=False),
    sa.Column('doc_type', sa.String(length=32), nullable=False),
    sa.Column('issuer', sa.String(length=255), nullable=False),
    sa.Column('abstract', sa.Text(), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('effective_on', sa.Date(), nullable=True),
    sa.Column('asset_id', sa.Uuid(), nullable=True),
    sa.Column('all_tenants', sa.Boolean(), server_default=sa.text('false'), nullable=False),
    sa.Column('status', sa.String(length=16), server_default=sa.text("'active'"), nullable=False),
    sa.Column('created_by', sa.Uuid(), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.Column('search_exact', sa.Text(), server_default=sa.text("''"), nullable=False),
    sa.Column('search_folded', sa.Text(), server_default=sa.text("''"), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document')),
    sa.UniqueConstraint('tenant_id', 'number', name=op.f('uq_document_tenant_id_number'))
    )
    op.create_index(op.f('ix_document_tenant_id'), 'document', ['tenant_id'])

    op.create_table('quota_closure',
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('week', sa.String(length=8), nullable=False),
    sa.Column('rule_id', sa.String(length=40), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('submitted', sa.Integer(), nullable=False),
    sa.Column('required', sa.Integer(), nullable=False),
    sa.Column('closed_at', UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('tenant_id', 'week', 'rule_id', name=op.f('pk_quota_closure'))
    )
    op.create_table('quota_rule',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('tenant_kinds', JSONType, nullable=False),
    sa.Column('section', sa.String(length=60), nullable=False),
    sa.Column('min_items', sa.Integer(), nullable=False),
    sa.Column('min_photos_per_item', sa.Integer(), nullable=False),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.Column('effective_to', sa.Date(), nullable=True),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quota_rule'))
    )
    op.create_table('section',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('tenant_id', sa.Uuid(), nullable=True),
    sa.Column('scope', sa.String(length=16), nullable=False),
    sa.Column('key', sa.String(length=60), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('desk_code', sa.String(length=32), nullable=True),
    sa.Column('menu_order', sa.Integer(), server_default=sa.text('0'), nullable=False),
    sa.Column('status', sa.String(length=16), server_default=sa.text("'active'"), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.CheckConstraint("scope = 'central' OR tenant_id IS NOT NULL", name=op.f('ck_section_tenant_owned')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_section'))
    )
    op.create_index(op.f('ix_section_tenant_id'), 'section', ['tenant_id'])
    op.create_index('uq_section_central_key', 'section', ['key'], unique=True, postgresql_where=sa.text("scope = 'central'"), sqlite_where=sa.text("scope = 'central'"))
    op.create_index('uq_section_component_key', 'section', ['tenant_id', 'key'], unique=True, postgresql_where=sa.text("scope = 'component'"), sqlite_where=sa.text("scope = 'component'"))

    op.create_table('tenant',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('parent_id', sa.Uuid(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('merged_into_id', sa.Uuid(), nullable=True),
    sa.Column('merged_at', UTCDateTime(), nullable=True),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tenant'))
    )
    op.create_index(op.f('ix_tenant_code'), 'tenant', ['code'])
    op.create_index(op.f('ix_tenant_slug'), 'tenant', ['slug'])

    op.create_table('article',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('origin_tenant_id', sa.Uuid(), nullable=False),
    sa.Column('section_id', sa.Uuid(), nullable=False),
    sa.Column('site', sa.String(length=16), nullable=False),
    sa.Column('site_key', sa.String(length=40), nullable=False),
    sa.Column('genre', sa.String(length=32), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('slug', sa.String(length=120), nullable=False),
    sa.Column('summary', sa.Text(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('topic', sa.String(length=200), nullable=True),
    sa.Column('tags', JSONType, nullable=False),
    sa.Column('authors', JSONType, nullable=False),
    sa.Column('asset_ids', JSONType, nullable=False),
    sa.Column('photo_credits', JSONType, nullable=False),
    sa.Column('photo_count', sa.Integer(), server_default=sa.text('0'), nullable=False),
    sa.Column('word_count', sa.Integer(), server_default=sa.text('0'), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('published_revision', sa.Integer(), nullable=True),
    sa.Column('locked_by', sa.Uuid(), nullable=True),
    sa.Column('locked_until', UTCDateTime(), nullable=True),
    sa.Column('publish_at', UTCDateTime(), nullable=True),
    sa.Column('published_at', UTCDateTime(), nullable=True),
    sa.Column('first_published_at', UTCDateTime(), nullable=True),
    sa.Column('first_submitted_at', UTCDateTime(), nullable=True),
    sa.Column('submitted_at', UTCDateTime(), nullable=True),
    sa.Column('reject_reason', sa.Text(), nullable=True),
    sa.Column('unpublish_reason', sa.Text(), nullable=True),
    sa.Column('created_by', sa.Uuid(), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.Column('search_exact', sa.Text(), server_default=sa.text("''"), nullable=False),
    sa.Column('search_folded', sa.Text(), server_default=sa.text("''"), nullable=False),
    sa.ForeignKeyConstraint(['section_id'], ['section.id'], name=op.f('fk_article_section_id_section')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_article')),
    sa.UniqueConstraint('site_key', 'slug', name=op.f('uq_article_site_key_slug'))
    )
    op.create_index('ix_article_public', 'article', ['status', 'published_at'])
    op.create_index('ix_article_section_published', 'article', ['section_id', 'status', 'published_at'])
    op.create_index('ix_article_tenant_published', 'article', ['tenant_id', 'status', 'published_at'])
    if op.get_bind().dialect.name == "postgresql":
        # Trigram index for search's LIKE on the folded text (pg_trgm is a trusted extension).
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.create_index('ix_article_search_folded', 'article', ['search_folded'], postgresql_using='gin',
                    postgresql_ops={'search_folded': 'gin_trgm_ops'})
    op.create_index('ix_article_quota', 'article', ['origin_tenant_id', 'first_submitted_at'])
    op.create_index(op.f('ix_article_section_id'), 'article', ['section_id'])
    op.create_index('ix_article_status_publish_at', 'article', ['status', 'publish_at'])
    op.create_index(op.f('ix_article_tenant_id'), 'article', ['tenant_id'])

    op.create_table('document_recipient',
    sa.Column('document_id', sa.Uuid(), nullable=False),
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('read_at', UTCDateTime(), nullable=True),
    sa.Column('read_by', sa.Uuid(), nullable=True),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], name=op.f('fk_document_recipient_document_id_document')),
    sa.PrimaryKeyConstraint('document_id', 'tenant_id', name=op.f('pk_document_recipient'))
    )
    op.create_table('article_activity',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('article_id', sa.Uuid(), nullable=False),
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('from_status', sa.String(length=16), nullable=False),
    sa.Column('to_status', sa.String(length=16), nullable=False),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('actor_id', sa.Uuid(), nullable=True),
    sa.Column('at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['article.id'], name=op.f('fk_article_activity_article_id_article')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_article_activity'))
    )
    op.create_index(op.f('ix_article_activity_article_id'), 'article_activity', ['article_id'])
    op.create_index(op.f('ix_article_activity_tenant_id'), 'article_activity', ['tenant_id'])

    op.create_table('article_revision',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('article_id', sa.Uuid(), nullable=False),
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('summary', sa.Text(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('genre', sa.String(length=32), nullable=False),
    sa.Column('topic', sa.String(length=200), nullable=True),
    sa.Column('tags', JSONType, nullable=False),
    sa.Column('authors', JSONType, nullable=False),
    sa.Column('asset_ids', JSONType, nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('new_work', sa.Boolean(), server_default=sa.text('false'), nullable=False),
    sa.Column('created_by', sa.Uuid(), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['article.id'], name=op.f('fk_article_revision_article_id_article')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_article_revision')),
    sa.UniqueConstraint('article_id', 'number', name=op.f('uq_article_revision_article_id_number'))
    )
    op.create_index(op.f('ix_article_revision_article_id'), 'article_revision', ['article_id'])
    op.create_index(op.f('ix_article_revision_tenant_id'), 'article_revision', ['tenant_id'])



def downgrade():
    op.drop_index(op.f('ix_article_revision_tenant_id'), table_name='article_revision')
    op.drop_index(op.f('ix_article_revision_article_id'), table_name='article_revision')

    op.drop_table('article_revision')
    op.drop_index(op.f('ix_article_activity_tenant_id'), table_name='article_activity')
    op.drop_index(op.f('ix_article_activity_article_id'), table_name='article_activity')

    op.drop_table('article_activity')
    op.drop_table('document_recipient')
    op.drop_index(op.f('ix_article_tenant_id'), table_name='article')
    op.drop_index('ix_article_status_publish_at', table_name='article')
    op.drop_index(op.f('ix_article_section_id'), table_name='article')
    op.drop_index('ix_article_quota', table_name='article')
    op.drop_index('ix_article_public', table_name='article')

    op.drop_table('article')
    op.drop_index(op.f('ix_tenant_slug'), table_name='tenant')
    op.drop_index(op.f('ix_tenant_code'), table_name='tenant')

    op.drop_table('tenant')
    op.drop_index('uq_section_component_key', postgresql_where=sa.text("scope = 'component'"), sqlite_where=sa.text("scope = 'component'"), table_name='section')
    op.drop_index('uq_section_central_key', postgresql_where=sa.text("scope = 'central'"), sqlite_where=sa.text("scope = 'central'"), table_name='section')
    op.drop_index(op.f('ix_section_tenant_id'), table_name='section')

    op.drop_table('section')
    op.drop_table('quota_rule')
    op.drop_table('quota_closure')
    op.drop_index(op.f('ix_document_tenant_id'), table_name='document')

    op.drop_table('document')
