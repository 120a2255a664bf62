"""The only module of the coverage part that queries the database: who answered a poll."""

import uuid

from sqlalchemy import func, select

from polls.models import PollResponse


class Respondents:
    def __init__(self, session):
        self.session = session

    def by_tenant(self, tenant_ids, start, end):
        """``{tenant id (text): distinct members}`` whose counted responses were received in
        ``[start, end)`` (UTC) under these tenants (index ``ix_poll_response_tenant_received``)."""
        if not tenant_ids:
            return {}
        rows = self.session.execute(
            select(PollResponse.tenant_id, func.count(func.distinct(PollResponse.member_id)))
            .where(
                PollResponse.tenant_id.in_([uuid.UUID(str(t)) for t in tenant_ids]),
                PollResponse.received_at >= start,
                PollResponse.received_at < end,
            )
            .group_by(PollResponse.tenant_id)
        ).all()
        return {str(tenant_id): int(count) for tenant_id, count in rows}
