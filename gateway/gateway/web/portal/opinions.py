"""«Ý kiến đoàn viên»: the topics members are asked about, and sending an opinion.

* ``/y-kien-doan-vien`` — the topics (feedback ``list_topics`` as the visitor: anonymous
  visitors get the national topics still open, a signed-in user also their own tenant's);
* ``/y-kien-doan-vien/{topic_id}`` — one topic (feedback ``get_topic``: one the visitor's
  list shows, with ``accepting`` — whether it takes opinions today), its published opinions for a signed-in reader (``list_opinions``,
  ``status=published``), and the form; ``POST`` there → ``give_opinion`` as the signed-in
  member → 303 back with a notice (opinions wait for moderation). Refused text: the page
  again with **422**, the message beside the field and the text kept; a closed topic 409, too
  many opinions 429, a user with no unit 403 — each the page again with its message.
  Anonymous visitors see a «Đăng nhập để gửi ý kiến» link; their POST is a 303 to sign in.

Not cached: no fact tells the gateway that a topic was opened or closed, so each visit asks.
"""

from urllib.parse import quote

from flask import Blueprint, abort, redirect, request, session

from gateway.api.common import call
from gateway.auth import ANONYMOUS
from gateway.web.portal.common import absolute, field_errors, page_number, pages_of
from gateway.web.render import page
from gateway.web.session import page_actor
from platform_shared.errors import Conflict, Forbidden, InvalidInput, NotFound, RateLimited, Unauthorized

bp = Blueprint("portal_opinions", __name__)

PER_PAGE = 10
NOTICE_KEY = "opinion_notice"
FIELDS = {"body": "Ý kiến của bạn"}
NO_STORE = {"Cache-Control": "private, no-store"}


def _sign_in_path(path):
    return "/dang-nhap?tiep=" + quote(path, safe="/")


@bp.route("/y-kien-doan-vien")
def index():
    actor = page_actor()
    number = page_number()
    answer = call("feedback", "list_topics", actor or ANONYMOUS, {"page": str(number), "per_page": str(PER_PAGE)})
    pagination = pages_of(answer, number)
    return page(
        "portal/ykien_index.html",
        topics=answer.get("items") or [],
        answer=answer,
        pagination=pagination,
        signed_in=actor is not None,
        sign_in=_sign_in_path("/y-kien-doan-vien"),
        base_path="/y-kien-doan-vien",
        canonical=absolute("/y-kien-doan-vien"),
        breadcrumbs=[("/", "Trang chủ"), (None, "Ý kiến đoàn viên")],
    )


def _topic(actor, topic_id):
    """The topic as the visitor's topics list shows it (with ``accepting``); NotFound otherwise."""
    return call("feedback", "get_topic", actor or ANONYMOUS, topic_id)


def _topic_page(topic_id, status=200, *, body="", errors=None, problem=None, headers=None):
    actor = page_actor()
    topic = _topic(actor, topic_id)
    opinions = None
    if actor is not None:
        try:
            opinions = call(
                "feedback", "list_opinions", actor, {"topic_id": topic_id, "status": "published", "per_page": "100"}
            )
        except NotFound:
            abort(404)
    notice = session.pop(NOTICE_KEY, None) if NOTICE_KEY in session else None
    path = f"/y-kien-doan-vien/{topic['id']}"
    return page(
        "portal/ykien_topic.html",
        status=status,
        topic=topic,
        opinions=opinions,
        signed_in=actor is not None,
        sign_in=_sign_in_path(path),
        action=path,
        body=body,
        errors=errors or {},
        problem=problem,
        notice=notice,
        fields=FIELDS,
        canonical=absolute(path),
        headers={**NO_STORE, **(headers or {})} if status != 200 else headers,
        breadcrumbs=[("/", "Trang chủ"), ("/y-kien-doan-vien", "Ý kiến đoàn viên"), (None, topic["title"])],
    )


@bp.route("/y-kien-doan-vien/<topic_id>", methods=["GET", "POST"])
def topic(topic_id):
    if request.method == "GET":
        return _topic_page(topic_id)
    actor = page_actor()
    path = f"/y-kien-doan-vien/{topic_id}"
    if actor is None:
        return redirect(_sign_in_path(path), code=303)
    body = request.form.get("body", "")
    try:
        call("feedback", "give_opinion", actor, {"topic_id": topic_id, "body": body})
    except Unauthorized:
        return redirect(_sign_in_path(path), code=303)
    except InvalidInput as exc:
        errors = field_errors(exc, {"topic_id": ""}, known=FIELDS)
        if errors.keys() == {""} and "topic_id" in ((exc.details or {}).get("errors") or {}):
            abort(404)  # not a topic id at all
        return _topic_page(topic_id, 422, body=body, errors=errors, problem=errors.pop("", None))
    except RateLimited as exc:
        return _topic_page(topic_id, 429, body=body, problem=exc.message, headers={"Retry-After": str(exc.retry_after)})
    except Conflict as exc:
        return _topic_page(topic_id, 409, body=body, problem=exc.message)
    except Forbidden as exc:
        return _topic_page(topic_id, 403, body=body, problem=exc.message)
    session[NOTICE_KEY] = {
        "kind": "ok",
        "text": "Cảm ơn bạn! Ý kiến đã được gửi và đang chờ duyệt; ý kiến được đăng sau khi cán bộ công đoàn xem xét.",
    }
    return redirect(path + "#gui-y-kien", code=303)
