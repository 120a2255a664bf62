"""Notifications area: the signed-in person's own notifications in the workspace.

Paths (all under ``/api/v1/notifications``, signed in; another person's notification is 404):

* ``GET ?unread=&page=&per_page=`` — one's notifications, unread first then newest, with
  ``unread_total``;
* ``GET /unread-count`` — ``{"unread": n}``;
* ``POST /{id}/read`` — one marked read (the first moment kept); ``POST /read-all`` — all of them.
"""

from flask.views import MethodView

from gateway.api.common import Blueprint, documented, forward, query_args, replies
from gateway.auth import current_actor
from platform_shared.schemas import notifications as api

notifications = Blueprint(
    "notifications",
    __name__,
    url_prefix="/api/v1/notifications",
    description="Thông báo của người dùng trong trang quản trị",
)
blueprints = (notifications,)
SECURED = [{"bearer": []}]


@notifications.before_request
def _signed_in():
    current_actor()


@notifications.route("")
class Notifications(MethodView):
    @notifications.arguments(api.NotificationListArgs(), location="query")
    @replies(notifications, 200, api.NotificationList)
    @notifications.doc(security=SECURED)
    @documented(notifications, 401, 403, 422, 503)
    def get(self, _args):
        """Thông báo của tôi: chưa đọc trước, mới nhất trước; unread=true: chỉ những thông báo chưa đọc."""
        return forward("notifications", "list_notifications", current_actor(), query_args())


@notifications.route("/unread-count", methods=["GET"])
@replies(notifications, 200, api.UnreadCount)
@notifications.doc(security=SECURED)
@documented(notifications, 401, 403, 503)
def unread_count():
    """Số thông báo chưa đọc của tôi."""
    return forward("notifications", "count_unread", current_actor())


@notifications.route("/read-all", methods=["POST"])
@replies(notifications, 200, api.AllRead)
@notifications.doc(security=SECURED)
@documented(notifications, 401, 403, 503)
def read_all():
    """Đánh dấu mọi thông báo của tôi là đã đọc."""
    return forward("notifications", "mark_all_read", current_actor())


@notifications.route("/<notification_id>/read", methods=["POST"])
@replies(notifications, 200, api.NotificationRead)
@notifications.doc(security=SECURED)
@documented(notifications, 401, 403, 404, 503)
def read(notification_id):
    """Đánh dấu một thông báo của tôi là đã đọc (thông báo của người khác: 404)."""
    return forward("notifications", "mark_read", current_actor(), notification_id)
