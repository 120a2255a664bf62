"""``/quan-tri/y-kien``: the federation's opinion topics and their opinions; ``/quan-tri/binh-luan``:
the comment queue and the sections' comment settings. Every rule is feedback's (who may act, which
topic or comment is the person's, what a section takes); this module calls and renders.

* ``GET /quan-tri/y-kien`` — the own tenant's topics (``list_topics`` ``mine``: the staff who
  work opinions; others 403), each with its opinions waiting, ``?trang=``.
* ``GET, POST /quan-tri/y-kien/moi`` — a new topic (``create_topic``: tenant admins): ``title``,
  ``description``, ``opens_on``, ``closes_on`` (``type=date``); 422: the form again with the
  message beside each field and the values kept; success: 303 to the topic.
* ``GET /quan-tri/y-kien/<topic id>`` — the topic (``get_topic`` ``moderated``: another
  tenant's is 404) and its opinions by ``?tab=`` (``cho-duyet`` default, ``da-dang``, ``da-an``),
  ``?trang=``; the forms ``form-dong-chu-de`` («Đóng chủ đề») or ``form-mo-lai`` («Mở lại chủ đề»,
  field ``closes_on``).
* ``POST /quan-tri/y-kien/<topic id>/dong`` and ``/mo-lai`` (``topic_action``) — 303 back with a
  flash; a closing day already past: the topic page again, 422, beside ``closes_on``.
* ``POST /quan-tri/y-kien/<topic id>/y-kien/<opinion id>/<dang|an|tra-loi>`` (``opinion_action``:
  publish, hide, answer with ``answer``) — 303 back to the same tab with a flash; an answer
  refused: the page again, 422, the message beside that opinion's answer (``#loi-answer-<id>``).
* ``GET /quan-tri/binh-luan`` — the comment queue (``moderation_queue``) by ``?tab=``
  (``cho-duyet``: pending, default; ``bao-cao``: reported, with the reports' reasons and times;
  ``da-an``: hidden), ``?trang=``: each comment with its author, the article (a link to the
  public page) and the forms «Duyệt»/«Giữ lại»/«Hiện lại» and «Ẩn».
* ``POST /quan-tri/binh-luan/<comment id>/<duyet|an>`` (``comment_action``) — 303 back to the
  same tab and page with a flash (a refusal, e.g. the article was taken down: an error flash);
  with htmx (``hx-post``) the browser follows the same 303 and swaps ``main`` in place.
* ``GET, POST /quan-tri/binh-luan/cai-dat`` — each section's settings (``list_comment_settings``,
  ``put_comment_settings``): one form per section (``form-cai-dat-<key>``: ``section``,
  ``premoderated``, ``guests_allowed`` checkboxes); 422 (an unknown section) above the table.

A landing card «Bình luận và ý kiến» (``count_waiting_moderation``): comments waiting, reported
comments, opinions waiting, each a link.
"""

from urllib.parse import urlencode

from flask import Blueprint, abort, flash, redirect, request

from gateway.api.common import call
from gateway.web.portal.common import article_path, field_errors, page_number, pages_of
from gateway.web.render import page
from gateway.web.workspace.common import BASE, block, has, menu, staff, tile
from platform_shared.errors import Conflict, InvalidInput

bp = Blueprint("workspace_moderation", __name__)

TOPICS = f"{BASE}/y-kien"
COMMENTS = f"{BASE}/binh-luan"
SETTINGS = f"{COMMENTS}/cai-dat"
PER_PAGE = 20

OPINION_TABS = {
    "cho-duyet": ("pending", "Chờ duyệt"),
    "da-dang": ("published", "Đã đăng"),
    "da-an": ("hidden", "Đã ẩn"),
}
COMMENT_TABS = {
    "cho-duyet": ("pending", "Chờ duyệt"),
    "bao-cao": ("reported", "Bị báo cáo"),
    "da-an": ("hidden", "Đã ẩn"),
}
TOPIC_FIELDS = {
    "title": "Tên chủ đề",
    "description": "Nội dung cần lấy ý kiến",
    "opens_on": "Ngày bắt đầu",
    "closes_on": "Ngày kết thúc",
}
# path suffix → (the service's action, the flash on success)
OPINION_ACTIONS = {
    "dang": ("publish", "Đã đăng ý kiến."),
    "an": ("hide", "Đã ẩn ý kiến."),
    "tra-loi": ("answer", "Đã lưu câu trả lời cho ý kiến."),
}
COMMENT_ACTIONS = {"duyet": "approve", "an": "hide"}
HIDDEN_REASONS = {
    "reports": "tự ẩn do nhiều người báo cáo",
    "moderator": "người kiểm duyệt đã ẩn",
    "article_unpublished": "bài viết đã bị gỡ",
}


def _crumbs(*more):
    return [(f"{BASE}/", "Tổng quan"), *more]


def _tab(tabs):
    """``?tab=`` among ``tabs`` (the first by default); anything else is a page that does not exist."""
    chosen = request.args.get("tab") or next(iter(tabs))
    if chosen not in tabs:
        abort(404)
    return chosen


def _back(path, tab, number=1):
    """``path`` at ``tab`` and page ``number`` (the first tab and page 1 leave their parameter out)."""
    query = {}
    if tab:
        query["tab"] = tab
    if number > 1:
        query["trang"] = number
    return path + ("?" + urlencode(query) if query else "")


def _posted_back(tabs):
    """The tab and page a row's form came from (hidden fields), checked like the query's."""
    tab = request.form.get("tab") or ""
    number = request.form.get("trang") or "1"
    tab = tab if tab in tabs else next(iter(tabs))
    return tab, int(number) if number.isdigit() and 0 < int(number) < 100000 else 1


# -- the landing card ---------------------------------------------------------------------------


@tile("Bình luận và ý kiến", "moderator", "responder", "tenant_admin", "platform_admin")
def waiting_card(actor):
    """What waits for the person: comments to approve, reported comments, opinions to moderate."""
    waiting = call("feedback", "count_waiting_moderation", actor)
    lines = []
    if waiting.get("comments_pending") is not None:
        lines.append((waiting["comments_pending"], "bình luận chờ duyệt", COMMENTS))
        lines.append((waiting["comments_reported"], "bình luận bị báo cáo", f"{COMMENTS}?tab=bao-cao"))
    if waiting.get("opinions_pending") is not None:
        lines.append((waiting["opinions_pending"], "ý kiến đoàn viên chờ xử lý", TOPICS))
    return lines or None


# -- opinion topics -----------------------------------------------------------------------------


@bp.route(TOPICS)
def topics():
    actor = staff()
    number = page_number()
    answer = call("feedback", "list_topics", actor, {"mine": "true", "page": str(number), "per_page": str(PER_PAGE)})
    return page(
        "workspace/moderation_topics.html",
        answer=answer,
        pagination=pages_of(answer, number),
        may_open=has(actor, "tenant_admin", "platform_admin"),
        base_path=TOPICS,
        menu=menu(actor),
        current=TOPICS,
        breadcrumbs=_crumbs((None, "Ý kiến đoàn viên")),
    )


def _new_topic_page(actor, status=200, *, form=None, errors=None):
    errors = dict(errors or {})
    return page(
        "workspace/moderation_topic_new.html",
        status=status,
        form=form or {},
        errors=errors,
        problem=errors.pop("", None),
        fields=TOPIC_FIELDS,
        menu=menu(actor),
        current=TOPICS,
        breadcrumbs=_crumbs((TOPICS, "Ý kiến đoàn viên"), (None, "Mở chủ đề mới")),
        headers={"Cache-Control": "private, no-store"} if status != 200 else None,
    )


@bp.route(f"{TOPICS}/moi", methods=["GET", "POST"])
def new_topic():
    actor = staff()
    if request.method == "GET":
        return _new_topic_page(actor)
    form = {name: request.form.get(name, "") for name in TOPIC_FIELDS}
    data = {
        "title": form["title"],
        "description": form["description"],
        "opens_on": form["opens_on"].strip() or None,
        "closes_on": form["closes_on"].strip() or None,
    }
    try:
        created = call("feedback", "create_topic", actor, data)
    except InvalidInput as exc:
        return _new_topic_page(actor, 422, form=form, errors=field_errors(exc, known=TOPIC_FIELDS))
    flash(f"Đã mở chủ đề «{created['title']}».", "ok")
    return redirect(f"{TOPICS}/{created['id']}", code=303)


def _topic_page(actor, topic_id, *, status=200, errors=None, problem=None, form=None):
    """The topic and its opinions of the chosen tab; ``errors``/``form``: a refused form again."""
    tab = _tab(OPINION_TABS) if request.method == "GET" else _posted_back(OPINION_TABS)[0]
    number = page_number() if request.method == "GET" else _posted_back(OPINION_TABS)[1]
    topic = call("feedback", "get_topic", actor, topic_id, {"moderated": "true"})
    opinions = call(
        "feedback",
        "list_opinions",
        actor,
        {"topic_id": topic["id"], "status": OPINION_TABS[tab][0], "page": str(number), "per_page": str(PER_PAGE)},
    )
    path = f"{TOPICS}/{topic['id']}"
    return page(
        "workspace/moderation_topic.html",
        status=status,
        topic=topic,
        opinions=opinions,
        pagination=pages_of(opinions, number),
        tabs=OPINION_TABS,
        tab=tab,
        number=number,
        path=path,
        query_extra={"tab": tab} if tab != "cho-duyet" else {},
        may_open=has(actor, "tenant_admin", "platform_admin"),
        errors=errors or {},
        problem=problem,
        form=form or {},
        menu=menu(actor),
        current=TOPICS,
        breadcrumbs=_crumbs((TOPICS, "Ý kiến đoàn viên"), (None, topic["title"])),
        headers={"Cache-Control": "private, no-store"} if status != 200 else None,
    )


@bp.route(f"{TOPICS}/<topic_id>")
def topic_page(topic_id):
    return _topic_page(staff(), topic_id)


@bp.route(f"{TOPICS}/<topic_id>/<suffix>", methods=["POST"])
def topic_action(topic_id, suffix):
    actor = staff()
    actions = {"dong": ("close", "Đã đóng chủ đề: đoàn viên không gửi thêm ý kiến được."), "mo-lai": ("open", None)}
    if suffix not in actions:
        abort(404)
    action, done = actions[suffix]
    form = {"closes_on": request.form.get("closes_on", "")}
    data = {"closes_on": form["closes_on"].strip() or None} if action == "open" else {}
    try:
        topic = call("feedback", "topic_action", actor, topic_id, action, data)
    except InvalidInput as exc:
        errors = field_errors(exc, known={"closes_on"})
        return _topic_page(actor, topic_id, status=422, errors=errors, problem=errors.pop("", None), form=form)
    except Conflict as exc:
        return _topic_page(
            actor, topic_id, status=409, problem=f"{exc.message} Trang đã được tải lại: xem trạng thái mới."
        )
    if action == "open":
        until = topic.get("closes_on")
        done = "Đã mở lại chủ đề" + (f" đến hết ngày {_vn_day(until)}." if until else ".")
    flash(done, "ok")
    tab, number = _posted_back(OPINION_TABS)
    return redirect(_back(f"{TOPICS}/{topic['id']}", tab if tab != "cho-duyet" else "", number), code=303)


def _vn_day(iso_day):
    year, month, day = iso_day.split("-")
    return f"{day}/{month}/{year}"


@bp.route(f"{TOPICS}/<topic_id>/y-kien/<opinion_id>/<suffix>", methods=["POST"])
def opinion_action(topic_id, opinion_id, suffix):
    actor = staff()
    if suffix not in OPINION_ACTIONS:
        abort(404)
    action, done = OPINION_ACTIONS[suffix]
    answer = request.form.get("answer", "")
    data = {"answer": answer} if action == "answer" else {}
    key = f"answer-{opinion_id}"
    try:
        call("feedback", "opinion_action", actor, opinion_id, action, data)
    except InvalidInput as exc:
        message = " ".join(field_errors(exc).values())
        return _topic_page(actor, topic_id, status=422, errors={key: message}, form={key: answer})
    except Conflict as exc:
        return _topic_page(actor, topic_id, status=409, problem=exc.message)
    flash(done, "ok")
    tab, number = _posted_back(OPINION_TABS)
    return redirect(_back(f"{TOPICS}/{topic_id}", tab if tab != "cho-duyet" else "", number), code=303)


# -- the comment queue --------------------------------------------------------------------------


def _with_article(comment):
    """The comment with ``article_href``: the public page of its article (None when unknown)."""
    slug = comment.get("article_slug")
    href = None
    if slug:
        site = comment.get("article_site")
        href = article_path({"site": "component" if site else "portal", "tenant": {"slug": site}, "slug": slug})
    return {**comment, "article_href": href, "hidden_note": HIDDEN_REASONS.get(comment.get("hidden_reason"))}


@bp.route(COMMENTS)
def comments():
    actor = staff()
    tab = _tab(COMMENT_TABS)
    number = page_number()
    answer = call(
        "feedback",
        "moderation_queue",
        actor,
        {"status": COMMENT_TABS[tab][0], "page": str(number), "per_page": str(PER_PAGE)},
    )
    pagination = pages_of(answer, number)
    waiting = block(lambda: call("feedback", "count_waiting_moderation", actor))
    counts = (
        {"cho-duyet": waiting.get("comments_pending"), "bao-cao": waiting.get("comments_reported")} if waiting else {}
    )
    counts[tab] = pagination["total"]
    return page(
        "workspace/moderation_comments.html",
        items=[_with_article(c) for c in answer.get("items") or []],
        pagination=pagination,
        tabs=COMMENT_TABS,
        tab=tab,
        counts=counts,
        number=number,
        base_path=COMMENTS,
        query_extra={"tab": tab} if tab != "cho-duyet" else {},
        menu=menu(actor),
        current=COMMENTS,
        breadcrumbs=_crumbs((None, "Bình luận")),
    )


@bp.route(f"{COMMENTS}/<comment_id>/<suffix>", methods=["POST"])
def comment_action(comment_id, suffix):
    actor = staff()
    if suffix not in COMMENT_ACTIONS:
        abort(404)
    tab, number = _posted_back(COMMENT_TABS)
    try:
        done = call("feedback", "comment_action", actor, comment_id, COMMENT_ACTIONS[suffix])
    except Conflict as exc:
        flash(f"Chưa thực hiện được: {exc.message}", "error")
    else:
        who = done.get("author_name") or "bạn đọc"
        if suffix == "duyet":
            flash(f"Đã duyệt bình luận của {who}: bình luận hiện dưới bài viết.", "ok")
        else:
            flash(f"Đã ẩn bình luận của {who}.", "ok")
    return redirect(_back(COMMENTS, tab if tab != "cho-duyet" else "", number), code=303)


# -- section settings ---------------------------------------------------------------------------


def _settings_page(actor, status=200, *, errors=None):
    errors = dict(errors or {})
    answer = call("feedback", "list_comment_settings", actor)
    sections = answer.get("items") or []
    return page(
        "workspace/moderation_settings.html",
        status=status,
        central=[s for s in sections if s["scope"] == "central"],
        own=[s for s in sections if s["scope"] != "central"],
        errors=errors,
        problem=errors.pop("", None),
        menu=menu(actor),
        current=COMMENTS,
        breadcrumbs=_crumbs((COMMENTS, "Bình luận"), (None, "Thiết lập chuyên mục")),
        headers={"Cache-Control": "private, no-store"} if status != 200 else None,
    )


@bp.route(SETTINGS, methods=["GET", "POST"])
def settings():
    actor = staff()
    if request.method == "GET":
        return _settings_page(actor)
    data = {
        "section": request.form.get("section", ""),
        "premoderated": request.form.get("premoderated") == "1",
        "guests_allowed": request.form.get("guests_allowed") == "1",
    }
    try:
        saved = call("feedback", "put_comment_settings", actor, data)
    except InvalidInput as exc:
        return _settings_page(actor, 422, errors=field_errors(exc, known={"section", "premoderated", "guests_allowed"}))
    flash(
        "Đã lưu thiết lập bình luận của chuyên mục: "
        + ("bình luận chờ duyệt trước khi hiện" if saved["premoderated"] else "bình luận hiện ngay")
        + (", khách được bình luận." if saved["guests_allowed"] else ", chỉ người đã đăng nhập được bình luận."),
        "ok",
    )
    return redirect(f"{SETTINGS}#muc-{saved['section']}", code=303)
