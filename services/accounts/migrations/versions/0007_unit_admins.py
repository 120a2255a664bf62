"""Accounts: grassroots unions administer themselves — the role ``unit_admin`` is bound to one
unit of the user's tenant (``user_role.unit_id``, set exactly for that role), and a member
import job remembers the unit its importer administers (``member_import.unit_id``: null for a
tenant-wide job) so it is applied, listed and read within that branch only.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-10 09:00:00.000000
"""
from alembic import op
import sqlalchemy as sa

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user_role') as batch:
        batch.add_column(sa.Column('unit_id', sa.Uuid(), nullable=True))
        batch.create_foreign_key('fk_user_role_unit_id_unit', 'unit', ['unit_id'], ['id'])
        batch.create_index('ix_user_role_unit_id', ['unit_id'])
    with op.batch_alter_table('member_import') as batch:
        batch.add_column(sa.Column('unit_id', sa.Uuid(), nullable=True))


def downgrade():
    with op.batch_alter_table('member_import') as batch:
        batch.drop_column('unit_id')
    with op.batch_alter_table('user_role') as batch:
        batch.drop_index('ix_user_role_unit_id')
        batch.drop_constraint('fk_user_role_unit_id_unit', type_='foreignkey')
        batch.drop_column('unit_id')
