"""Media: asset.rendition_status — a photo's renditions are made after its upload is answered.

``pending`` from the upload until the media worker (``handle_asset_stored``) has stored them,
then ``ready`` (``failed`` when the stored original cannot be decoded). Rows from before are
``ready``: their renditions were made on the request path.

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
    op.add_column(
        "asset", sa.Column("rendition_status", sa.String(16), nullable=False, server_default=sa.text("'ready'"))
    )


def downgrade():
    with op.batch_alter_table("asset") as batch:
        batch.drop_column("rendition_status")
