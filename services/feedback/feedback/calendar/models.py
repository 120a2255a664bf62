"""The holiday table (platform reference data, not tenant-owned)."""

from datetime import date, datetime

from sqlalchemy import Boolean, Date, String
from sqlalchemy.orm import Mapped, mapped_column

from feedback.models import Base
from platform_shared.database import UTCDateTime


class Holiday(Base):
    """A public holiday (day off) — or, with ``working_day``, a weekend day worked in exchange."""

    __tablename__ = "holiday"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    working_day: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
