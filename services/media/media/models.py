"""Tables of the media service. Every row has ``tenant_id``."""

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint, Uuid, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from platform_shared.database import JSONType, UTCDateTime, make_base, new_id

Base = make_base()


class Asset(Base):
    """A stored photo, video or document and its renditions.

    ``renditions`` maps a rendition name to ``{key, size, sha256, content_type,
    width, height}``. ``sha256`` is of the bytes as uploaded (one tenant uploading
    the same file twice gets the same asset back). A photo is stored with its clean
    original (and ``medium`` when the original is not larger: the same object); the
    media worker adds the others after the upload is answered — ``rendition_status``
    is ``pending`` until then, ``ready`` after (``failed``: the original could not be
    decoded; the original stands in for every rendition).
    """

    __tablename__ = "asset"
    __table_args__ = (
        Index(
            "uq_asset_tenant_sha256_stored",
            "tenant_id",
            "sha256",
            unique=True,
            postgresql_where=text("status = 'stored'"),
            sqlite_where=text("status = 'stored'"),
        ),
        Index("ix_asset_status_created", "status", "created_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    kind: Mapped[str] = mapped_column(String(16))
    format: Mapped[str] = mapped_column(String(16))
    content_type: Mapped[str] = mapped_column(String(120))
    filename: Mapped[str | None] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    renditions: Mapped[dict] = mapped_column(JSONType)
    rendition_status: Mapped[str] = mapped_column(String(16), server_default=text("'ready'"))
    caption: Mapped[str | None] = mapped_column(Text)
    alt_text: Mapped[str | None] = mapped_column(String(500))
    credit_user_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    credit_name: Mapped[str | None] = mapped_column(String(200))
    source: Mapped[str | None] = mapped_column(String(300))
    rights: Mapped[str | None] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(16))  # stored, removed, purged
    uploaded_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    removal_reason: Mapped[str | None] = mapped_column(String(200))
    purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    references: Mapped[list["AssetReference"]] = relationship(
        back_populates="asset", lazy="selectin", order_by="AssetReference.created_at"
    )

    @property
    def active_references(self):
        return [r for r in self.references if r.released_at is None]

    @property
    def public(self):
        return any(r.published for r in self.active_references)


class AssetReference(Base):
    """Something that uses an asset (an article, a legal document...); published ones make it public,
    and one under review shows it to the reviewing desk (``reviewer_tenant_id``)."""

    __tablename__ = "asset_reference"
    __table_args__ = (UniqueConstraint("asset_id", "ref_kind", "ref_id"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    asset_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("asset.id"), index=True)
    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    ref_kind: Mapped[str] = mapped_column(String(32))
    ref_id: Mapped[str] = mapped_column(String(64))
    published: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    # The tenant whose desk reviews what uses the asset (``policy.reviews``); None: no other desk.
    reviewer_tenant_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    asset: Mapped[Asset] = relationship(back_populates="references")
