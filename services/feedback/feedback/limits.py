"""Rate limits of the requests anyone can send (questions, tracking look-ups, opinions, comments)."""

from feedback.domain import wait_phrase
from feedback.store import Counters
from platform_shared.errors import RateLimited


class RateLimits:
    """Fixed-window counters checked against their limits.

    Counted outside the business transaction, each hit in one short statement of its own
    (autocommit): every attempt counts, refused and invalid ones included, so a flood is
    throttled however it ends, and a busy key is never locked for a whole transaction."""

    def __init__(self, sessions):
        self.sessions = sessions

    def check(self, keys, now):
        """Count the request against every ``(key, limit, seconds)``; 429 with Retry-After when over one."""
        with self.sessions.autocommit() as session:
            counters = Counters(session)
            wait = max([counters.hit(key, now, limit=limit, seconds=seconds) for key, limit, seconds in keys])
        if wait:
            raise RateLimited(
                f"Bạn gửi quá nhiều lần. Vui lòng thử lại sau {wait_phrase(wait)}.",
                code="RATE_LIMITED",
                details={"retry_after": wait},
            )
