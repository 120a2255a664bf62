"""``/quan-tri/bai-viet``: a contributor's articles — the list of their own work with the desk's
latest word and what to do next, writing and editing (section, genre, title, summary, body in a
rich-text editor, photos with caption / alt text / credit, co-authors with shares, tags), the
preview as the portal will show it, the revisions with a readable diff, and the draft's autosave.

Every rule is the content and media services' (the same RPCs as ``/api/v1/articles`` and
``/api/v1/media``); the body is sanitised by content as for the API. Bad input is the form again
(422) with the message beside the field and what was typed kept; a state changed meanwhile is 409.

Stable names for the browser tests (keep them):

* list: ``GET /quan-tri/bai-viet`` — filter form ``#loc-bai-viet`` (``trang-thai``, ``q``), table
  ``#bai-viet-cua-toi``, link ``a#viet-bai-moi`` to ``/quan-tri/bai-viet/moi``;
* form ``#bai-viet-form`` (``POST /quan-tri/bai-viet/moi`` or ``/quan-tri/bai-viet/<id>``,
  ``multipart/form-data``): fields ``section``, ``genre``, ``title``, ``summary``, ``body`` (a
  textarea of HTML; the editor ``#trinh-soan-thao`` writes into it), ``topic``, ``tags`` (comma
  separated), co-author rows ``author_user`` / ``author_pen_name`` / ``author_share`` (the live sum
  is ``#tong-ti-le``; ``button#them-tac-gia`` adds a row), photo rows ``photo_id`` /
  ``photo_caption`` / ``photo_alt`` / ``photo_credit`` and ``photo_remove`` (value: the asset id),
  ``photo_file`` (the plain file input), hidden ``revision`` and ``status``; buttons
  ``name="hanh_dong"``: ``value="luu"`` «Lưu nháp», ``value="gui"`` «Gửi duyệt»;
* the drop zone ``#vung-tha-anh`` (uploads to ``POST /quan-tri/bai-viet/anh``, header
  ``X-CSRF-Token``; progress in ``#tien-do-tai-anh``);
* the draft restore notice ``#khoi-phuc-nhap`` (buttons ``#khoi-phuc`` and ``#bo-ban-nhap``);
  autosave ``POST /quan-tri/bai-viet/<id>/tu-dong-luu``, its state in ``#trang-thai-luu``;
* preview ``GET /quan-tri/bai-viet/<id>/xem-truoc`` (the portal's ``portal/article.html``);
* revisions ``GET /quan-tri/bai-viet/<id>/phien-ban?tu=<n>&den=<m>`` (form ``#so-sanh``, diff
  ``#thay-doi`` with ``<ins>``/``<del>``).
"""

import difflib
import logging
from datetime import UTC, datetime

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, session

from gateway.api.common import call
from gateway.api.media import _upload
from gateway.web.portal.common import SECTION_BY_KEY, article_path, field_errors, page_number, pages_of
from gateway.web.portal.reading import photo_view
from gateway.web.render import page
from gateway.web.workspace.common import BASE, menu, staff
from gateway.web.workspace.media_upload import send_to_media
from platform_shared.errors import Conflict, Forbidden, InvalidInput, NotFound, PlatformError
from platform_shared.schemas import content as content_api
from platform_shared.schemas import media as media_api

log = logging.getLogger("gateway.web")
bp = Blueprint("workspace_articles", __name__)

HOME = f"{BASE}/bai-viet"
PER_PAGE = 20
FIELDS = ("section", "genre", "title", "summary", "body", "topic", "tags", "authors", "photos")
LABELS = {
    "section": "Chuyên mục",
    "genre": "Thể loại",
    "title": "Tiêu đề",
    "summary": "Sa-pô (tóm tắt)",
    "body": "Nội dung",
    "topic": "Chủ đề",
    "tags": "Từ khóa",
    "authors": "Tác giả và tỉ lệ nhuận bút",
    "photos": "Ảnh",
}
# What the writer does next, by status (the list's last column).
NEXT_STEP = {
    "draft": "Viết tiếp, rồi bấm «Gửi duyệt»",
    "returned": "Sửa và gửi lại",
    "submitted": "Chờ ban biên tập nhận bài",
    "in_review": "Ban biên tập đang biên tập — chờ kết quả",
    "approved": "Đã duyệt, chờ đăng",
    "scheduled": "Sẽ tự động đăng theo giờ hẹn",
    "published": "Đã đăng — xem trên cổng",
    "rejected": "Bài không được dùng; có thể viết bài mới",
    "unpublished": "Đã gỡ khỏi cổng — xem lý do",
}
ACTION_LABELS = {
    "return": "Trả lại",
    "reject": "Từ chối",
    "unpublish": "Gỡ bài",
    "correct": "Đính chính",
    "publish": "Đăng",
    "schedule": "Hẹn giờ",
}
SAVED = "Đã lưu bản nháp «{title}» (phiên bản {revision})."
SUBMITTED = "Đã gửi bài «{title}» cho ban biên tập. Bạn sẽ thấy nhận xét của ban biên tập ở danh sách bài viết."
BLANK_AUTHOR_ROWS = 2


# -- reading ------------------------------------------------------------------------------------


def _article(actor, article_id):
    """The article, or the 404 page (another tenant's, a malformed id, one that does not exist)."""
    try:
        return call("content", "get_article", actor, article_id)
    except (NotFound, InvalidInput):
        abort(404)


def _photos(actor, asset_ids):
    """The article's photos as the staff see them (short-lived URLs), in order; one that media no
    longer gives this actor is left out."""
    found = []
    for asset_id in asset_ids or ():
        try:
            asset = call("media", "get_asset", actor, asset_id)
        except NotFound:
            continue
        if asset.get("kind") == "image":
            found.append(photo_view(asset, url="url") | {"filename": asset.get("filename")})
    return found


def _sections(actor):
    return [s for s in call("content", "list_sections", actor) if s.get("status", "active") == "active"]


def _crumbs(*more):
    return [(f"{BASE}/", "Trang quản trị"), (HOME, "Bài viết của tôi"), *more]


@bp.route(HOME)
def my_articles():
    actor = staff()
    number = page_number()
    status = request.args.get("trang-thai") or ""
    q = (request.args.get("q") or "").strip()
    if status and status not in content_api.STATUSES:
        status = ""
    args = {"mine": "true", "page": str(number), "per_page": str(PER_PAGE)}
    if status:
        args["status"] = status
    if q:
        args["q"] = q
    problem = None
    try:
        answer = call("content", "list_articles", actor, args)
    except InvalidInput as exc:
        problem = field_errors(exc).get("q") or exc.message
        answer = {"items": [], "total": 0, "per_page": PER_PAGE}
    pagination = pages_of(answer, number)
    for item in answer.get("items") or []:
        item["next_step"] = NEXT_STEP.get(item["status"], "")
        item["portal_path"] = article_path({**item, "tenant": None}) if item["status"] == "published" else None
    extra = {k: v for k, v in (("trang-thai", status), ("q", q)) if v}
    return page(
        "workspace/articles_list.html",
        answer=answer,
        pagination=pagination,
        status_filter=status,
        q=q,
        problem=problem,
        statuses=content_api.STATUS_LABELS,
        action_labels=ACTION_LABELS,
        base_path=HOME,
        query_extra=extra,
        menu=menu(actor),
        current=HOME,
        breadcrumbs=_crumbs()[:-1] + [(None, "Bài viết của tôi")],
    )


# -- the form -----------------------------------------------------------------------------------


def _rows(form, *names):
    """Parallel lists of the form (``author_user``, ``author_pen_name``…) as rows; blank rows dropped."""
    columns = [form.getlist(n) for n in names]
    rows = []
    for i in range(max((len(c) for c in columns), default=0)):
        row = {n: (c[i].strip() if i < len(c) else "") for n, c in zip(names, columns, strict=True)}
        if any(row.values()):
            rows.append(row)
    return rows


def _typed(form):
    """What the form says, as the template shows it again."""
    authors = [
        {"user_id": r["author_user"], "pen_name": r["author_pen_name"], "share": r["author_share"]}
        for r in _rows(form, "author_user", "author_pen_name", "author_share")
    ]
    removed = set(form.getlist("photo_remove"))
    photos = [
        {"id": r["photo_id"], "caption": r["photo_caption"], "alt": r["photo_alt"], "credit": r["photo_credit"]}
        for r in _rows(form, "photo_id", "photo_caption", "photo_alt", "photo_credit")
        if r["photo_id"] and r["photo_id"] not in removed
    ]
    return {
        "section": form.get("section", ""),
        "genre": form.get("genre", ""),
        "title": form.get("title", ""),
        "summary": form.get("summary", ""),
        "body": form.get("body", ""),
        "topic": form.get("topic", ""),
        "tags": form.get("tags", ""),
        "authors": authors,
        "photos": photos,
        "revision": form.get("revision", ""),
        "status": form.get("status", ""),
    }


def _article_data(typed, *, creating):
    """The ``ArticleCreate`` / ``ArticleUpdate`` request of the form (checked by content)."""
    data = {
        "genre": typed["genre"],
        "title": typed["title"],
        "summary": typed["summary"] or None,
        "body": typed["body"],
        "topic": typed["topic"] or None,
        "tags": [t.strip() for t in typed["tags"].split(",") if t.strip()],
        "asset_ids": [p["id"] for p in typed["photos"]],
    }
    if typed["authors"]:
        data["authors"] = [
            {"user_id": a["user_id"], "pen_name": a["pen_name"], "share": a["share"]} for a in typed["authors"]
        ]
    if creating:
        data["section"] = typed["section"]
    return data


def _form_errors(exc):
    """``{field of the form: message}`` of a refusal: nested fields (``authors_0_share``) under
    their row group, ``asset_ids`` under the photos."""
    found = {}
    for name, message in field_errors(exc).items():
        key = name
        for group in ("authors", "tags", "asset_ids"):
            if name.startswith(group):
                key = "photos" if group == "asset_ids" else group
        if key and key not in FIELDS:
            key = ""
        found[key] = f"{found[key]} {message}" if key in found else message
    return found


def _photo_problems(typed):
    """Each photo row checked with media's request schema before anything is written."""
    problems = {}
    for photo in typed["photos"]:
        errors = media_api.AssetMetadata().validate(_photo_metadata(photo))
        if errors:
            named = {"caption": "chú thích", "alt_text": "mô tả ảnh", "credit_name": "tác giả ảnh"}
            problems[photo["id"]] = "; ".join(
                f"{named.get(k, k)}: {' '.join(map(str, v))}" for k, v in sorted(errors.items())
            )
    return problems


def _photo_metadata(photo):
    return {
        "caption": photo["caption"] or None,
        "alt_text": photo["alt"] or None,
        "credit_name": photo["credit"] or None,
    }


def _upload_files(actor, typed):
    """Files of the plain file input (the page without JavaScript), uploaded to media the way the
    API's upload is — one multipart form streamed to media (``gateway.media_client``) — and added
    to the photo rows."""
    for storage in request.files.getlist("photo_file"):
        if not storage or not storage.filename:
            continue
        asset = _send_to_media(actor, storage)
        typed["photos"].append(
            {
                "id": asset["id"],
                "caption": asset.get("caption") or "",
                "alt": asset.get("alt_text") or "",
                "credit": asset.get("credit_name") or "",
            }
        )


def _send_to_media(actor, storage):
    status, body = send_to_media(actor, storage, name_limit=200)
    if status >= 400:
        raise InvalidInput.field("photos", body.get("message") or "Không tải được ảnh lên. Vui lòng thử lại.")
    return body


def _form_page(actor, article, typed, *, status=200, errors=None, problem=None, photo_errors=None):
    """The write/edit form; ``article`` None for a new one."""
    sections = _sections(actor)
    known_users = {actor.get("user_id"): session.get("name") or "Tôi"}
    try:  # the writers of the tenant (accounts); without them, the rows offer the people already named
        known_users.update((c["id"], c["full_name"]) for c in call("accounts", "list_colleagues", actor))
    except PlatformError as exc:
        log.warning("co-authors' list unavailable: %s", exc.code)
    for author in (article or {}).get("authors") or []:
        known_users.setdefault(author["user_id"], author["pen_name"])
    for author in typed["authors"]:
        known_users.setdefault(author["user_id"], author["pen_name"] or author["user_id"])
    previews = {p["id"]: p for p in _photos(actor, [p["id"] for p in typed["photos"]])}
    photos = [p | {"thumb": (previews.get(p["id"]) or {}).get("thumb")} for p in typed["photos"]]
    editable = article is None or "submit" in (article.get("allowed_actions") or [])
    title = "Viết bài mới" if article is None else f"Sửa bài: {article['title']}"
    return page(
        "workspace/articles_form.html",
        status=status,
        article=article,
        form=typed | {"photos": photos},
        blank_author_rows=BLANK_AUTHOR_ROWS,
        errors=errors or {},
        problem=problem,
        photo_errors=photo_errors or {},
        sections=sections,
        central=[s for s in sections if s.get("scope") == "central"],
        own=[s for s in sections if s.get("scope") != "central"],
        genres=content_api.GENRE_LABELS,
        users=known_users,
        editable=editable,
        labels=LABELS,
        title=title,
        action=f"{HOME}/moi" if article is None else f"{HOME}/{article['id']}",
        menu=menu(actor),
        current=HOME,
        breadcrumbs=_crumbs((None, "Viết bài mới" if article is None else article["title"])),
    )


def _typed_of(article, actor):
    """The form of a stored article."""
    return {
        "section": article["section"],
        "genre": article["genre"],
        "title": article["title"],
        "summary": article.get("summary") or "",
        "body": article.get("body") or "",
        "topic": article.get("topic") or "",
        "tags": ", ".join(article.get("tags") or []),
        "authors": [
            {"user_id": a["user_id"], "pen_name": a["pen_name"], "share": str(a["share"])}
            for a in article.get("authors") or []
        ],
        "photos": [{k: v or "" for k, v in p.items()} for p in _photos_raw(actor, article.get("asset_ids"))],
        "revision": str(article.get("revision") or ""),
        "status": article.get("status") or "",
    }


def _photos_raw(actor, asset_ids):
    """The photos' own metadata as stored (alt text as written, not the template's fallback)."""
    found = []
    for asset_id in asset_ids or ():
        try:
            asset = call("media", "get_asset", actor, asset_id)
        except NotFound:
            continue
        if asset.get("kind") == "image":
            found.append(
                {
                    "id": asset["id"],
                    "caption": asset.get("caption"),
                    "alt": asset.get("alt_text"),
                    "credit": asset.get("credit_name"),
                }
            )
    return found


def _save(actor, article, typed):
    """Write the form: files uploaded, the photos' descriptions checked, the article created or
    updated, then the photos described. Returns the saved article; raises what refused it."""
    _upload_files(actor, typed)
    problems = _photo_problems(typed)
    if problems:
        raise _PhotoProblems(problems)
    if article is None:
        saved = call("content", "create_article", actor, _article_data(typed, creating=True))
    else:
        saved = call("content", "update_article", actor, article["id"], _article_data(typed, creating=False))
    for photo in typed["photos"]:
        call("media", "update_asset", actor, photo["id"], _photo_metadata(photo))
    return saved


class _PhotoProblems(Exception):
    def __init__(self, problems):
        super().__init__("photo metadata refused")
        self.problems = problems


def _changed_meanwhile(actor, article, typed):
    """A 409 message when the article moved on since the form was opened (another tab saved it,
    it was submitted, the desk took it): what happened and what to do; else None."""
    if article is None:
        return None
    if typed["status"] and typed["status"] != article["status"]:
        return (
            f"Trong lúc bạn sửa, bài đã chuyển sang trạng thái «{article['status_label']}». "
            "Những gì bạn vừa sửa chưa được lưu (vẫn còn trong biểu mẫu dưới đây): hãy chép lại phần cần giữ, "
            "rồi mở lại bài từ danh sách."
        )
    if typed["revision"] and typed["revision"] != str(article["revision"]):
        return (
            f"Bài đã được lưu ở nơi khác (phiên bản {article['revision']}, lúc "
            f"{_clock(article.get('updated_at'))}) sau khi bạn mở biểu mẫu này. Những gì bạn vừa sửa chưa được lưu. "
            "Xem «Phiên bản» để so sánh; để ghi đè bằng nội dung dưới đây, bấm lưu lần nữa."
        )
    return None


def _clock(value):
    from gateway.web.format import day_time

    return day_time(value) if value else ""


def _handle(actor, article):
    typed = _typed(request.form)
    conflict = _changed_meanwhile(actor, article, typed)
    if conflict:
        article_now = article
        typed["revision"], typed["status"] = str(article_now["revision"]), article_now["status"]
        return _form_page(actor, article, typed, status=409, problem=conflict)
    try:
        saved = _save(actor, article, typed)
    except _PhotoProblems as exc:
        return _form_page(
            actor,
            article,
            typed,
            status=422,
            errors={"photos": "Mô tả ảnh chưa hợp lệ; xem ghi chú ở từng ảnh."},
            problem="Chưa lưu: vui lòng sửa các mục được đánh dấu.",
            photo_errors=exc.problems,
        )
    except InvalidInput as exc:
        errors = _form_errors(exc)
        return _form_page(
            actor,
            article,
            typed,
            status=422,
            errors=errors,
            problem=errors.pop("", None) or "Chưa lưu: vui lòng sửa các mục được đánh dấu.",
        )
    except (Conflict, Forbidden) as exc:
        return _form_page(actor, article, typed, status=409, problem=exc.message)
    if request.form.get("hanh_dong") == "gui":
        try:
            call("content", "transition_article", actor, saved["id"], "submit", {})
        except (Conflict, Forbidden) as exc:
            flash(f"Đã lưu bản nháp nhưng chưa gửi được: {exc.message}", "error")
            return redirect(f"{HOME}/{saved['id']}", code=303)
        flash(SUBMITTED.format(title=saved["title"]), "ok")
        return redirect(HOME, code=303)
    flash(SAVED.format(title=saved["title"], revision=saved["revision"]), "ok")
    return redirect(f"{HOME}/{saved['id']}", code=303)


@bp.route(f"{HOME}/moi", methods=["GET", "POST"])
def new_article():
    actor = staff()
    if request.method == "POST":
        return _handle(actor, None)
    me = {"user_id": actor.get("user_id"), "pen_name": session.get("name") or "", "share": "100"}
    typed = _typed(request.form) | {"genre": "news", "section": request.args.get("chuyen-muc", ""), "authors": [me]}
    return _form_page(actor, None, typed)


@bp.route(f"{HOME}/<article_id>", methods=["GET", "POST"])
def edit_article(article_id):
    actor = staff()
    article = _article(actor, article_id)
    if request.method == "POST":
        return _handle(actor, article)
    return _form_page(actor, article, _typed_of(article, actor))


@bp.route(f"{HOME}/<article_id>/tu-dong-luu", methods=["POST"])
def autosave(article_id):
    """The periodic save of a draft while its writer's session lives (JSON for the script). Only
    the article's text: files and photo descriptions wait for «Lưu nháp». A submitted article is
    never changed (content refuses: 409), nor one saved elsewhere since the form's revision."""
    actor = staff()
    try:
        article = call("content", "get_article", actor, article_id)
    except (NotFound, InvalidInput):
        return jsonify(message="Không tìm thấy bài viết."), 404
    typed = _typed(request.form)
    conflict = _changed_meanwhile(actor, article, typed)
    if conflict:
        return jsonify(message=conflict, revision=article["revision"], status=article["status"]), 409
    try:
        saved = call("content", "update_article", actor, article_id, _article_data(typed, creating=False))
    except InvalidInput as exc:
        return jsonify(message="Chưa tự động lưu: " + " ".join(_form_errors(exc).values())), 422
    except (Conflict, Forbidden) as exc:
        return jsonify(message=exc.message), 409
    return jsonify(
        message=f"Đã tự động lưu lúc {datetime.now(UTC).astimezone(_vn()).strftime('%H:%M')} "
        f"(phiên bản {saved['revision']}).",
        revision=saved["revision"],
    )


def _vn():
    from zoneinfo import ZoneInfo

    return ZoneInfo("Asia/Ho_Chi_Minh")


@bp.route(f"{HOME}/anh", methods=["POST"])
def upload_photo():
    """A photo dropped on the form (the script's XMLHttpRequest with upload progress): streamed to
    media through the API's own upload path (``gateway.api.media._upload``). Answers JSON with the
    photo's row of the form, rendered by the template the form uses."""
    actor = staff()
    try:
        answer = _upload(actor)
    except PlatformError as exc:
        return jsonify(message=exc.message), exc.status
    if not isinstance(answer, tuple):  # media refused the file: its JSON error, relayed
        return answer
    asset, status = answer
    photo = {
        "id": asset["id"],
        "caption": asset.get("caption") or "",
        "alt": asset.get("alt_text") or "",
        "credit": asset.get("credit_name") or "",
        "thumb": photo_view(asset, url="url")["thumb"],
    }
    row = render_template("workspace/_article_photo.html", photo=photo, photo_errors={}, editable=True)
    return jsonify(id=asset["id"], row=row, duplicate=bool(asset.get("duplicate"))), status


# -- preview and revisions ----------------------------------------------------------------------


@bp.route(f"{HOME}/<article_id>/xem-truoc")
def preview(article_id):
    """The article as the portal will show it: the portal's own template (``portal/article.html``),
    with the photos through short-lived staff URLs and a notice that this is a preview."""
    actor = staff()
    article = _article(actor, article_id)
    shown = {
        **article,
        "photos": _photos(actor, article.get("asset_ids")),
        "authors": [{"pen_name": a["pen_name"]} for a in article.get("authors") or []],
        "tenant": {"name": session.get("tenant") or "", "slug": None},
        "published_at": article.get("published_at") or datetime.now(UTC).isoformat(),
        "corrections": [],
        "related": [],
        "path": f"{HOME}/{article_id}/xem-truoc",
    }
    return page(
        "workspace/articles_preview.html",
        article=shown,
        section=SECTION_BY_KEY.get(article.get("section")),
        site=None,
        comments=None,
        canonical=None,
        robots="noindex, nofollow",
        back=f"{HOME}/{article_id}",
        breadcrumbs=[("/", "Trang chủ"), (None, article["title"])],
    )


def readable_diff(changes):
    """Content's unified diff lines as rows to read: unchanged lines, and each changed stretch with
    the words removed (``del``) and added (``ins``) marked inside the sentence."""
    rows, removed, added = [], [], []

    def flush():
        if removed or added:
            rows.append({"kind": "changed", "parts": _word_diff(" ".join(removed), " ".join(added))})
        removed.clear()
        added.clear()

    for line in changes:
        if line.startswith(("---", "+++")):
            continue
        if line.startswith("@@"):
            flush()
            rows.append({"kind": "gap"})
        elif line.startswith("-"):
            removed.append(line[1:])
        elif line.startswith("+"):
            added.append(line[1:])
        else:
            flush()
            rows.append({"kind": "same", "text": line[1:] if line.startswith(" ") else line})
    flush()
    if rows and rows[0]["kind"] == "gap":
        rows.pop(0)
    return rows


def _word_diff(before, after):
    old, new = before.split(), after.split()
    parts = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(("same", " ".join(old[i1:i2])))
            continue
        if i2 > i1:
            parts.append(("del", " ".join(old[i1:i2])))
        if j2 > j1:
            parts.append(("ins", " ".join(new[j1:j2])))
    return parts


def _revision_number(name, default, numbers):
    raw = request.args.get(name)
    if raw is None:
        return default
    if not raw.isdigit() or int(raw) not in numbers:
        abort(404)
    return int(raw)


@bp.route(f"{HOME}/<article_id>/phien-ban")
def revisions(article_id):
    actor = staff()
    article = _article(actor, article_id)
    try:
        listed = call("content", "list_revisions", actor, article_id)
    except NotFound:
        abort(404)
    numbers = [r["number"] for r in listed]
    last = numbers[-1] if numbers else 1
    to = _revision_number("den", last, numbers)
    since = _revision_number("tu", max(1, to - 1) if len(numbers) > 1 else to, numbers)
    diff = None
    if since != to:
        answer = call("content", "diff_revisions", actor, article_id, {"from": since, "to": to})
        diff = [
            {"field": c["field"], "label": LABELS.get(c["field"], c["field"]), "rows": readable_diff(c["changes"])}
            for c in answer.get("changes") or []
        ]
    return page(
        "workspace/articles_revisions.html",
        article=article,
        revisions=list(reversed(listed)),
        since=since,
        to=to,
        diff=diff,
        menu=menu(actor),
        current=HOME,
        breadcrumbs=_crumbs((f"{HOME}/{article_id}", article["title"]), (None, "Phiên bản")),
    )
