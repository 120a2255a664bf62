"""RPC methods of the answer deadline's settings and the holiday table, mixed into FeedbackService. Thin."""

from platform_shared import transport
from platform_shared.actor import Actor
from platform_shared.rpc import rpc

EXPECTED = transport.EXPECTED


class CalendarRpc:
    """Uses the service's ``app`` (``feedback.operations.Feedback``)."""

    @rpc(expected_exceptions=EXPECTED)
    def get_settings(self, actor):
        """The actor's tenant's working days to answer and the default (question staff). Raises Forbidden."""
        return self.app.calendar.get_settings(Actor.load(actor))

    @rpc(expected_exceptions=EXPECTED)
    def update_settings(self, actor, data):
        """The tenant's answer deadline in working days (tenant admins). Raises Forbidden, InvalidInput."""
        return self.app.calendar.update_settings(Actor.load(actor), data)

    @rpc(expected_exceptions=EXPECTED)
    def list_holidays(self, actor, args=None):
        """The holiday table (``args.year`` for one year). Raises InvalidInput."""
        return self.app.calendar.list_holidays(Actor.load(actor), args)

    @rpc(expected_exceptions=EXPECTED)
    def put_holiday(self, actor, data):
        """Add or change a holiday or a worked weekend day (platform admins). Raises Forbidden, InvalidInput."""
        return self.app.calendar.put_holiday(Actor.load(actor), data)

    @rpc(expected_exceptions=EXPECTED)
    def delete_holiday(self, actor, day):
        """Remove a day from the holiday table (platform admins). Raises Forbidden, NotFound."""
        return self.app.calendar.delete_holiday(Actor.load(actor), day)
