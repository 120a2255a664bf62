"""The only module of the reports part that queries the database."""

import uuid

from sqlalchemy import func, or_, select

from platform_shared.database import as_uuid, dialect_insert
from platform_shared.errors import NotFound
from polls.models import Poll, PollAudience, Tally
from polls.reports.models import ReportReminder, ReportTenantMerge, SemiannualReport

HELD_STATUSES = ("open", "closed", "published")


def report_id(tenant_id, period):
    """The id of a tenant's report of a period: the same on every replica, before the row exists."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"congdoan:semiannual-report:{tenant_id}:{period}")


class Reports:
    def __init__(self, session):
        self.session = session

    def get(self, report_id_, *, for_update=False):
        """A report by id (scoping is the caller's: policy decides on its tenant), or NotFound."""
        stmt = select(SemiannualReport).where(SemiannualReport.id == as_uuid(report_id_, "report"))
        if for_update:
            stmt = stmt.with_for_update()
        report = self.session.scalars(stmt).one_or_none()
        if report is None:
            raise NotFound("Không tìm thấy báo cáo.", code="REPORT_NOT_FOUND", details={"resource": "report"})
        return report

    def find(self, tenant_id, period):
        return self.session.get(SemiannualReport, report_id(tenant_id, period))

    def ensure(self, tenant_id, period, now):
        """The tenant's report of the period, made as a draft when missing (race-safe)."""
        ident = report_id(tenant_id, period)
        self.session.execute(
            dialect_insert(self.session, SemiannualReport)
            .values(
                id=ident,
                tenant_id=uuid.UUID(str(tenant_id)),
                period=period,
                status="draft",
                created_at=now,
                updated_at=now,
            )
            .on_conflict_do_nothing(index_elements=["id"])
        )
        return self.session.get(SemiannualReport, ident)

    @staticmethod
    def unopened(tenant_id, period, now):
        """The report a tenant has not opened yet, as it would be (not stored)."""
        return SemiannualReport(
            id=report_id(tenant_id, period),
            tenant_id=uuid.UUID(str(tenant_id)),
            period=period,
            status="not_started",
            created_at=now,
            updated_at=now,
        )

    def of_period(self, period):
        return {
            str(r.tenant_id): r
            for r in self.session.scalars(select(SemiannualReport).where(SemiannualReport.period == period)).all()
        }

    def drafts_of(self, tenant_id):
        return self.session.scalars(
            select(SemiannualReport).where(
                SemiannualReport.tenant_id == uuid.UUID(str(tenant_id)), SemiannualReport.status == "draft"
            )
        ).all()


class Reminders:
    def __init__(self, session):
        self.session = session

    def record(self, tenant_id, period, now):
        """True when this call recorded the reminder; False when it was already there."""
        result = self.session.execute(
            dialect_insert(self.session, ReportReminder)
            .values(tenant_id=uuid.UUID(str(tenant_id)), period=period, sent_at=now)
            .on_conflict_do_nothing(index_elements=["tenant_id", "period"])
        )
        return result.rowcount == 1


class Merges:
    def __init__(self, session):
        self.session = session

    def record(self, tenant_id, into_tenant_id, merged_at, now):
        self.session.execute(
            dialect_insert(self.session, ReportTenantMerge)
            .values(
                tenant_id=uuid.UUID(str(tenant_id)),
                into_tenant_id=uuid.UUID(str(into_tenant_id)),
                merged_at=merged_at,
                recorded_at=now,
            )
            .on_conflict_do_nothing(index_elements=["tenant_id"])
        )

    def all(self):
        return self.session.scalars(select(ReportTenantMerge)).all()


class PollFigures:
    """Polls held for a tenant and how many of its members answered."""

    def __init__(self, session):
        self.session = session

    def held_for(self, tenant_id, ancestor_ids, start, end):
        """Polls that opened in ``[start, end)`` (UTC) and that the tenant ran or its members could answer."""
        tenant = uuid.UUID(str(tenant_id))
        audiences = [tenant, *(uuid.UUID(str(a)) for a in ancestor_ids)]
        addressed = select(PollAudience.poll_id).where(PollAudience.tenant_id.in_(audiences))
        return self.session.scalars(
            select(Poll)
            .where(
                Poll.status.in_(HELD_STATUSES),
                Poll.opens_at >= start,
                Poll.opens_at < end,
                or_(Poll.tenant_id == tenant, Poll.audience_all.is_(True), Poll.id.in_(addressed)),
            )
            .order_by(Poll.opens_at, Poll.id)
        ).all()

    def respondents(self, poll_ids, tenant_id):
        """Counted respondents of the tenant per poll (the tallies' poll-level rows)."""
        if not poll_ids:
            return {}
        rows = self.session.execute(
            select(Tally.poll_id, func.sum(Tally.count))
            .where(
                Tally.poll_id.in_(list(poll_ids)), Tally.tenant_id == uuid.UUID(str(tenant_id)), Tally.question_id == ""
            )
            .group_by(Tally.poll_id)
        ).all()
        return {poll_id: int(total or 0) for poll_id, total in rows}
