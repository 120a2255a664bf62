"""Comments under an article: the list, the form, posting and reporting.

``block(article)`` is what the article page (``reading._article_page``) shows below an
article: its visible comments (feedback ``list_comments``) and what the form needs to know
(``comment_rules``: may this reader comment, must a guest give a name, will the comment wait
for a moderator). An anonymous reader's are read from the gateway's cache (topic
``comments``, cleared by ``feedback.comments_changed``); a signed-in reader's are asked for.
When feedback does not answer the article still shows, with a note instead of comments.

* ``POST /bai-viet/{slug}/binh-luan`` (and ``/don-vi/{tenant}/bai-viet/{slug}/binh-luan``) →
  ``add_comment`` as the visitor, with the client's address → 303 back to ``#binh-luan`` with
  a notice (waiting for a moderator, or published). Refused text (no diacritics, markup, too
  short…): the article page again with **422**, the message beside the field, the text kept;
  too many comments: 429, the text kept. A visitor who may not comment (not signed in where
  the section takes no guests) sees a sign-in link instead of the form; a POST from them is
  a **303 to ``/dang-nhap?tiep=<the article>#binh-luan``** (a sign-in is what they need).
* ``POST /binh-luan/{id}/bao-cao`` (signed in; the form carries the article's path in
  ``bai``) → ``report_comment`` → 303 back with a notice; not signed in: 303 to sign in.

A notice to show after a redirect is kept in the session (``comment_notice``) and shown once.
"""

import re
from urllib.parse import quote

from flask import Blueprint, abort, g, redirect, request, session

from gateway.api.common import call, client_address
from gateway.auth import ANONYMOUS
from gateway.web.portal.common import public
from gateway.web.portal.questions import field_errors
from gateway.web.session import page_actor
from platform_shared.errors import InvalidInput, NotFound, PlatformError, RateLimited, Unauthorized

bp = Blueprint("portal_comments", __name__)

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


# -- posting ----------------------------------------------------------------------------------


def _article(slug, tenant_slug=None):
    """The public article (and its sub-site) the comment is for; 404 when it is not published."""
    from gateway.web.portal import reading

    site = reading._site(tenant_slug) if tenant_slug else None
    return reading._article(slug, site=tenant_slug), site


def _again(article, site, status, *, values, errors=None, problem=None, headers=None):
    """The article page again, the comment form holding what was typed and the messages."""
    from gateway.web.portal import reading

    g.comment_form = {"values": values, "errors": errors or {}, "problem": problem}
    response = reading._article_page(article, site=site)
    response.status_code = status
    response.headers["Cache-Control"] = "private, no-store"
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def _post(slug, tenant_slug=None):
    article, site = _article(slug, tenant_slug)
    actor = page_actor()
    values = {"body": request.form.get("body", ""), "guest_name": request.form.get("guest_name", "")}
    data = {"body": values["body"]}
    if actor is None:
        data["guest_name"] = values["guest_name"].strip() or None
    try:
        created = call("feedback", "add_comment", actor or ANONYMOUS, article["id"], data, client_address())
    except Unauthorized:
        return redirect("/dang-nhap?tiep=" + quote(article["path"] + "#binh-luan", safe="/"), code=303)
    except InvalidInput as exc:
        errors = field_errors(exc, known=FIELDS)
        return _again(article, site, 422, values=values, errors=errors, problem=errors.pop("", None))
    except RateLimited as exc:
        return _again(
            article, site, 429, values=values, problem=exc.message, headers={"Retry-After": str(exc.retry_after)}
        )
    status = "published" if created.get("status") == "published" else "pending"
    session[NOTICE_KEY] = {"kind": "ok" if status == "published" else "info", "text": NOTICES[status]}
    return redirect(article["path"] + "#binh-luan", code=303)


@bp.route("/bai-viet/<slug>/binh-luan", methods=["POST"])
def post_comment(slug):
    return _post(slug)


@bp.route("/don-vi/<tenant_slug>/bai-viet/<slug>/binh-luan", methods=["POST"])
def post_site_comment(tenant_slug, slug):
    return _post(slug, tenant_slug)


# -- reporting --------------------------------------------------------------------------------


@bp.route("/binh-luan/<comment_id>/bao-cao", methods=["POST"])
def report(comment_id):
    back = request.form.get("bai", "")
    if not _ARTICLE_PATH.match(back):
        back = "/"
    target = back + "#binh-luan" if back != "/" else "/"
    actor = page_actor()
    if actor is None:
        return redirect("/dang-nhap?tiep=" + quote(target, safe="/"), code=303)
    reason = (request.form.get("reason") or "").strip() or None
    try:
        result = call("feedback", "report_comment", actor, comment_id, {"reason": reason})
    except InvalidInput as exc:
        message = " ".join(field_errors(exc).values())
        session[NOTICE_KEY] = {"kind": "error", "text": f"Chưa gửi được báo cáo: {message}"}
        return redirect(target, code=303)
    text = "Cảm ơn bạn đã báo cáo. Người kiểm duyệt sẽ xem xét bình luận này."
    if result.get("hidden"):
        text += " Bình luận đã được tạm ẩn trong khi chờ kiểm duyệt."
    session[NOTICE_KEY] = {"kind": "ok", "text": text}
    return redirect(target, code=303)
