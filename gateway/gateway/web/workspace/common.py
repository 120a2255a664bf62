"""What every workspace page uses: the signed-in staff actor, the menu of their roles, blocks
that stay up when one service does not answer.

The roles here only choose what the menu shows and which page a person lands on; each
service decides what the actor may do (DESIGN §4) and its refusal is the page's answer.
"""

import logging
import os

from flask import g, session

from gateway.api.common import call
from gateway.web.portal.common import signed_in_actor
from platform_shared.errors import Forbidden, PlatformError

log = logging.getLogger("gateway.web")

BASE = "/quan-tri"

ROLE_LABELS = {
    "platform_admin": "Quản trị hệ thống",
    "tenant_admin": "Quản trị đơn vị",
    "unit_admin": "Quản trị công đoàn cơ sở",
    "editor": "Biên tập viên",
    "contributor": "Cộng tác viên",
    "responder": "Cán bộ trả lời",
    "moderator": "Kiểm duyệt bình luận",
    "royalty_officer": "Cán bộ nhuận bút",
    "member": "Đoàn viên",
}
STAFF_ROLES = frozenset(ROLE_LABELS) - {"member"}

# The Propaganda Dept's tenant code: its editors oversee the June/December reports (polls'
# REPORTS_DESK; the service decides, this only chooses whether the menu shows the entry).
REPORTS_DESK = os.environ.get("REPORTS_DESK") or "BTG"


def _report_overseer(roles):
    return "editor" in roles and session.get("tenant_code") == REPORTS_DESK


def report_overseer(actor):
    """Whether this person oversees every federation's June/December report (the menu and the
    landing card ask; polls decides): platform administrators and the desk's editors."""
    roles = set(actor.get("roles") or ())
    return "platform_admin" in roles or _report_overseer(roles)


# The menu: groups of (path, label, roles that see it — or a test of the roles), in order.
MENU = (
    (None, ((f"{BASE}/", "Tổng quan", STAFF_ROLES), (f"{BASE}/thong-bao", "Thông báo", STAFF_ROLES))),
    (
        "Tin bài",
        (
            (f"{BASE}/bai-viet", "Bài viết của tôi", {"contributor", "editor"}),
            (f"{BASE}/bien-tap", "Biên tập", {"editor"}),
            (f"{BASE}/chi-tieu", "Chỉ tiêu tuần", {"editor", "platform_admin"}),
            (f"{BASE}/van-ban", "Văn bản chỉ đạo", {"editor", "platform_admin"}),
            (f"{BASE}/trang-thanh-phan", "Trang thành phần", {"tenant_admin", "editor"}),
            (f"{BASE}/thu-vien", "Thư viện ảnh và tệp", {"contributor", "editor", "tenant_admin", "platform_admin"}),
        ),
    ),
    (
        "Nhuận bút",
        (
            (f"{BASE}/nhuan-but", "Chấm nhuận bút", {"royalty_officer"}),
            (f"{BASE}/nhuan-but/bang-ke", "Bảng kê nhuận bút", {"royalty_officer"}),
        ),
    ),
    (
        "Hỏi đáp và ý kiến",
        (
            (f"{BASE}/hoi-dap", "Hỏi đáp", {"responder", "tenant_admin", "platform_admin"}),
            (f"{BASE}/y-kien", "Ý kiến đoàn viên", {"responder", "moderator", "tenant_admin", "platform_admin"}),
            (f"{BASE}/binh-luan", "Bình luận", {"moderator", "tenant_admin", "platform_admin"}),
            (f"{BASE}/ngay-nghi", "Lịch ngày nghỉ", {"platform_admin"}),
        ),
    ),
    (
        "Trưng cầu và báo cáo",
        (
            (f"{BASE}/trung-cau", "Trưng cầu ý kiến", {"tenant_admin", "platform_admin"}),
            (
                f"{BASE}/bao-cao",
                "Báo cáo 6 tháng",
                lambda roles: bool(roles & {"tenant_admin", "platform_admin"}) or _report_overseer(roles),
            ),
            (
                f"{BASE}/pho-cap",
                "Phổ cập đến CĐCS",
                lambda roles: bool(roles & {"tenant_admin", "platform_admin"}) or _report_overseer(roles),
            ),
        ),
    ),
    (
        "Tổ chức và tài khoản",
        (
            (f"{BASE}/don-vi-thanh-vien", "Đơn vị thành viên", {"platform_admin"}),
            (f"{BASE}/don-vi", "Cây đơn vị", {"tenant_admin", "unit_admin", "platform_admin"}),
            (f"{BASE}/don-vi/quan-tri-co-so", "Quản trị công đoàn cơ sở", {"tenant_admin", "platform_admin"}),
            (f"{BASE}/doan-vien", "Đoàn viên", {"tenant_admin", "unit_admin", "platform_admin"}),
            (f"{BASE}/tai-khoan", "Tài khoản và vai trò", {"tenant_admin", "unit_admin", "platform_admin"}),
            (f"{BASE}/can-bo", "Hồ sơ cán bộ", {"tenant_admin", "unit_admin", "platform_admin"}),
        ),
    ),
)

# Landing-page tiles other modules add (``@tile``): what is waiting for a role, one card each.
TILES = []


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
    """The menu groups this person's roles use: ``[(group label or None, [(path, label), ...])]``."""
    roles = set(actor.get("roles") or ())
    groups = []
    for label, entries in MENU:
        shown = [
            (path, name) for path, name, wanted in entries if (wanted(roles) if callable(wanted) else roles & wanted)
        ]
        if shown:
            groups.append((label, shown))
    return groups


def tile(title, *roles):
    """Register ``load(actor) -> list of (count, label, href) or None`` as a landing-page card
    titled ``title`` for people with one of ``roles``. None: nothing to show this person.

    The card is built inside ``block``: a service that does not answer shows the card as
    unavailable and the rest of the page still works."""

    def register(load):
        TILES.append((title, frozenset(roles), load))
        return load

    return register


def tiles(actor):
    """``[(title, lines or Unavailable)]``: the registered cards of this person's roles."""
    roles = set(actor.get("roles") or ())
    cards = []
    for title, wanted, load in TILES:
        if roles & wanted:
            lines = block(lambda load=load: load(actor))
            if lines is not None:
                cards.append((title, lines))
    return cards


class Unavailable:
    """A block whose service did not answer: the page says so and the rest still works."""

    def __init__(self, code):
        self.code = code

    def __bool__(self):
        return False


def notification_count(actor):
    """The person's unread notifications for the header (one ``count_unread`` call), or None when
    the notifications service does not answer: the header then shows the link without a number."""
    found = block(lambda: call("notifications", "count_unread", actor))
    return found["unread"] if found else None


def block(load):
    """``load()``, or an ``Unavailable`` marker when its service does not answer (≥ 500)."""
    try:
        return load()
    except PlatformError as exc:
        if exc.status < 500:
            raise
        log.warning("workspace block unavailable: %s", exc.code)
        return Unavailable(exc.code)
