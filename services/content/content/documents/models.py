"""Tables of the legal-document library: documents going down and their read receipts."""

import uuid
from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, String, Text, UniqueConstraint, Uuid, text
from sqlalchemy.orm import Mapped, mapped_column

from content.base import Base
from platform_shared.database import UTCDateTime, new_id


class Document(Base):
    """A document of the executive information system going down: directives, decisions, guidance."""

    __tablename__ = "document"
    __table_args__ = (
        UniqueConstraint("tenant_id", "number"),
        Index("ix_document_public", "public", "status", "issued_on"),  # the portal's library, newest first
    )

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
    public: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))  # in the portal's library
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
