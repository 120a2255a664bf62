"""Tables of the feedback service (the platform tables live in platform_shared.tables).

Every tenant-owned row has ``tenant_id`` NOT NULL and indexed. ``feedback_tenant`` is the
service's copy of the accounts tenant directory (names, parents, merges) plus the
per-tenant answer deadline; ``holiday`` and ``comment_setting`` are platform reference data.
"""

import uuid
from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from platform_shared.database import UTCDateTime, make_base

Base = make_base()


class TenantCopy(Base):
    """The accounts tenant directory as far as feedback needs it (routing, escalation, names)."""

    __tablename__ = "feedback_tenant"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    code: Mapped[str] = mapped_column(String(40))
    slug: Mapped[str] = mapped_column(String(80), index=True)
    name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(40))
    parent_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    status: Mapped[str] = mapped_column(String(20))
    merged_into_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    answer_days: Mapped[int | None] = mapped_column(Integer, doc="working days to answer; None: the default")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Holiday(Base):
    """A public holiday (day off) — or, with ``working_day``, a weekend day worked in exchange."""

    __tablename__ = "holiday"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    working_day: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class TrackingSequence(Base):
    """The last tracking number handed out on a local day."""

    __tablename__ = "tracking_sequence"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    last: Mapped[int] = mapped_column(Integer)


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


class OpinionTopic(Base):
    """A topic on which members give their opinions; the VGCL's topics are open to every member."""

    __tablename__ = "opinion_topic"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    national: Mapped[bool] = mapped_column(Boolean, default=False)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20))
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


class Comment(Base):
    """A reader's comment on a published article; ``tenant_id`` is the article's tenant."""

    __tablename__ = "comment"
    __table_args__ = (Index("ix_comment_article_status", "article_id", "status"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    article_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    section: Mapped[str] = mapped_column(String(60))
    site_key: Mapped[str] = mapped_column(String(40))
    author_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    author_name: Mapped[str] = mapped_column(String(120))
    guest: Mapped[bool] = mapped_column(Boolean, default=False)
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20))
    hidden_reason: Mapped[str | None] = mapped_column(String(40))
    report_count: Mapped[int] = mapped_column(Integer, default=0)
    moderated_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    moderated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class CommentReport(Base):
    """One user's report of a comment (a user counts once)."""

    __tablename__ = "comment_report"

    comment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("comment.id"), primary_key=True)
    reporter_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    reason: Mapped[str | None] = mapped_column(String(500))
    at: Mapped[datetime] = mapped_column(UTCDateTime())


class CommentSetting(Base):
    """Per section: comments held for a moderator first (default) and whether guests may comment.

    ``site_key`` is ``portal`` for the central sections and the tenant id for a sub-site's own."""

    __tablename__ = "comment_setting"

    site_key: Mapped[str] = mapped_column(String(40), primary_key=True)
    section: Mapped[str] = mapped_column(String(60), primary_key=True)
    premoderated: Mapped[bool] = mapped_column(Boolean)
    guests_allowed: Mapped[bool] = mapped_column(Boolean)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class RateCounter(Base):
    """Requests per key (``comment:user:<id>``, ``comment:addr:<ip>``…) in a fixed window."""

    __tablename__ = "rate_counter"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    window_started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    count: Mapped[int] = mapped_column(Integer)
