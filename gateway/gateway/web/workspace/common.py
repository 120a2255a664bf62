"""What every workspace page uses: the signed-in staff actor, the menu of their roles, blocks
that stay up when one service does not answer.

The roles here only choose what the menu shows and which page a person lands on; each
service decides what the actor may do (DESIGN §4) and its refusal is the page's answer.
"""

import logging

from flask import g

from gateway.web.portal.common import signed_in_actor
from platform_shared.errors import Forbidden, PlatformError

log = logging.getLogger("gateway.web")

BASE = "/quan-tri"

ROLE_LABELS = {
    "platform_admin": "Quản trị hệ thống",
    "tenant_admin": "Quản trị đơn vị",
    "editor": "Biên tập viên",
    "contributor": "Cộng tác viên",
    "responder": "Cán bộ trả lời",
    "moderator": "Kiểm duyệt bình luận",
    "royalty_officer": "Cán bộ nhuận bút",
    "member": "Đoàn viên",
}
STAFF_ROLES = frozenset(ROLE_LABELS) - {"member"}

# (path, label, roles that see it): the order of the menu.
MENU = (
    (f"{BASE}/", "Tổng quan", STAFF_ROLES),
    (f"{BASE}/bai-viet", "Bài viết của tôi", {"contributor", "editor"}),
    (f"{BASE}/bien-tap", "Biên tập", {"editor"}),
    (f"{BASE}/chi-tieu", "Chỉ tiêu tuần", {"editor", "platform_admin"}),
    (f"{BASE}/van-ban", "Văn bản chỉ đạo", {"editor", "platform_admin"}),
    (f"{BASE}/nhuan-but", "Chấm nhuận bút", {"royalty_officer"}),
    (f"{BASE}/nhuan-but/bang-ke", "Bảng kê nhuận bút", {"royalty_officer"}),
    (f"{BASE}/quan-ly/", "Đơn vị và tài khoản", {"tenant_admin", "platform_admin"}),
)


def staff():
    """The signed-in staff actor. A reader who is not signed in goes to the sign-in page; a
    member without a staff role gets the 403 page."""
    actor = signed_in_actor()
    if not STAFF_ROLES & set(actor.get("roles") or ()):
        raise Forbidden("Trang quản trị dành cho cán bộ công đoàn. Tài khoản của bạn chưa được giao vai trò nào ở đây.")
    g.workspace_actor = actor
    return actor


def has(actor, *roles):
    return bool(set(roles) & set(actor.get("roles") or ()))


def menu(actor):
    """The menu entries this person's roles use."""
    roles = set(actor.get("roles") or ())
    return [(path, label) for path, label, wanted in MENU if roles & set(wanted)]


class Unavailable:
    """A block whose service did not answer: the page says so and the rest still works."""

    def __init__(self, code):
        self.code = code

    def __bool__(self):
        return False


def block(load):
    """``load()``, or an ``Unavailable`` marker when its service does not answer (≥ 500)."""
    try:
        return load()
    except PlatformError as exc:
        if exc.status < 500:
            raise
        log.warning("workspace block unavailable: %s", exc.code)
        return Unavailable(exc.code)
