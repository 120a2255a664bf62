"""Queries the feedback service's parts share: the rate counters. Each aggregate has its own
store (``questions/store.py``…); the tenant copy is ``platform_shared.tenant_directory``'s."""

from sqlalchemy import case, literal

from feedback import domain
from feedback.models import RateCounter
from platform_shared.database import UTCDateTime, dialect_insert


class Counters:
    """Fixed-window request counters; one atomic upsert per hit, so a hot key (one busy
    address) is locked for a single statement, not for a whole business transaction."""

    def __init__(self, session):
        self.session = session

    def hit(self, key, now, *, limit, seconds):
        """Count one request against ``key``; the seconds to wait when over the limit, else 0."""
        expired = RateCounter.window_started_at <= domain.window_cutoff(now, seconds)
        stmt = dialect_insert(self.session, RateCounter).values(key=key, window_started_at=now, count=1)
        stmt = stmt.on_conflict_do_update(
            index_elements=["key"],
            set_={
                "count": case((expired, 1), else_=RateCounter.count + 1),
                "window_started_at": case((expired, literal(now, UTCDateTime())), else_=RateCounter.window_started_at),
            },
        ).returning(RateCounter.window_started_at, RateCounter.count)
        started_at, count = self.session.execute(stmt).one()
        return domain.retry_after(started_at, count, now, limit=limit, seconds=seconds)
