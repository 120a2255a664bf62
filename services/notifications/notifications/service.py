"""NotificationsService: the nameko boundary of the notifications service. Thin on purpose.

Every RPC takes ``actor`` first and returns a schema dump (``platform_shared.schemas.
notifications``); callers: the gateway (``/api/v1/notifications`` and the workspace's
``/quan-tri/thong-bao`` and header counter). The handlers turn other services' events into
notifications (``domain``: who gets what); each is idempotent through the inbox and parks an
event it keeps failing on (``platform_shared.handlers``). Handler names are part of their queue
names: frozen once deployed.
"""

from notifications.dependencies import NotificationsApp
from platform_shared import transport
from platform_shared.actor import Actor
from platform_shared.contracts import content as content_events
from platform_shared.contracts import feedback as feedback_events
from platform_shared.contracts import reports as report_events
from platform_shared.dependencies import Database
from platform_shared.handlers import handle_event
from platform_shared.operations import ServiceOperations
from platform_shared.rpc import ServiceRpc, rpc

EXPECTED = transport.EXPECTED


class NotificationsService(ServiceOperations):
    name = "notifications"

    db = Database()
    app = NotificationsApp()
    accounts = ServiceRpc("accounts")

    # -- a person's own notifications -------------------------------------------------------------

    @rpc(expected_exceptions=EXPECTED)
    def list_notifications(self, actor, args=None):
        """``NotificationList`` of the actor's own notifications (``unread``: only those; ``page``,
        ``per_page``), unread first then newest, with ``unread_total``. Raises Unauthorized,
        Forbidden (no person: the system), InvalidInput."""
        return self.app.list(Actor.load(actor), args)

    @rpc(expected_exceptions=EXPECTED)
    def count_unread(self, actor):
        """``{"unread": n}`` of the actor's own notifications (the workspace header, every page).
        Raises Unauthorized, Forbidden."""
        return self.app.count_unread(Actor.load(actor))

    @rpc(expected_exceptions=EXPECTED)
    def mark_read(self, actor, notification_id):
        """``NotificationRead`` of one of the actor's notifications, read (the first time it is
        marked: a second call keeps that moment). Raises NotFound (another person's too), Forbidden."""
        return self.app.mark_read(Actor.load(actor), notification_id)

    @rpc(expected_exceptions=EXPECTED)
    def mark_all_read(self, actor):
        """``{"marked", "unread"}``: every unread notification of the actor read now. Raises Forbidden."""
        return self.app.mark_all_read(Actor.load(actor))

    # -- events in --------------------------------------------------------------------------------

    @handle_event("content", content_events.QUOTA_MISSED)
    def handle_quota_missed(self, payload):
        """A federation missed a week's quota: its administrators and contributors."""
        self.app.deliver("handle_quota_missed", content_events.QUOTA_MISSED, payload)

    @handle_event("polls", report_events.REPORT_REMINDER_DUE)
    def handle_report_reminder_due(self, payload):
        """A semiannual report is due within two weeks and not sent: the tenant's administrators."""
        self.app.deliver("handle_report_reminder_due", report_events.REPORT_REMINDER_DUE, payload)

    @handle_event("feedback", feedback_events.QUESTION_OVERDUE)
    def handle_question_overdue(self, payload):
        """A question passed its deadline: its assignee (or the answerers), the parent's administrators."""
        self.app.deliver("handle_question_overdue", feedback_events.QUESTION_OVERDUE, payload)

    @handle_event("feedback", feedback_events.QUESTION_ASSIGNED)
    def handle_question_assigned(self, payload):
        """A question was given to someone (not taken by themselves): that person."""
        self.app.deliver("handle_question_assigned", feedback_events.QUESTION_ASSIGNED, payload)

    @handle_event("content", content_events.ARTICLE_RETURNED)
    def handle_article_returned(self, payload):
        """The desk returned an article: its authors and the draft's writer."""
        self.app.deliver("handle_article_returned", content_events.ARTICLE_RETURNED, payload)

    @handle_event("content", content_events.ARTICLE_PUBLISHED)
    def handle_article_published(self, payload):
        """An article went out: its authors."""
        self.app.deliver("handle_article_published", content_events.ARTICLE_PUBLISHED, payload)
