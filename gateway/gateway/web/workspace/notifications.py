"""``/quan-tri/thong-bao``: the signed-in person's notifications, on the notifications service's RPCs.

* ``GET /quan-tri/thong-bao`` (``?chua-doc=1``: only the unread; ``?trang=``) —
  ``list_notifications``: unread first (marked «Chưa đọc» in words), then newest; each with its
  kind, title, text and time, its title linking to ``/quan-tri/thong-bao/<id>``; one
  «Đánh dấu đã đọc» form per unread one and «Đánh dấu tất cả đã đọc» while any is unread. The
  service away: the page (503) says so inside the workspace, its menu still there.
* ``GET /quan-tri/thong-bao/<id>`` — ``mark_read``, then 303 to the notification's place in the
  workspace (a link that is not a workspace path goes back to the list); another person's is 404.
* ``POST /quan-tri/thong-bao/<id>/da-doc`` and ``POST /quan-tri/thong-bao/da-doc-tat-ca`` — mark
  one or all read; 303 back to the list with a flash.

The header of every workspace page shows «Thông báo (n)» through ``unread_notifications()``
(a template global: one ``count_unread`` call a page, none on this page, which has the count).

Stable ids for the tests: list ``#danh-sach-thong-bao`` with items ``#tb-<id>`` (class ``chua-doc``
while unread), ``#so-chua-doc``, tabs ``#tab-tat-ca`` / ``#tab-chua-doc``, form ``#doc-tat-ca``
(button «Đánh dấu tất cả đã đọc»); the header link ``#thong-bao-moi``.
"""

from urllib.parse import urlsplit

from flask import Blueprint, flash, g, redirect, request

from gateway.api.common import call
from gateway.web.portal.common import page_number, pages_of
from gateway.web.render import page
from gateway.web.workspace.common import BASE, block, menu, notification_count, staff

bp = Blueprint("workspace_notifications", __name__)

PATH = f"{BASE}/thong-bao"
PER_PAGE = 20


@bp.app_template_global("unread_notifications")
def unread_notifications():
    """The signed-in person's unread count for the header, asked once per request; None when the
    page has no staff actor or the service does not answer."""
    actor = g.get("workspace_actor")
    if actor is None:
        return None
    if "unread_notifications" not in g:
        g.unread_notifications = notification_count(actor)
    return g.unread_notifications


def _back():
    """Where a mark sends the person back to: the list as they saw it (its own query only)."""
    target = request.form.get("tro-ve") or PATH
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or parts.path != PATH:
        return PATH
    return PATH + (f"?{parts.query}" if parts.query else "")


@bp.route(PATH)
def index():
    actor = staff()
    number = page_number()
    unread_only = request.args.get("chua-doc") == "1"
    args = {"page": str(number), "per_page": str(PER_PAGE)}
    if unread_only:
        args["unread"] = "true"
    answer = block(lambda: call("notifications", "list_notifications", actor, args))
    # The header's count comes with the list (None, shown as no number, while the service is away).
    g.unread_notifications = answer["unread_total"] if answer else None
    query = {"chua-doc": "1"} if unread_only else {}
    return page(
        "workspace/notifications_index.html",
        status=200 if answer else 503,
        answer=answer,
        pagination=pages_of(answer, number) if answer else None,
        unread_only=unread_only,
        query_extra=query,
        here=request.full_path.rstrip("?"),
        base_path=PATH,
        menu=menu(actor),
        current=PATH,
        breadcrumbs=[(f"{BASE}/", "Tổng quan"), (None, "Thông báo")],
    )


@bp.route(f"{PATH}/<notification_id>")
def open_notification(notification_id):
    """Opening a notification marks it read and leads to its place."""
    actor = staff()
    read = call("notifications", "mark_read", actor, notification_id)
    link = read.get("link") or ""
    return redirect(link if _workspace_path(link) else PATH, code=303)


def _workspace_path(link):
    parts = urlsplit(link)
    return not parts.scheme and not parts.netloc and parts.path.startswith(BASE + "/") and "//" not in link


@bp.route(f"{PATH}/<notification_id>/da-doc", methods=["POST"])
def mark_read(notification_id):
    actor = staff()
    read = call("notifications", "mark_read", actor, notification_id)
    flash(f"Đã đánh dấu đã đọc: {read['title']}", "ok")
    return redirect(_back(), code=303)


@bp.route(f"{PATH}/da-doc-tat-ca", methods=["POST"])
def mark_all_read():
    actor = staff()
    done = call("notifications", "mark_all_read", actor)
    flash(
        f"Đã đánh dấu {done['marked']} thông báo là đã đọc." if done["marked"] else "Không còn thông báo nào chưa đọc.",
        "ok",
    )
    return redirect(_back(), code=303)
