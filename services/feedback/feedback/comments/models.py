"""Tables of the comments: the comments, their reports and the per-section settings."""

import uuid
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from feedback.models import Base
from platform_shared.database import UTCDateTime


class Comment(Base):
    """A reader's comment on a published article; ``tenant_id`` is the article's tenant."""

    __tablename__ = "comment"
    __table_args__ = (Index("ix_comment_article_status", "article_id", "status"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    article_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    # The article as content showed it when the comment was posted: its moderators' queue names it.
    article_title: Mapped[str | None] = mapped_column(String(300))
    article_slug: Mapped[str | None] = mapped_column(String(120))
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
