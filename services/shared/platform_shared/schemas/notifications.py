"""Public API shapes of the workspace's notifications (``/api/v1/notifications``)."""

from marshmallow import Schema, fields

from platform_shared.schemas import PageArgs, page_of


class NotificationListArgs(PageArgs):
    unread = fields.Boolean(load_default=False, metadata={"description": "only the unread ones"})


class NotificationRead(Schema):
    id = fields.UUID(required=True)
    kind = fields.String(
        required=True,
        metadata={
            "description": "quota_missed, report_reminder, question_overdue, question_assigned, "
            "article_returned, article_published"
        },
    )
    kind_label = fields.String(required=True, metadata={"description": "the kind in Vietnamese"})
    title = fields.String(required=True)
    body = fields.String(required=True)
    link = fields.String(required=True, metadata={"description": "a workspace path (/quan-tri/...)"})
    created_at = fields.DateTime(required=True)
    read_at = fields.DateTime(allow_none=True)
    unread = fields.Boolean(required=True)


class NotificationList(page_of(NotificationRead)):
    unread_total = fields.Integer(required=True, metadata={"description": "the person's unread notifications"})


class UnreadCount(Schema):
    unread = fields.Integer(required=True)


class AllRead(Schema):
    marked = fields.Integer(required=True, metadata={"description": "notifications marked read by this call"})
    unread = fields.Integer(required=True)
