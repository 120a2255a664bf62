"""Tables of the feedback service (the platform tables live in platform_shared.tables).

This module holds the declarative ``Base``, the tenant copy and the rate counters; each
aggregate declares its own tables on this ``Base`` (``questions/models.py``,
``calendar/models.py``, ``opinions/models.py``, ``comments/models.py``), imported at the
bottom so that ``Base.metadata`` always has every table (migrations are compared to it).

Every tenant-owned row has ``tenant_id`` NOT NULL and indexed. ``feedback_tenant`` is the
service's copy of the accounts tenant directory (``platform_shared.tenant_directory``)
plus the per-tenant answer deadline.
"""

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from platform_shared.database import UTCDateTime, make_base
from platform_shared.tenant_directory import TenantDirectoryRow

Base = make_base()


class TenantCopy(TenantDirectoryRow, Base):
    """The accounts tenant directory as far as feedback needs it (routing, escalation, names)."""

    __tablename__ = "feedback_tenant"

    answer_days: Mapped[int | None] = mapped_column(Integer, doc="working days to answer; None: the default")


class RateCounter(Base):
    """Requests per key (``comment:user:<id>``, ``comment:addr:<ip>``…) in a fixed window."""

    __tablename__ = "rate_counter"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    window_started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    count: Mapped[int] = mapped_column(Integer)


from feedback.calendar import models as _calendar_models  # noqa: E402,F401
from feedback.comments import models as _comment_models  # noqa: E402,F401
from feedback.opinions import models as _opinion_models  # noqa: E402,F401
from feedback.questions import models as _question_models  # noqa: E402,F401
