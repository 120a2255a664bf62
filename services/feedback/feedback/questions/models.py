"""Tables of the questions: the question, its history and the tracking-number sequence."""

import uuid
from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from feedback.models import Base
from platform_shared.database import UTCDateTime


class Question(Base):
    __tablename__ = "question"
    __table_args__ = (Index("ix_question_open_due", "status", "due_at"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    origin_tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    escalated_to_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    tracking_code: Mapped[str] = mapped_column(String(32), unique=True)
    category: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    public_title: Mapped[str | None] = mapped_column(String(200))
    public_body: Mapped[str | None] = mapped_column(Text)
    asker_user_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    guest_name: Mapped[str | None] = mapped_column(String(120))
    guest_phone: Mapped[str | None] = mapped_column(String(20))
    guest_email: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20))
    assigned_to: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    answer: Mapped[str | None] = mapped_column(Text)
    answered_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    public: Mapped[bool] = mapped_column(Boolean, default=False)
    reject_reason: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    overdue_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    search_exact: Mapped[str] = mapped_column(Text, default=" ")
    search_folded: Mapped[str] = mapped_column(Text, default=" ")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class QuestionActivity(Base):
    """The history of a question; it travels with the question through transfers and merges."""

    __tablename__ = "question_activity"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    question_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("question.id"), index=True)
    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True, doc="the tenant that held the question then")
    action: Mapped[str] = mapped_column(String(20))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)
    actor_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    at: Mapped[datetime] = mapped_column(UTCDateTime())


class TrackingSequence(Base):
    """The last tracking number handed out on a local day."""

    __tablename__ = "tracking_sequence"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    last: Mapped[int] = mapped_column(Integer)
