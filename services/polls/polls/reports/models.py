"""Tables of the semiannual reports (registered on the polls service's Base).

* ``semiannual_report``: one row per tenant and half-year, made when someone first opens
  it (a draft); on submission its figures are frozen in ``figures``.
* ``report_reminder``: the reminder fact written once per tenant and period.
* ``report_tenant_merge``: merges taken from ``accounts.tenant_merged`` (report attribution).
"""

import uuid
from datetime import datetime

from sqlalchemy import String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from platform_shared.database import JSONType, UTCDateTime
from polls.models import Base


class SemiannualReport(Base):
    __tablename__ = "semiannual_report"
    __table_args__ = (UniqueConstraint("tenant_id", "period"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    period: Mapped[str] = mapped_column(String(7))  # 2026-H1
    status: Mapped[str] = mapped_column(String(16))  # draft, submitted, merged
    evaluation: Mapped[str | None] = mapped_column(Text)
    signer_title: Mapped[str | None] = mapped_column(String(120))  # the signature block (migration 0006)
    signer_name: Mapped[str | None] = mapped_column(String(120))
    figures: Mapped[dict | None] = mapped_column(JSONType)  # the frozen snapshot, once submitted
    tenant_name: Mapped[str | None] = mapped_column(String(255))  # as it was at submission
    compiled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    submitted_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ReportReminder(Base):
    """A reminder sent to a tenant for a period (the key makes it once only)."""

    __tablename__ = "report_reminder"

    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    period: Mapped[str] = mapped_column(String(7), primary_key=True)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ReportTenantMerge(Base):
    """``tenant_id`` was merged into ``into_tenant_id`` at ``merged_at``."""

    __tablename__ = "report_tenant_merge"

    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    into_tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    merged_at: Mapped[datetime] = mapped_column(UTCDateTime())
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
