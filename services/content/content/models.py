"""Tables of the content service.

Every tenant-owned row has ``tenant_id``. Two exceptions, on purpose: ``tenant``
is this service's copy of the accounts service's tenant directory (kept from
events), and the three *central* sections belong to the platform (their desk is
named by ``desk_code``), not to a tenant.
"""

import uuid
from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    Uuid,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from platform_shared.database import JSONType, UTCDateTime, make_base, new_id

Base = make_base()


class TenantCopy(Base):
    """What content needs to know of a tenant (from ``accounts.tenant_*`` events and a periodic sync)."""

    __tablename__ = "tenant"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), index=True)
    slug: Mapped[str] = mapped_column(String(80), index=True)
    name: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(32))
    parent_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    status: Mapped[str] = mapped_column(String(16))
    merged_into_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    merged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


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
    desk_code: Mapped[str | None] = mapped_column(String(32))
    menu_order: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    status: Mapped[str] = mapped_column(String(16), server_default=text("'active'"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


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


class Document(Base):
    """A document of the executive information system going down: directives, decisions, guidance."""

    __tablename__ = "document"
    __table_args__ = (UniqueConstraint("tenant_id", "number"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)  # the issuing tenant
    number: Mapped[str] = mapped_column(String(60))
    doc_type: Mapped[str] = mapped_column(String(32))
    issuer: Mapped[str] = mapped_column(String(255))
    abstract: Mapped[str] = mapped_column(Text)
    issued_on: Mapped[date] = mapped_column(Date)
    effective_on: Mapped[date | None] = mapped_column(Date)
    asset_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    all_tenants: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    status: Mapped[str] = mapped_column(String(16), server_default=text("'active'"))
    created_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    search_exact: Mapped[str] = mapped_column(Text, server_default=text("''"))
    search_folded: Mapped[str] = mapped_column(Text, server_default=text("''"))


class DocumentRecipient(Base):
    """A tenant a document is addressed to, and when someone there first read it."""

    __tablename__ = "document_recipient"

    document_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("document.id"), primary_key=True)
    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    read_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)


class QuotaRule(Base):
    """A weekly submission rule, as data with effective dates."""

    __tablename__ = "quota_rule"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    tenant_kinds: Mapped[list] = mapped_column(JSONType)
    section: Mapped[str] = mapped_column(String(60))
    min_items: Mapped[int] = mapped_column(Integer)
    min_photos_per_item: Mapped[int] = mapped_column(Integer)
    effective_from: Mapped[date] = mapped_column(Date)
    effective_to: Mapped[date | None] = mapped_column(Date)
    label: Mapped[str] = mapped_column(String(200))


class QuotaClosure(Base):
    """A week closed for a tenant and rule; its ``content.quota_missed`` fact is written once."""

    __tablename__ = "quota_closure"

    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    week: Mapped[str] = mapped_column(String(8), primary_key=True)
    rule_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    status: Mapped[str] = mapped_column(String(16))
    submitted: Mapped[int] = mapped_column(Integer)
    required: Mapped[int] = mapped_column(Integer)
    closed_at: Mapped[datetime] = mapped_column(UTCDateTime())
