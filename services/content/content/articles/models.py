"""Tables of the articles: the article, its numbered revisions and its workflow history."""

import uuid
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint, Uuid, text
from sqlalchemy.orm import Mapped, mapped_column

from content.base import Base
from platform_shared.database import JSONType, UTCDateTime, new_id


class Article(Base):
    __tablename__ = "article"
    __table_args__ = (
        UniqueConstraint("site_key", "slug"),
        Index("ix_article_status_publish_at", "status", "publish_at"),
        Index("ix_article_public", "status", "published_at"),
        Index("ix_article_section_published", "section_id", "status", "published_at"),
        Index("ix_article_tenant_published", "tenant_id", "status", "published_at"),
        # Trigram index: the folded-text LIKE of search uses it on PostgreSQL (see the migration).
        Index(
            "ix_article_search_folded",
            "search_folded",
            postgresql_using="gin",
            postgresql_ops={"search_folded": "gin_trgm_ops"},
        ),
        Index("ix_article_quota", "origin_tenant_id", "first_submitted_at"),
        # The desks' queues: a section's items of a status, longest unchanged first.
        Index("ix_article_desk_queue", "section_id", "status", "updated_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    origin_tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid)  # kept through merges: quota history
    section_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("section.id"), index=True)
    site: Mapped[str] = mapped_column(String(16))  # portal, component
    site_key: Mapped[str] = mapped_column(String(40))  # "portal" or the tenant id: where the slug is unique
    genre: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(300))
    slug: Mapped[str] = mapped_column(String(120))
    summary: Mapped[str | None] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    topic: Mapped[str | None] = mapped_column(String(200))
    tags: Mapped[list] = mapped_column(JSONType)
    authors: Mapped[list] = mapped_column(JSONType)
    asset_ids: Mapped[list] = mapped_column(JSONType)
    photo_credits: Mapped[list] = mapped_column(JSONType)
    photo_count: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    word_count: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    status: Mapped[str] = mapped_column(String(16))
    revision: Mapped[int] = mapped_column(Integer)
    published_revision: Mapped[int | None] = mapped_column(Integer)
    locked_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    locked_by_name: Mapped[str | None] = mapped_column(String(200))  # shown to the other editors
    publish_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    first_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    first_submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reject_reason: Mapped[str | None] = mapped_column(Text)
    unpublish_reason: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    search_exact: Mapped[str] = mapped_column(Text, server_default=text("''"))
    search_folded: Mapped[str] = mapped_column(Text, server_default=text("''"))


class ArticleRevision(Base):
    """Every edit of an article, numbered; corrections of a published item are revisions too."""

    __tablename__ = "article_revision"
    __table_args__ = (UniqueConstraint("article_id", "number"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    article_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("article.id"), index=True)
    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    number: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))  # created, edit, correction
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str | None] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    genre: Mapped[str] = mapped_column(String(32))
    topic: Mapped[str | None] = mapped_column(String(200))
    tags: Mapped[list] = mapped_column(JSONType)
    authors: Mapped[list] = mapped_column(JSONType)
    asset_ids: Mapped[list] = mapped_column(JSONType)
    note: Mapped[str | None] = mapped_column(Text)
    new_work: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    created_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ArticleActivity(Base):
    """The workflow's history: who moved the article where, with comments and reasons."""

    __tablename__ = "article_activity"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    article_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("article.id"), index=True)
    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    action: Mapped[str] = mapped_column(String(16))
    from_status: Mapped[str] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    comment: Mapped[str | None] = mapped_column(Text)
    actor_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
