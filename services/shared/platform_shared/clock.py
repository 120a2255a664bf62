"""Time: stored in UTC, computed in Asia/Ho_Chi_Minh. Injectable for tests."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def utcnow():
    return datetime.now(UTC)


class Clock:
    """The real clock; tests pass a ``FrozenClock`` instead."""

    def now(self):
        return utcnow()


class FrozenClock(Clock):
    def __init__(self, at):
        self.at = at

    def now(self):
        return self.at

    def advance(self, delta):
        self.at = self.at + delta
