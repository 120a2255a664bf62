"""The columns of a service's tenant copy, and the migration step that brings a table to them."""

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from platform_shared.database import UTCDateTime


class TenantDirectoryRow:
    """Declarative mixin: ``class TenantCopy(TenantDirectoryRow, Base): __tablename__ = "tenant"``.

    Names and slugs change (renames, the July 2025 merger); ids never do. ``slug`` and
    ``kind`` may be unknown for a row created from a merge event that arrived before
    the tenant's own event.
    """

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), index=True)
    slug: Mapped[str | None] = mapped_column(String(80), index=True)
    name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str | None] = mapped_column(String(40))
    parent_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    status: Mapped[str] = mapped_column(String(20))
    merged_into_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    merged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


# (column, type, nullable, indexed) as TenantDirectoryRow declares them.
_COLUMNS = (
    ("code", String(40), False, True),
    ("slug", String(80), True, True),
    ("name", String(300), False, False),
    ("kind", String(40), True, False),
    ("parent_id", Uuid(), True, True),
    ("status", String(20), False, False),
    ("merged_into_id", Uuid(), True, False),
    ("merged_at", UTCDateTime(), True, False),
    ("updated_at", UTCDateTime(), False, False),
)


def align_tenant_table(op, table):
    """Alembic step: add, widen and index ``table``'s columns to match :class:`TenantDirectoryRow`.

    For services whose tenant copy predates the shared one. Works on SQLite (batch mode)
    and PostgreSQL; columns the table already has keep their data.
    """
    inspector = sa.inspect(op.get_bind())
    have = {c["name"]: c for c in inspector.get_columns(table)}
    indexed = {tuple(i["column_names"]) for i in inspector.get_indexes(table)}
    with op.batch_alter_table(table) as batch:
        for name, type_, nullable, _ in _COLUMNS:
            if name not in have:
                batch.add_column(sa.Column(name, type_, nullable=True))
                if not nullable:
                    raise RuntimeError(f"{table}.{name} is required and cannot be added to existing rows")
            elif isinstance(type_, String):  # the copies differ in lengths: widen
                batch.alter_column(name, existing_type=have[name]["type"], type_=type_, nullable=nullable)
            else:
                batch.alter_column(name, existing_type=have[name]["type"], nullable=nullable)
    for name, _, _, index in _COLUMNS:
        if index and (name,) not in indexed:
            op.create_index(f"ix_{table}_{name}", table, [name])
