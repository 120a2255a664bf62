"""What every portal page uses: the actor, the cached public data, the page number, the menu."""

import math
import re

from flask import abort, current_app, request

from gateway.api.common import call
from gateway.auth import ANONYMOUS
from gateway.web.session import page_actor

# The central sections by their public address. The slugs are the portal's URL design (kept
# stable, DESIGN §7a); content knows the sections by key and names them.
SECTIONS = (
    {"slug": "tin-tuc", "key": "news", "name": "Tin tức – Đa phương tiện", "short": "Tin tức"},
    {"slug": "chuyen-de", "key": "thematic", "name": "Chuyên đề", "short": "Chuyên đề"},
    {"slug": "chi-dao-dieu-hanh", "key": "directives", "name": "Chỉ đạo – Điều hành", "short": "Chỉ đạo – Điều hành"},
)
SECTION_BY_SLUG = {s["slug"]: s for s in SECTIONS}
SECTION_BY_KEY = {s["key"]: s for s in SECTIONS}

MENU = (
    ("/", "Trang chủ"),
    *((f"/{s['slug']}", s["short"]) for s in SECTIONS),
    ("/van-ban", "Văn bản"),
    ("/hoi-dap", "Hỏi – đáp"),
    ("/y-kien-doan-vien", "Ý kiến đoàn viên"),
    ("/trung-cau-y-kien", "Trưng cầu ý kiến"),
)

PER_PAGE = 12
_PAGE_NUMBER = re.compile(r"^[1-9][0-9]{0,5}$")


def actor():
    """The visitor's actor for an RPC: the signed-in user's, else anonymous."""
    return page_actor() or ANONYMOUS


def signed_in_actor():
    """The signed-in actor; a reader who is not signed in goes to the sign-in page (401 → redirect)."""
    from platform_shared.errors import Unauthorized

    found = page_actor()
    if found is None:
        raise Unauthorized("Bạn cần đăng nhập.", code="LOGIN_REQUIRED")
    return found


def public(topic, service, method, *args):
    """An anonymous RPC's answer from the gateway's event-invalidated cache (``topic``: which facts clear it)."""
    from gateway.web.render import read_topic

    read_topic(topic)
    key = (service, method, repr(args))
    return current_app.extensions["public_cache"].fetch(topic, key, lambda: call(service, method, ANONYMOUS, *args))


def page_number():
    """``?trang=`` as a number ≥ 1; anything else is a page that does not exist (404)."""
    raw = request.args.get("trang")
    if raw is None:
        return 1
    if not _PAGE_NUMBER.match(raw):
        abort(404)
    return int(raw)


def pages_of(answer, page):
    """The pagination of a list answer ``{total, per_page}``; a page past the last is 404 (none is 1)."""
    per_page = answer.get("per_page") or PER_PAGE
    last = max(1, math.ceil((answer.get("total") or 0) / per_page))
    if page > last:
        abort(404)
    return {"page": page, "last": last, "total": answer.get("total") or 0}


def base_url():
    """The portal's public address without the trailing slash (canonical links, RSS, sitemaps)."""
    configured = current_app.extensions["settings"].portal_base_url
    return (configured or request.host_url).rstrip("/")


def absolute(path):
    return base_url() + path


def article_path(item):
    """Where an item is read: the portal's ``/bai-viet/{slug}`` or its sub-site's."""
    if item.get("site") and item["site"] != "portal" and (item.get("tenant") or {}).get("slug"):
        return f"/don-vi/{item['tenant']['slug']}/bai-viet/{item['slug']}"
    return f"/bai-viet/{item['slug']}"


def field_errors(exc, field_of=None, *, known=None):
    """``{form field: "message …"}`` of an InvalidInput's ``errors``: nested objects flattened
    (``guest.phone`` → ``guest_phone``), request fields renamed by ``field_of``; a message about
    a field the form does not have (``known``) goes under ``""`` (shown above the form)."""
    field_of = field_of or {}
    found = {}

    def add(name, messages):
        if isinstance(messages, dict):
            for sub, inner in messages.items():
                add(name if sub == "_schema" else f"{name}_{sub}", inner)
            return
        text = " ".join(map(str, messages)) if isinstance(messages, (list, tuple)) else str(messages)
        name = field_of.get(name, name)
        if known is not None and name not in known:
            name = ""
        found[name] = f"{found[name]} {text}" if name in found else text

    for name, messages in ((exc.details or {}).get("errors") or {}).items():
        add(name, messages)
    if not found:
        found[""] = exc.message
    return found
