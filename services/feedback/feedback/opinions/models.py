"""Tables of the opinions: topics and the members' opinions on them."""

import uuid
from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from feedback.models import Base
from platform_shared.database import UTCDateTime


class OpinionTopic(Base):
    """A topic on which members give their opinions; the VGCL's topics are open to every member."""

    __tablename__ = "opinion_topic"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    national: Mapped[bool] = mapped_column(Boolean, default=False)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20))
    opens_on: Mapped[date | None] = mapped_column(Date)  # None: from its creation
    closes_on: Mapped[date | None] = mapped_column(Date)
    created_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Opinion(Base):
    """A member's opinion on a topic; ``tenant_id`` is the topic owner's (who moderates and answers)."""

    __tablename__ = "opinion"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    topic_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("opinion_topic.id"), index=True)
    author_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    author_tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20))
    answer: Mapped[str | None] = mapped_column(Text)
    answered_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    moderated_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    moderated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
