"""Tables of the royalties service (the platform tables live in platform_shared.tables).

Every tenant-owned row has ``tenant_id`` (the *paying* tenant: the desk that owns the
section, or the tenant whose component sub-site carried the item). Two tables are not
tenant-owned, on purpose: ``tenant`` is this service's copy of the accounts
directory, and ``rate`` holds the legal rate tables, which are the same for everyone.

``ledger_entry`` and ``statement_line`` are the append-only money ledger: a charge is
written when a statement is approved, a reversal when an approved item is withdrawn.
On PostgreSQL a trigger (migration 0002) refuses to change or delete a ledger row of an
approved or paid statement, and any statement line at all.
"""

import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import BigInteger, Date, Index, Integer, Numeric, String, UniqueConstraint, Uuid, text
from sqlalchemy.orm import Mapped, mapped_column

from platform_shared.database import BigId, JSONType, UTCDateTime, make_base, new_id
from platform_shared.tenant_directory import TenantDirectoryRow

Base = make_base()


class TenantCopy(TenantDirectoryRow, Base):
    """The service's copy of the tenant directory (desks are found by code; merges are followed)."""

    __tablename__ = "tenant"


class Rate(Base):
    """One value of a rate table, in force from ``effective_from`` until the next row of the same kind and key.

    kinds: ``unit_value`` (VND), ``genre_max`` (key: genre), ``coefficient_cap``,
    ``subsite_share`` (percent; key: section or ``*``), ``adjustment`` (percent range;
    key: translation, children_or_minorities, difficult_conditions), ``withholding``
    (percent of a payee's statement gross of ``threshold`` VND or more).
    """

    __tablename__ = "rate"
    __table_args__ = (UniqueConstraint("kind", "key", "effective_from"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(32))
    key: Mapped[str] = mapped_column(String(80), server_default=text("''"))
    effective_from: Mapped[date] = mapped_column(Date)
    value: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    min_value: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    threshold: Mapped[int | None] = mapped_column(BigInteger)
    note: Mapped[str | None] = mapped_column(String(500))
    created_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Article(Base):
    """Royalties' view of an article: who pays for it and whether it is out, to order late events."""

    __tablename__ = "article"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    author_tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    section: Mapped[str] = mapped_column(String(80))
    status: Mapped[str] = mapped_column(String(16))
    last_event_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ReceivedEvent(Base):
    """Every content event handled, with what came of it (the reconciliation reads this)."""

    __tablename__ = "received_event"

    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    event_type: Mapped[str] = mapped_column(String(64))
    article_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    revision: Mapped[int] = mapped_column(Integer)
    period: Mapped[str] = mapped_column(String(7), index=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expected_items: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    created_items: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    outcome: Mapped[str] = mapped_column(String(32))


class Item(Base):
    """One payee's royalty for one counted revision of an article (an author share or a photo)."""

    __tablename__ = "royalty_item"
    __table_args__ = (
        UniqueConstraint("article_id", "revision", "payee_key"),
        Index("ix_royalty_item_tenant_id_status", "tenant_id", "status"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    author_tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    article_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    revision: Mapped[int] = mapped_column(Integer)
    source_event_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))
    payee_key: Mapped[str] = mapped_column(String(120))
    payee_user_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    payee_name: Mapped[str] = mapped_column(String(255))
    asset_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    share: Mapped[int] = mapped_column(Integer)
    section: Mapped[str] = mapped_column(String(80))
    genre: Mapped[str] = mapped_column(String(32))
    site: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(300))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime())
    published_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16))
    coefficient: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    adjustments: Mapped[list] = mapped_column(JSONType, default=list)
    unit_value: Mapped[int | None] = mapped_column(BigInteger)
    site_share: Mapped[int | None] = mapped_column(Integer)
    amount: Mapped[int | None] = mapped_column(BigInteger)
    scored_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    scored_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    statement_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    void_reason: Mapped[str | None] = mapped_column(String(500))
    reversed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    paid_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Statement(Base):
    """A tenant's monthly statement: draft → approved → paid (``cancelled`` only when its tenant merged away)."""

    __tablename__ = "statement"
    __table_args__ = (
        Index(
            "uq_statement_tenant_period",
            "tenant_id",
            "period",
            unique=True,
            postgresql_where=text("status <> 'cancelled'"),
            sqlite_where=text("status <> 'cancelled'"),
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    period: Mapped[str] = mapped_column(String(7))
    status: Mapped[str] = mapped_column(String(16))
    gross: Mapped[int | None] = mapped_column(BigInteger)
    withheld: Mapped[int | None] = mapped_column(BigInteger)
    net: Mapped[int | None] = mapped_column(BigInteger)
    withholding: Mapped[dict | None] = mapped_column(JSONType)
    created_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    approved_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    paid_on: Mapped[date | None] = mapped_column(Date)
    payment_reference: Mapped[str | None] = mapped_column(String(120))
    paid_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class StatementLine(Base):
    """One payee's line of an approved statement; written once at approval, never changed."""

    __tablename__ = "statement_line"

    statement_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    payee_key: Mapped[str] = mapped_column(String(120), primary_key=True)
    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    payee_user_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    payee_name: Mapped[str] = mapped_column(String(255))
    entries: Mapped[int] = mapped_column(Integer)
    gross: Mapped[int] = mapped_column(BigInteger)
    withheld: Mapped[int] = mapped_column(BigInteger)
    net: Mapped[int] = mapped_column(BigInteger)


class LedgerEntry(Base):
    """Money, append-only: a charge per approved item, a (negative) reversal per withdrawn approved item."""

    __tablename__ = "ledger_entry"
    __table_args__ = (UniqueConstraint("item_id", "kind"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    item_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    statement_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    kind: Mapped[str] = mapped_column(String(16))
    payee_key: Mapped[str] = mapped_column(String(120))
    payee_user_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    payee_name: Mapped[str] = mapped_column(String(255))
    amount: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
