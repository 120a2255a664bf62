"""Tables of the weekly quotas: the rules (data with effective dates) and the closed weeks."""

import uuid
from datetime import date, datetime

from sqlalchemy import Date, Integer, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from content.base import Base
from platform_shared.database import JSONType, UTCDateTime


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
