"""The sections: three central ones (the platform's, reviewed by a desk tenant) and each
tenant's own sub-site sections."""

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, Index, Integer, String, Uuid, text
from sqlalchemy.orm import Mapped, mapped_column

from content.base import Base
from platform_shared.database import UTCDateTime, new_id


class Section(Base):
    __tablename__ = "section"
    __table_args__ = (
        CheckConstraint("scope = 'central' OR tenant_id IS NOT NULL", name="tenant_owned"),
        Index(
            "uq_section_central_key",
            "key",
            unique=True,
            postgresql_where=text("scope = 'central'"),
            sqlite_where=text("scope = 'central'"),
        ),
        Index(
            "uq_section_component_key",
            "tenant_id",
            "key",
            unique=True,
            postgresql_where=text("scope = 'component'"),
            sqlite_where=text("scope = 'component'"),
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    tenant_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    scope: Mapped[str] = mapped_column(String(16))  # central, component
    key: Mapped[str] = mapped_column(String(60))
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str | None] = mapped_column(String(500))
    desk_code: Mapped[str | None] = mapped_column(String(32))
    menu_order: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    status: Mapped[str] = mapped_column(String(16), server_default=text("'active'"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
