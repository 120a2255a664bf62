"""Royalties: tenant copy, rate tables, article view, received events, items, statements, the ledger.

On PostgreSQL two triggers keep the money ledger append-only: a ledger entry of an
approved (or paid) statement, and any statement line, can be neither changed nor deleted.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 15:51:09.367234
"""
from alembic import op
import sqlalchemy as sa

from platform_shared.database import JSONType, UTCDateTime

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('article',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('author_tenant_id', sa.Uuid(), nullable=False),
    sa.Column('section', sa.String(length=80), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('last_event_at', UTCDateTime(), nullable=False),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_article'))
    )
    op.create_index(op.f('ix_article_tenant_id'), 'article', ['tenant_id'], unique=False)
    op.create_table('ledger_entry',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('item_id', sa.Uuid(), nullable=False),
    sa.Column('statement_id', sa.Uuid(), nullable=True),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('payee_key', sa.String(length=120), nullable=False),
    sa.Column('payee_user_id', sa.Uuid(), nullable=True),
    sa.Column('payee_name', sa.String(length=255), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_entry')),
    sa.UniqueConstraint('item_id', 'kind', name=op.f('uq_ledger_entry_item_id_kind'))
    )
    op.create_index(op.f('ix_ledger_entry_statement_id'), 'ledger_entry', ['statement_id'], unique=False)
    op.create_index(op.f('ix_ledger_entry_tenant_id'), 'ledger_entry', ['tenant_id'], unique=False)
    op.create_table('rate',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('key', sa.String(length=80), server_default=sa.text("''"), nullable=False),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.Column('value', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('min_value', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('threshold', sa.BigInteger(), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.Column('created_by', sa.Uuid(), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rate')),
    sa.UniqueConstraint('kind', 'key', 'effective_from', name=op.f('uq_rate_kind_key_effective_from'))
    )
    op.create_table('received_event',
    sa.Column('event_id', sa.String(length=64), nullable=False),
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('event_type', sa.String(length=64), nullable=False),
    sa.Column('article_id', sa.Uuid(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('occurred_at', UTCDateTime(), nullable=False),
    sa.Column('received_at', UTCDateTime(), nullable=False),
    sa.Column('expected_items', sa.Integer(), server_default=sa.text('0'), nullable=False),
    sa.Column('created_items', sa.Integer(), server_default=sa.text('0'), nullable=False),
    sa.Column('outcome', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('event_id', name=op.f('pk_received_event'))
    )
    op.create_index(op.f('ix_received_event_article_id'), 'received_event', ['article_id'], unique=False)
    op.create_index(op.f('ix_received_event_period'), 'received_event', ['period'], unique=False)
    op.create_index(op.f('ix_received_event_tenant_id'), 'received_event', ['tenant_id'], unique=False)
    op.create_table('royalty_item',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('author_tenant_id', sa.Uuid(), nullable=False),
    sa.Column('article_id', sa.Uuid(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('source_event_id', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('payee_key', sa.String(length=120), nullable=False),
    sa.Column('payee_user_id', sa.Uuid(), nullable=True),
    sa.Column('payee_name', sa.String(length=255), nullable=False),
    sa.Column('asset_id', sa.Uuid(), nullable=True),
    sa.Column('share', sa.Integer(), nullable=False),
    sa.Column('section', sa.String(length=80), nullable=False),
    sa.Column('genre', sa.String(length=32), nullable=False),
    sa.Column('site', sa.String(length=16), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('published_at', UTCDateTime(), nullable=False),
    sa.Column('published_on', sa.Date(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('coefficient', sa.Numeric(precision=6, scale=2), nullable=True),
    sa.Column('adjustments', JSONType, nullable=False),
    sa.Column('unit_value', sa.BigInteger(), nullable=True),
    sa.Column('site_share', sa.Integer(), nullable=True),
    sa.Column('amount', sa.BigInteger(), nullable=True),
    sa.Column('scored_by', sa.Uuid(), nullable=True),
    sa.Column('scored_at', UTCDateTime(), nullable=True),
    sa.Column('statement_id', sa.Uuid(), nullable=True),
    sa.Column('voided_at', UTCDateTime(), nullable=True),
    sa.Column('void_reason', sa.String(length=500), nullable=True),
    sa.Column('reversed_at', UTCDateTime(), nullable=True),
    sa.Column('paid_on', sa.Date(), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_royalty_item')),
    sa.UniqueConstraint('article_id', 'revision', 'payee_key', name=op.f('uq_royalty_item_article_id_revision_payee_key'))
    )
    op.create_index(op.f('ix_royalty_item_article_id'), 'royalty_item', ['article_id'], unique=False)
    op.create_index(op.f('ix_royalty_item_payee_user_id'), 'royalty_item', ['payee_user_id'], unique=False)
    op.create_index(op.f('ix_royalty_item_statement_id'), 'royalty_item', ['statement_id'], unique=False)
    op.create_index(op.f('ix_royalty_item_tenant_id'), 'royalty_item', ['tenant_id'], unique=False)
    op.create_index('ix_royalty_item_tenant_id_status', 'royalty_item', ['tenant_id', 'status'], unique=False)
    op.create_table('statement',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('gross', sa.BigInteger(), nullable=True),
    sa.Column('withheld', sa.BigInteger(), nullable=True),
    sa.Column('net', sa.BigInteger(), nullable=True),
    sa.Column('withholding', JSONType, nullable=True),
    sa.Column('created_by', sa.Uuid(), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('approved_by', sa.Uuid(), nullable=True),
    sa.Column('approved_at', UTCDateTime(), nullable=True),
    sa.Column('paid_on', sa.Date(), nullable=True),
    sa.Column('payment_reference', sa.String(length=120), nullable=True),
    sa.Column('paid_by', sa.Uuid(), nullable=True),
    sa.Column('paid_at', UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_statement'))
    )
    op.create_index(op.f('ix_statement_tenant_id'), 'statement', ['tenant_id'], unique=False)
    op.create_index('uq_statement_tenant_period', 'statement', ['tenant_id', 'period'], unique=True, postgresql_where=sa.text("status <> 'cancelled'"), sqlite_where=sa.text("status <> 'cancelled'"))
    op.create_table('statement_line',
    sa.Column('statement_id', sa.Uuid(), nullable=False),
    sa.Column('payee_key', sa.String(length=120), nullable=False),
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('payee_user_id', sa.Uuid(), nullable=True),
    sa.Column('payee_name', sa.String(length=255), nullable=False),
    sa.Column('entries', sa.Integer(), nullable=False),
    sa.Column('gross', sa.BigInteger(), nullable=False),
    sa.Column('withheld', sa.BigInteger(), nullable=False),
    sa.Column('net', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('statement_id', 'payee_key', name=op.f('pk_statement_line'))
    )
    op.create_index(op.f('ix_statement_line_tenant_id'), 'statement_line', ['tenant_id'], unique=False)
    op.create_table('tenant',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('merged_into_id', sa.Uuid(), nullable=True),
    sa.Column('merged_at', UTCDateTime(), nullable=True),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tenant'))
    )
    op.create_index(op.f('ix_tenant_code'), 'tenant', ['code'], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(APPEND_ONLY)


APPEND_ONLY = """
CREATE FUNCTION royalties_ledger_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_TABLE_NAME = 'statement_line' OR EXISTS (
        SELECT 1 FROM statement WHERE id = OLD.statement_id AND status IN ('approved', 'paid')
    ) THEN
        RAISE EXCEPTION 'the royalties ledger is append-only (% of %)', TG_OP, TG_TABLE_NAME;
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER ledger_entry_append_only BEFORE UPDATE OR DELETE ON ledger_entry
    FOR EACH ROW EXECUTE FUNCTION royalties_ledger_append_only();
CREATE TRIGGER statement_line_append_only BEFORE UPDATE OR DELETE ON statement_line
    FOR EACH ROW EXECUTE FUNCTION royalties_ledger_append_only();
"""


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION royalties_ledger_append_only() CASCADE")
    op.drop_index(op.f('ix_tenant_code'), table_name='tenant')
    op.drop_table('tenant')
    op.drop_index(op.f('ix_statement_line_tenant_id'), table_name='statement_line')
    op.drop_table('statement_line')
    op.drop_index('uq_statement_tenant_period', table_name='statement', postgresql_where=sa.text("status <> 'cancelled'"), sqlite_where=sa.text("status <> 'cancelled'"))
    op.drop_index(op.f('ix_statement_tenant_id'), table_name='statement')
    op.drop_table('statement')
    op.drop_index('ix_royalty_item_tenant_id_status', table_name='royalty_item')
    op.drop_index(op.f('ix_royalty_item_tenant_id'), table_name='royalty_item')
    op.drop_index(op.f('ix_royalty_item_statement_id'), table_name='royalty_item')
    op.drop_index(op.f('ix_royalty_item_payee_user_id'), table_name='royalty_item')
    op.drop_index(op.f('ix_royalty_item_article_id'), table_name='royalty_item')
    op.drop_table('royalty_item')
    op.drop_index(op.f('ix_received_event_tenant_id'), table_name='received_event')
    op.drop_index(op.f('ix_received_event_period'), table_name='received_event')
    op.drop_index(op.f('ix_received_event_article_id'), table_name='received_event')
    op.drop_table('received_event')
    op.drop_table('rate')
    op.drop_index(op.f('ix_ledger_entry_tenant_id'), table_name='ledger_entry')
    op.drop_index(op.f('ix_ledger_entry_statement_id'), table_name='ledger_entry')
    op.drop_table('ledger_entry')
    op.drop_index(op.f('ix_article_tenant_id'), table_name='article')
    op.drop_table('article')
