"""``/quan-tri/bien-tap``: the editor's desk — the review queue and one article under review.

The desk's editors see what was submitted to their sections from every federation (content's
``list_articles`` as the editor) and move it through the workflow with content's RPCs
(``transition_article``, ``update_article``, ``correct_article``): every rule — who may act, which
action the state allows, the review lock, the past schedule — is content's; this module only
calls and renders.

* ``GET /quan-tri/bien-tap`` — the queue, one ``list_articles`` per page: ``?trang-thai=``
  (a status key: submitted, in_review, approved, scheduled, published, unpublished, returned,
  rejected), ``?chuyen-muc=`` (news, thematic, directives), ``?don-vi=`` (a federation's tenant
  id; the chooser lists content's ``public_sites``, cached), ``?cho=`` (1, 3 or 7: unchanged for
  at least that many days), ``?sap-xep=`` (``cho-lau``: longest waiting first, the default;
  ``moi``: most recently changed first), ``?trang=``. The lock of an item in review is shown:
  «đang biên tập: <tên>, đến <HH:MM>» (Vietnam time), or that it has expired.
* ``GET /quan-tri/bien-tap/<id>`` — the text, photos, authors, history with comments, a link
  to the revisions, and a form for each action the article's state allows (``allowed_actions``).
* ``POST /quan-tri/bien-tap/<id>/<action>`` — each action (CSRF token required): 303 back to
  the article with a flash; bad input → the page again, 422, the message beside the field and
  the typed text kept; a conflict (another editor's lock, an expired lock, the state changed
  meanwhile) → the page again, 409, saying who holds it until when and what to do; an
  article of another desk → the 404 page.

Stable names for the browser test (ids are ``form-<action>`` for the forms and the field
names as ids, prefixed with the form where two forms share a name):

=======================  ===========================  =================================================
button label             form id / POST path suffix    fields (name)
=======================  ===========================  =================================================
«Mở để biên tập»         ``form-mo`` / ``/mo``         —
«Lưu bản biên tập»       ``form-sua`` / ``/sua``       ``title``, ``summary``, ``body``
«Trả lại»                ``form-tra-lai`` / ``/tra-lai``  ``comment`` (required)
«Từ chối»                ``form-tu-choi`` / ``/tu-choi``  ``reject_reason`` (required)
«Duyệt»                  ``form-duyet`` / ``/duyet``   —
«Hẹn giờ đăng»           ``form-hen-gio`` / ``/hen-gio``  ``publish_at`` (``datetime-local``, Vietnam time)
«Đăng»                   ``form-dang`` / ``/dang``     —
«Gỡ bài»                 ``form-go`` / ``/go``         ``unpublish_reason`` (required)
«Đính chính»             ``form-dinh-chinh`` / ``/dinh-chinh``  ``note`` (required), ``new_work`` (checkbox
                                                      «Tính là tác phẩm mới»), ``correct_title``,
                                                      ``correct_summary``, ``correct_body``
=======================  ===========================  =================================================

The queue's filters form is ``form-loc`` (fields ``trang-thai``, ``chuyen-muc``, ``don-vi``,
``cho``, ``sap-xep``); its table is ``bang-hang-cho``; each row's title links to the article;
the lock note has the class ``lock-note``. Messages: ``.notice.flash.ok`` after an action,
``#thong-bao-loi`` (role=alert) for a refusal, ``#loi-<field>`` beside a field.
"""

from datetime import UTC, datetime

from flask import Blueprint, abort, flash, redirect, request

from gateway.api.common import call
from gateway.web.format import VIETNAM
from gateway.web.portal.common import SECTION_BY_KEY, SECTIONS, field_errors, page_number, pages_of, public
from gateway.web.render import page
from gateway.web.workspace.common import BASE, block, menu, staff
from platform_shared.errors import Conflict, InvalidInput, NotFound, PlatformError
from platform_shared.schemas import content as schema

bp = Blueprint("workspace_desk", __name__)

QUEUE = f"{BASE}/bien-tap"
PER_PAGE = 20
STATUSES = [s for s in schema.STATUSES if s != "draft"]  # a desk never sees a draft
WAITING = {"1": "Chờ quá 1 ngày", "3": "Chờ quá 3 ngày", "7": "Chờ quá 7 ngày"}
ORDERS = {"cho-lau": ("waiting", "Chờ lâu nhất trước"), "moi": ("changed", "Mới thay đổi trước")}

# path suffix → (the workflow action, the form's fields, the flash on success)
ACTIONS = {
    "mo": ("open", (), "Bạn đã nhận bài để biên tập. Bài được giữ cho bạn đến {until}."),
    "sua": ("edit", ("title", "summary", "body"), "Đã lưu bản biên tập (phiên bản {revision})."),
    "tra-lai": ("return", ("comment",), "Đã trả lại bài cho tác giả kèm nhận xét."),
    "tu-choi": ("reject", ("reject_reason",), "Đã từ chối bài. Tác giả sẽ thấy lý do."),
    "duyet": ("approve", (), "Đã duyệt bài. Bài chờ đăng hoặc hẹn giờ đăng."),
    "hen-gio": ("schedule", ("publish_at",), "Đã hẹn giờ đăng lúc {publish_at}."),
    "dang": ("publish", (), "Đã đăng bài lên cổng thông tin."),
    "go": ("unpublish", ("unpublish_reason",), "Đã gỡ bài khỏi cổng thông tin."),
    "dinh-chinh": (
        "correct",
        ("note", "new_work", "correct_title", "correct_summary", "correct_body"),
        "Đã đăng bản đính chính (phiên bản {revision}).",
    ),
}
SUFFIX_OF = {action: suffix for suffix, (action, _, _) in ACTIONS.items()}
# where a service message about a request field belongs on the page, per action
FIELD_OF = {
    "reject": {"reason": "reject_reason"},
    "unpublish": {"reason": "unpublish_reason"},
    "correct": {"title": "correct_title", "summary": "correct_summary", "body": "correct_body"},
}
BAD_MOMENT = "Nhập ngày và giờ đăng theo giờ Việt Nam, ví dụ 05/12/2026 08:30."


# -- the queue -------------------------------------------------------------------------------


def _federations():
    """The federations for the chooser (content's sub-site directory, from the gateway's cache);
    None when content does not answer (the queue still works without the filter)."""
    sites = block(lambda: public("content", "content", "public_sites", {}))
    return sites.get("items") or [] if sites else None


def lock_of(article, now=None):
    """What the page says of an article's review lock: its holder, until when, whether it is
    still held and whether it is the reader's; None when it has none."""
    if article.get("status") != "in_review" or not article.get("locked_until"):
        return None
    until = datetime.fromisoformat(article["locked_until"].replace("Z", "+00:00"))
    if until.tzinfo is None:
        until = until.replace(tzinfo=UTC)
    return {
        "name": article.get("locked_by_name") or "một biên tập viên khác",
        "until": until,
        "time": f"{until.astimezone(VIETNAM):%H:%M}",
        "held": until > (now or datetime.now(UTC)),
        "by": article.get("locked_by"),
    }


@bp.route(QUEUE)
def queue():
    actor = staff()
    number = page_number()
    chosen = {name: request.args.get(name, "") for name in ("trang-thai", "chuyen-muc", "don-vi", "cho", "sap-xep")}
    if chosen["trang-thai"] and chosen["trang-thai"] not in STATUSES:
        abort(404)
    if chosen["chuyen-muc"] and chosen["chuyen-muc"] not in SECTION_BY_KEY:
        abort(404)
    if chosen["cho"] and chosen["cho"] not in WAITING:
        abort(404)
    order = ORDERS.get(chosen["sap-xep"] or "cho-lau")
    if order is None:
        abort(404)
    args = {"page": str(number), "per_page": str(PER_PAGE), "order": order[0]}
    for name, key in (
        ("trang-thai", "status"),
        ("chuyen-muc", "section"),
        ("don-vi", "tenant_id"),
        ("cho", "waiting_days"),
    ):
        if chosen[name]:
            args[key] = chosen[name]
    answer, pagination, problem, status = None, None, None, 200
    try:
        answer = call("content", "list_articles", actor, args)
        pagination = pages_of(answer, number)
    except InvalidInput as exc:
        problem, status = " ".join(field_errors(exc).values()), 422
    now = datetime.now(UTC)
    return page(
        "workspace/desk_queue.html",
        status=status,
        answer=answer,
        locks={item["id"]: lock_of(item, now) for item in (answer or {}).get("items") or []},
        pagination=pagination,
        problem=problem,
        chosen=chosen,
        statuses=[(s, schema.STATUS_LABELS[s]) for s in STATUSES],
        sections=SECTIONS,
        federations=_federations(),
        waiting=WAITING,
        orders={key: label for key, (_, label) in ORDERS.items()},
        query_extra={k: v for k, v in chosen.items() if v},
        base_path=QUEUE,
        menu=menu(actor),
        current=QUEUE,
        breadcrumbs=[(f"{BASE}/", "Tổng quan"), (None, "Biên tập")],
    )


# -- one article ------------------------------------------------------------------------------


def _photos(actor, article):
    """The article's photos as the desk sees them: media shows the desk reviewing an article its
    photos (caption, alt text, credit, every rendition) once the article is submitted, by the
    same short-lived signed URLs (``url``) as the writer's own pages — or the public URL once
    published. One media call each, on this page only; a photo media does not show (removed,
    media away) is listed by its number alone."""
    photos = []
    for asset_id in article.get("asset_ids") or []:
        try:
            asset = call("media", "get_asset", actor, asset_id)
        except NotFound:
            photos.append({"id": asset_id, "missing": True})
            continue
        except PlatformError as exc:
            if exc.status < 500:
                raise
            photos.append({"id": asset_id, "missing": True})
            continue
        renditions = asset.get("renditions") or {}
        # The original stands in while the thumb and medium are being made (``renditions_pending``).
        thumb = renditions.get("thumb") or renditions.get("medium") or renditions.get("original") or {}
        photos.append(
            {
                "id": asset["id"],
                "image": asset.get("kind") == "image",
                "filename": asset.get("filename"),
                "caption": asset.get("caption"),
                "alt": asset.get("alt_text"),
                "credit": asset.get("credit_name"),
                "source": asset.get("source"),
                "src": _rendition_url(thumb),
                "thumb_width": thumb.get("width"),
                "thumb_height": thumb.get("height"),
                "medium": _rendition_url(renditions.get("medium")),
                "original": _rendition_url(renditions.get("original")),
                "width": asset.get("width"),
                "height": asset.get("height"),
            }
        )
    return photos


def _rendition_url(rendition):
    return None if not rendition else rendition.get("public_url") or rendition.get("url")


def _article_page(actor, article_id, *, status=200, form=None, errors=None, problem=None, article=None):
    article = article or call("content", "get_article", actor, article_id)
    if article.get("status") == "draft":
        abort(404)  # a desk's page never shows a draft (the writer's own pages do)
    errors = dict(errors or {})
    problem = problem or errors.pop("", None)
    return page(
        "workspace/desk_article.html",
        status=status,
        article=article,
        lock=lock_of(article),
        mine=bool(article.get("locked_by")) and article.get("locked_by") == actor.get("user_id"),
        photos=_photos(actor, article),
        allowed=set(article.get("allowed_actions") or []),
        suffix=SUFFIX_OF,
        form=form or {},
        errors=errors,
        problem=problem,
        action_labels=ACTION_LABELS,
        menu=menu(actor),
        current=QUEUE,
        breadcrumbs=[(f"{BASE}/", "Tổng quan"), (QUEUE, "Biên tập"), (None, article["title"])],
        headers={"Cache-Control": "private, no-store"} if status != 200 else None,
    )


ACTION_LABELS = {
    "submit": "Gửi",
    "open": "Nhận biên tập",
    "return": "Trả lại",
    "reject": "Từ chối",
    "approve": "Duyệt",
    "schedule": "Hẹn giờ đăng",
    "publish": "Đăng",
    "unpublish": "Gỡ bài",
    "correct": "Đính chính",
    "edit": "Sửa",
    "create": "Tạo bài",
}


@bp.route(f"{QUEUE}/<article_id>")
def article(article_id):
    actor = staff()
    return _article_page(actor, article_id)


REVISION_KINDS = {"created": "Bản gửi đầu", "edit": "Sửa", "correction": "Đính chính"}


@bp.route(f"{QUEUE}/<article_id>/phien-ban")
def revisions(article_id):
    actor = staff()
    found = call("content", "get_article", actor, article_id)
    if found.get("status") == "draft":
        abort(404)
    return page(
        "workspace/desk_revisions.html",
        article=found,
        revisions=list(reversed(call("content", "list_revisions", actor, article_id))),
        kinds=REVISION_KINDS,
        menu=menu(actor),
        current=QUEUE,
        breadcrumbs=[
            (f"{BASE}/", "Tổng quan"),
            (QUEUE, "Biên tập"),
            (f"{QUEUE}/{found['id']}", found["title"]),
            (None, "Phiên bản"),
        ],
    )


def _moment(text):
    """A ``datetime-local`` value typed in Vietnam time, as ISO 8601 with its offset; None if unreadable."""
    text = (text or "").strip()
    for shape in ("%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%d/%m/%Y %H:%M"):
        try:
            return datetime.strptime(text, shape).replace(tzinfo=VIETNAM).isoformat()
        except ValueError:
            continue
    return None


def _request_of(action, form):
    """The RPC's data for ``action`` from the form, or ``({field: message}, None)`` when a value
    cannot even be read (a moment in an unknown shape)."""
    if action == "edit":
        data = {k: form[k] for k in ("title", "summary", "body") if k in request.form}
        if "summary" in data:
            data["summary"] = data["summary"].strip() or None  # a blank summary is none
        return None, data
    if action == "return":
        return None, {"comment": form["comment"]} if form["comment"].strip() else {}
    if action in ("reject", "unpublish"):
        reason = form[f"{action}_reason"]
        return None, {"reason": reason} if reason.strip() else {}
    if action == "schedule":
        if not form["publish_at"].strip():
            return {"publish_at": "Vui lòng chọn ngày và giờ đăng."}, None
        moment = _moment(form["publish_at"])
        if moment is None:
            return {"publish_at": BAD_MOMENT}, None
        return None, {"publish_at": moment}
    if action == "correct":
        data = {"note": form["note"], "new_work": form["new_work"] == "1"}
        for name in ("title", "summary", "body"):
            if f"correct_{name}" in request.form:
                data[name] = form[f"correct_{name}"]
        if "summary" in data:
            data["summary"] = data["summary"].strip() or None
        return None, data
    return None, None


@bp.route(f"{QUEUE}/<article_id>/<suffix>", methods=["POST"])
def act(article_id, suffix):
    actor = staff()
    if suffix not in ACTIONS:
        abort(404)
    action, fields, done = ACTIONS[suffix]
    form = {name: request.form.get(name, "") for name in fields}
    unreadable, data = _request_of(action, form)
    if unreadable:
        return _article_page(actor, article_id, status=422, form=form, errors=unreadable)
    try:
        if action == "edit":
            result = call("content", "update_article", actor, article_id, data)
        elif action == "correct":
            result = call("content", "correct_article", actor, article_id, data)
        else:
            result = call("content", "transition_article", actor, article_id, action, data)
    except InvalidInput as exc:
        errors = field_errors(exc, FIELD_OF.get(action), known=set(fields))
        return _article_page(actor, article_id, status=422, form=form, errors=errors)
    except Conflict as exc:
        return _article_page(actor, article_id, status=409, form=form, problem=_conflict_message(exc))
    flash(done.format(**_flash_values(result)), "ok")
    return redirect(f"{QUEUE}/{result['id']}", code=303)


def _flash_values(article):
    lock = lock_of(article)
    publish_at = article.get("publish_at")
    when = datetime.fromisoformat(publish_at.replace("Z", "+00:00")).astimezone(VIETNAM) if publish_at else None
    return {
        "until": lock["time"] if lock else "",
        "revision": article.get("revision"),
        "publish_at": f"{when:%d/%m/%Y %H:%M}" if when else "",
    }


def _conflict_message(exc):
    """The service's own words (who holds the lock until when, or what the state allows), with
    what to do next."""
    if exc.code == "TRANSITION_NOT_ALLOWED" or exc.code == "NOT_EDITABLE":
        return f"{exc.message} Trạng thái của bài vừa thay đổi: xem lại trang dưới đây rồi chọn thao tác phù hợp."
    return exc.message
