"""The notifications service's one table (the platform tables live in platform_shared.tables).

A notification belongs to one person (``user_id``) of one tenant (``tenant_id``: the tenant the
person belonged to when it was made). ``(user_id, source_event_id, kind)`` is unique: an event
delivered twice, or handled again after a crash, never tells anyone twice.
"""

import uuid
from datetime import datetime

from sqlalchemy import Index, String, Text, UniqueConstraint, Uuid, text
from sqlalchemy.orm import Mapped, mapped_column

from platform_shared.database import UTCDateTime, make_base

Base = make_base()


class Notification(Base):
    __tablename__ = "notification"
    __table_args__ = (
        UniqueConstraint("user_id", "source_event_id", "kind"),
        # The person's list, newest first.
        Index("ix_notification_user_created", "user_id", "created_at"),
        # The header's count on every workspace page: the unread rows of one person only.
        Index(
            "ix_notification_unread",
            "user_id",
            postgresql_where=text("read_at IS NULL"),
            sqlite_where=text("read_at IS NULL"),
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    user_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    kind: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    link: Mapped[str] = mapped_column(String(500))
    source_event_id: Mapped[str] = mapped_column(String(64))
    source_event_type: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
