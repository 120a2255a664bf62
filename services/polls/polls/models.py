"""Tables of the polls service (the platform tables live in platform_shared.tables).

Every tenant-owned row has ``tenant_id``; ``tenant`` itself is this service's copy of
the accounts service's tenant directory (kept from events and a periodic sync).

Responses are one row per member and poll (``uq_poll_response_poll_id`` on
``(poll_id, member_id)``), keyed by the receipt the gateway signed. A second
response, or one the consumer refuses, leaves a ``poll_receipt_outcome`` row and is
never counted. ``poll_tally`` holds the live counts, updated in the same transaction
as the responses of a batch, per tenant of the respondent (question ``""`` = poll
respondents, option ``""`` = respondents of the question).
"""

import uuid
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from platform_shared.database import JSONType, UTCDateTime, make_base, new_id
from platform_shared.tenant_directory import TenantDirectoryRow

Base = make_base()


class TenantCopy(TenantDirectoryRow, Base):
    """What polls needs of a tenant: its place in the tree and where it was merged (the shared columns)."""

    __tablename__ = "tenant"


class Poll(Base):
    """A poll of the VGCL (scope ``platform``) or of a tenant (scope ``tenant``), owned by ``tenant_id``."""

    __tablename__ = "poll"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    scope: Mapped[str] = mapped_column(String(16))  # platform, tenant
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), index=True)  # draft, open, closed, published
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime())
    audience_all: Mapped[bool] = mapped_column(Boolean, default=False)
    questions: Mapped[list] = mapped_column(JSONType)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class PollAudience(Base):
    """A tenant whose members (and those of its subtree) may answer; none and audience_all = everyone."""

    __tablename__ = "poll_audience"

    poll_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("poll.id"), primary_key=True)
    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, index=True)


class PollResponse(Base):
    """A counted response: one per member and poll. Its id is the receipt id."""

    __tablename__ = "poll_response"
    __table_args__ = (
        UniqueConstraint("poll_id", "member_id"),
        # Who of a tenant answered over some days (the coverage tracker; migration 0007).
        Index("ix_poll_response_tenant_received", "tenant_id", "received_at", "member_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    poll_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    member_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    answers: Mapped[dict] = mapped_column(JSONType)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    counted_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ReceiptOutcome(Base):
    """A response that was not counted: ``duplicate`` or ``rejected`` with the reason."""

    __tablename__ = "poll_receipt_outcome"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    poll_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    member_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(String(300))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    processed_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Tally(Base):
    """Live counts per poll, respondent's tenant, question, matrix row and option."""

    __tablename__ = "poll_tally"

    poll_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, index=True)
    question_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    row_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    option_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    count: Mapped[int] = mapped_column(Integer)


class TextAnswer(Base):
    """A free-text answer, kept apart from its respondent, shown only once a moderator approves it."""

    __tablename__ = "poll_text_answer"
    __table_args__ = (Index("ix_poll_text_answer_listing", "poll_id", "question_id", "status"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    poll_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    question_id: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))  # pending, approved, hidden
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    moderated_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    moderated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


# The report tables live in their own module but on the same metadata (one database).
from polls.reports import models as _report_models  # noqa: E402,F401
