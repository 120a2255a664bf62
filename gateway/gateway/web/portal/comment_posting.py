"""Posting and reporting comments (the article page shows them: ``comments.block``).

* ``POST /bai-viet/{slug}/binh-luan`` (and ``/don-vi/{tenant}/bai-viet/{slug}/binh-luan``) →
  ``add_comment`` as the visitor, with the client's address → 303 back to ``#binh-luan`` with
  a notice (waiting for a moderator, or published). Refused text (no diacritics, markup, too
  short…): the article page again with **422**, the message beside the field, the text kept;
  too many comments: 429, the text kept. A visitor who may not comment (not signed in where
  the section takes no guests) sees a sign-in link instead of the form; a POST from them is
  a **303 to ``/dang-nhap?tiep=<the article>#binh-luan``** (a sign-in is what they need).
* ``POST /binh-luan/{id}/bao-cao`` (signed in; the form carries the article's path in
  ``bai``) → ``report_comment`` → 303 back with a notice; not signed in: 303 to sign in.

A separate module from ``comments`` because it renders the article page again
(``reading``), which itself shows ``comments.block``.
"""

from urllib.parse import quote

from flask import Blueprint, g, redirect, request, session

from gateway.api.common import call, client_address
from gateway.auth import ANONYMOUS
from gateway.web.portal.comments import _ARTICLE_PATH, FIELDS, NOTICE_KEY, NOTICES
from gateway.web.portal.common import field_errors
from gateway.web.portal.reading import article_data, article_page, site_data
from gateway.web.session import page_actor
from platform_shared.errors import InvalidInput, RateLimited, Unauthorized

bp = Blueprint("portal_comment_posting", __name__)

# -- posting ----------------------------------------------------------------------------------


def _article(slug, tenant_slug=None):
    """The public article (and its sub-site) the comment is for; 404 when it is not published."""
    site = site_data(tenant_slug) if tenant_slug else None
    return article_data(slug, site=tenant_slug), site


def _again(article, site, status, *, values, errors=None, problem=None, headers=None):
    """The article page again, the comment form holding what was typed and the messages."""
    g.comment_form = {"values": values, "errors": errors or {}, "problem": problem}
    response = article_page(article, site=site)
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
