"""Comments under an article: the list, the form, posting and reporting.

``block(article)`` is what the article page (``reading.article_page``) shows below an
article: its visible comments (feedback ``list_comments``) and what the form needs to know
(``comment_rules``: may this reader comment, must a guest give a name, will the comment wait
for a moderator). An anonymous reader's are read from the gateway's cache (topic
``comments``, cleared by ``feedback.comments_changed``); a signed-in reader's are asked for.
When feedback does not answer the article still shows, with a note instead of comments.

Posting and reporting are in ``comment_posting`` (they render the article page again).

A notice to show after a redirect is kept in the session (``comment_notice``) and shown once.
"""

import re
from urllib.parse import quote

from flask import abort, g, request, session

from gateway.api.common import call
from gateway.web.portal.common import public
from gateway.web.session import page_actor
from platform_shared.errors import NotFound, PlatformError

PER_PAGE = 50
PAGE_PARAM = "binh-luan-trang"
NOTICE_KEY = "comment_notice"
FIELDS = {"body": "Nội dung bình luận", "guest_name": "Tên hiển thị"}
_ARTICLE_PATH = re.compile(r"^/(?:bai-viet/[^/?#\\\s]{1,200}|don-vi/[^/?#\\\s]{1,80}/bai-viet/[^/?#\\\s]{1,200})$")
NOTICES = {
    "pending": "Cảm ơn bạn! Bình luận đã được gửi và đang chờ duyệt; bình luận sẽ hiện sau khi người kiểm duyệt đồng ý.",
    "published": "Cảm ơn bạn! Bình luận của bạn đã được đăng.",
}


def _comment_page():
    """``?binh-luan-trang=`` as a number ≥ 1 (a malformed one is a page that does not exist)."""
    raw = request.args.get(PAGE_PARAM)
    if raw is None:
        return 1
    if not re.fullmatch(r"[1-9][0-9]{0,5}", raw):
        abort(404)
    return int(raw)


def _read(actor, method, *args):
    if actor is None:
        return public("comments", "feedback", method, *args)
    return call("feedback", method, actor, *args)


def block(article):
    """What the article page shows of its comments: the visible ones, the rules, the form's state
    (after a refused POST: the text typed and the messages). None: no comments section."""
    form = g.pop("comment_form", None) or {}
    actor = page_actor()
    number = _comment_page()
    try:
        rules = _read(actor, "comment_rules", article["id"])
        listing = _read(actor, "list_comments", article["id"], {"page": str(number), "per_page": str(PER_PAGE)})
    except NotFound:
        return None  # feedback does not (yet) know the article as published: no section at all
    except PlatformError as exc:
        if exc.status < 500:
            raise
        return {"unavailable": True, "action": article["path"] + "/binh-luan", "article_path": article["path"]}
    last = max(1, -(-(listing.get("total") or 0) // PER_PAGE))
    if number > last:
        abort(404)
    notice = session.pop(NOTICE_KEY, None) if NOTICE_KEY in session else None
    return {
        "unavailable": False,
        "items": listing.get("items") or [],
        "total": listing.get("total") or 0,
        "page": number,
        "last": last,
        "page_param": PAGE_PARAM,
        "rules": rules,
        "signed_in": actor is not None,
        "action": article["path"] + "/binh-luan",
        "article_path": article["path"],
        "sign_in": "/dang-nhap?tiep=" + quote(article["path"] + "#binh-luan", safe="/"),
        "form": form.get("values") or {},
        "errors": form.get("errors") or {},
        "problem": form.get("problem"),
        "notice": notice,
        "fields": FIELDS,
    }
