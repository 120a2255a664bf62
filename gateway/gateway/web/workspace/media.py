"""``/quan-tri/thu-vien``: the unit's media library — photos, videos and documents — as its
staff use it: the grid, uploading with a description, and describing a file afterwards.

Every rule is the media service's (``list_assets``, ``get_asset``, ``update_asset`` and the
streamed upload of ``POST /api/v1/media``): contributors, editors and administrators upload
to their own tenant's library; an editor or administrator describes any file of it, anyone else
the files they uploaded (the button shows only where it helps; media decides); a platform
administrator sees every tenant's files. Another tenant's file is the 404 page.

* ``GET /quan-tri/thu-vien`` — the grid (``#luoi-tep``), newest first, 24 a page: a thumbnail
  for a photo, an icon with the format for a video or a document; ``?loai=`` (``image``,
  ``video``, ``document``), ``?q=`` (caption, file name, credit), ``?trang=``; form
  ``#loc-tep``, link ``a#tai-tep-len``.
* ``GET, POST /quan-tri/thu-vien/tai-len`` — the upload form ``#form-tai-len`` (multipart):
  ``file``, ``caption``, ``alt_text``, ``credit_user_id``, ``credit_name``, ``source``,
  ``rights``; button «Tải lên». Without JavaScript the form is posted whole and the file is
  sent on to media as the API's upload is (``gateway.media_client``); with ``media.js`` the
  form goes as the script's request (header ``X-CSRF-Token``, progress ``#tien-do-tai-len``,
  button ``#huy-tai-len``) streamed to media unread (``gateway.api.media._upload``), and the
  answer is JSON: ``{location}`` or ``{message, errors}``. A file media refuses — too big, a
  type it does not take, bytes that are not what they claim — is the form again with media's
  message beside the file field (``#loi-file``), what was typed kept. Success: 303 to the grid
  with a notice; the same bytes again: 303 to that file, nothing new stored.
* ``GET, POST /quan-tri/thu-vien/<id>`` — one file: its preview, facts, links, and the form
  ``#form-thong-tin-tep`` (the same fields but ``file``; a blank field clears it), button
  «Lưu thay đổi».
* ``GET /quan-tri/thu-vien/<id>/tep?ban=`` — a rendition (``original``, ``medium``, ``thumb``)
  by a fresh short-lived link: the page's links never expire.
"""

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, request

from gateway.api.common import call
from gateway.api.media import _upload
from gateway.errors import readable_size
from gateway.web.portal.common import field_errors, page_number, pages_of
from gateway.web.render import page
from gateway.web.session import page_actor, visitor
from gateway.web.workspace.common import BASE, has, menu, staff
from gateway.web.workspace.media_upload import send_to_media
from platform_shared.errors import Forbidden, InvalidInput, NotFound, PlatformError, Unavailable
from platform_shared.schemas.media import KINDS, RENDITION_NAMES

bp = Blueprint("workspace_media", __name__)

HOME = f"{BASE}/thu-vien"
UPLOAD = f"{HOME}/tai-len"
PER_PAGE = 24
FIELDS = {
    "file": "Tệp",
    "caption": "Chú thích",
    "alt_text": "Văn bản thay thế",
    "credit_user_id": "Tác giả ảnh",
    "credit_name": "Tên tác giả hiển thị",
    "source": "Nguồn",
    "rights": "Bản quyền",
}
DESCRIBED = tuple(name for name in FIELDS if name != "file")
KIND_LABELS = {"image": "Ảnh", "video": "Video", "document": "Tài liệu"}
# What media accepts (its defaults: MEDIA_MAX_*_BYTES), told before a file is chosen; media
# checks every file again by its bytes. The script checks the same before sending.
ACCEPT = "image/jpeg,image/png,image/webp,video/mp4,video/webm,application/pdf,.docx"
LIMITS = {"image": 20 * 1024 * 1024, "video": 1024 * 1024 * 1024, "document": 50 * 1024 * 1024}
EDITORS = ("editor", "tenant_admin", "platform_admin")


def _crumbs(*more):
    return [(f"{BASE}/", "Tổng quan"), *more]


# -- the grid -----------------------------------------------------------------------------


def _card(asset, actor):
    """What the grid shows of a file."""
    renditions = asset.get("renditions") or {}
    # A photo's thumb and medium are made just after the upload (``renditions_pending``):
    # meanwhile the original stands in for them.
    thumb = (
        renditions.get("thumb") or renditions.get("medium") or renditions.get("original")
        if asset.get("kind") == "image"
        else None
    )
    facts = [KIND_LABELS.get(asset.get("kind"), asset.get("kind")), (asset.get("format") or "").upper()]
    facts.append(readable_size(asset.get("size") or 0))
    if asset.get("width") and asset.get("height"):
        facts.append(f"{asset['width']} × {asset['height']} px")
    return {
        **asset,
        "name": asset.get("filename") or "(tệp không tên)",
        "kind_label": KIND_LABELS.get(asset.get("kind"), asset.get("kind")),
        "facts": " · ".join(f for f in facts if f),
        "thumb": thumb if thumb and thumb.get("url") else None,
        "may_edit": has(actor, *EDITORS) or (asset.get("uploaded_by") and asset["uploaded_by"] == actor.get("user_id")),
    }


@bp.route(HOME)
def index():
    actor = staff()
    number = page_number()
    chosen = {name: (request.args.get(name) or "").strip() for name in ("loai", "q")}
    if chosen["loai"] and chosen["loai"] not in KINDS:
        abort(404)
    args = {"page": str(number), "per_page": str(PER_PAGE)}
    if chosen["loai"]:
        args["kind"] = chosen["loai"]
    if chosen["q"]:
        args["q"] = chosen["q"]
    answer, pagination, problem, status = None, None, None, 200
    try:
        answer = call("media", "list_assets", actor, args)
        pagination = pages_of(answer, number)
    except InvalidInput as exc:
        problem, status = " ".join(field_errors(exc).values()), 422
    return page(
        "workspace/media_index.html",
        status=status,
        cards=[_card(a, actor) for a in (answer or {}).get("items") or []],
        answer=answer,
        pagination=pagination,
        problem=problem,
        chosen=chosen,
        kinds=KIND_LABELS,
        query_extra={k: v for k, v in chosen.items() if v},
        base_path=HOME,
        platform=has(actor, "platform_admin"),
        editor=has(actor, *EDITORS),
        own_tenant=(visitor() or {}).get("tenant", ""),
        may_upload=has(actor, "contributor", *EDITORS),
        menu=menu(actor),
        current=HOME,
        breadcrumbs=_crumbs((None, "Thư viện ảnh và tệp")),
        headers={"Cache-Control": "private, no-store"},  # its thumbnails' links expire in minutes
    )


# -- uploading ----------------------------------------------------------------------------


def _credits(actor):
    """Who may be credited as a photo's author: ``[(user id, label)]`` — myself first, then the
    tenant's writers (accounts' ``list_colleagues``; only myself when it refuses or is down)."""
    me = actor.get("user_id")
    found = [(me, f"Tôi — {(visitor() or {}).get('name') or 'tài khoản của tôi'}")]
    try:
        colleagues = call("accounts", "list_colleagues", actor)
    except PlatformError:
        colleagues = []
    found += [(c["id"], c["full_name"]) for c in colleagues if c["id"] != me]
    return found


def _upload_page(actor, *, status=200, form=None, errors=None):
    errors = dict(errors or {})
    return page(
        "workspace/media_upload.html",
        status=status,
        form=form or dict.fromkeys(DESCRIBED, ""),
        errors=errors,
        problem=errors.pop("", None),
        fields=FIELDS,
        credits=_credits(actor),
        accept=ACCEPT,
        limits=LIMITS,
        menu=menu(actor),
        current=HOME,
        breadcrumbs=_crumbs((HOME, "Thư viện ảnh và tệp"), (None, "Tải tệp lên")),
        headers={"Cache-Control": "private, no-store"} if status != 200 else None,
    )


@bp.before_app_request
def _room_for_a_file():
    """The upload form posted without JavaScript carries its file in the form, which the CSRF
    check reads: for a signed-in person let that body be as large as media accepts (the
    gateway's default limit is 5 MB). A script's upload names its token in a header and is
    streamed to media unread, its size bounded by ``_upload``."""
    if (
        request.method == "POST"
        and request.path == UPLOAD
        and not request.headers.get("X-CSRF-Token")
        and page_actor() is not None
    ):
        request.max_content_length = current_app.extensions["settings"].max_media_upload_bytes


@bp.route(UPLOAD, methods=["GET", "POST"])
def upload():
    actor = staff()
    if request.method == "GET":
        return _upload_page(actor)
    if request.headers.get("X-CSRF-Token"):
        return _scripted_upload(actor)
    typed = {name: (request.form.get(name) or "").strip() for name in DESCRIBED}
    storage = request.files.get("file")
    if storage is None or not storage.filename:
        return _upload_page(
            actor, status=422, form=typed, errors={"file": "Chọn một tệp ảnh, video hoặc tài liệu để tải lên."}
        )
    try:
        asset = _send_to_media(actor, storage, typed)
    except _Refused as refused:
        return _upload_page(actor, status=refused.status, form=typed, errors=refused.errors)
    return redirect(_uploaded(asset), code=303)


def _uploaded(asset):
    """The notice of a stored file, and where to go next."""
    name = asset.get("filename") or "tệp"
    if asset.get("duplicate"):
        flash(
            f"Thư viện đã có đúng tệp này («{name}»), nên không tạo bản mới. "
            "Thông tin vừa nhập chưa được ghi vào tệp đó: hãy sửa ở đây nếu cần.",
            "info",
        )
        return f"{HOME}/{asset['id']}"
    gps = " Thông tin vị trí (EXIF/GPS) trong ảnh đã được xóa." if asset.get("kind") == "image" else ""
    flash(f"Đã tải lên «{name}» ({readable_size(asset.get('size') or 0)}).{gps}", "ok")
    return HOME


class _Refused(Exception):
    """Media refused an upload: the status to answer and the messages by field."""

    def __init__(self, status, errors):
        super().__init__(status)
        self.status, self.errors = status, errors


def _refusal(status, body):
    """Media's JSON error as messages beside the form's fields; its 403 and 5xx are the page's."""
    message = body.get("message") or "Không tải được tệp lên. Vui lòng thử lại."
    if status in (401, 403):
        raise Forbidden(message)
    if status >= 500:
        raise Unavailable(message)
    errors = {}
    for name, messages in (body.get("errors") or {}).items():
        text = " ".join(map(str, messages)) if isinstance(messages, (list, tuple)) else str(messages)
        key = name if name in FIELDS else ""
        errors[key] = f"{errors[key]} {text}" if key in errors else text
    if status == 413 or not errors:
        errors["file"] = message  # «Tệp ảnh vượt quá giới hạn 20 MB.» says more than the field's note
    return _Refused(413 if status == 413 else 422, errors)


def _send_to_media(actor, storage, typed):
    """The file of the form, with its description before it, stored by media. Raises _Refused."""
    status, body = send_to_media(actor, storage, typed)
    if status >= 400:
        raise _refusal(status, body)
    return body


def _scripted_upload(actor):
    """The script's upload: streamed to media through the API's own path, answered in JSON."""
    try:
        answer = _upload(actor)
    except PlatformError as exc:
        return jsonify(message=exc.message, errors=field_errors(exc, known=FIELDS)), exc.status
    if not isinstance(answer, tuple):  # media refused the file: its JSON error, relayed
        try:
            refused = _refusal(answer.status_code, answer.get_json() or {})
        except PlatformError as exc:
            return jsonify(message=exc.message, errors={}), exc.status
        return jsonify(message=" ".join(refused.errors.values()), errors=refused.errors), refused.status
    asset, _status = answer
    return jsonify(location=_uploaded(asset), id=asset["id"])


# -- one file -----------------------------------------------------------------------------


def _asset(actor, asset_id):
    try:
        return call("media", "get_asset", actor, asset_id)
    except (NotFound, InvalidInput):
        abort(404)


def _as_form(asset):
    return {name: "" if asset.get(name) is None else str(asset[name]) for name in DESCRIBED}


def _asset_page(actor, asset, *, status=200, form=None, errors=None):
    errors = dict(errors or {})
    card = _card(asset, actor)
    renditions = asset.get("renditions") or {}
    preview = (
        (renditions.get("medium") or renditions.get("thumb") or renditions.get("original"))
        if asset.get("kind") == "image"
        else None
    )
    form = form or _as_form(asset)
    credits = _credits(actor)
    if form.get("credit_user_id") and form["credit_user_id"] not in {c[0] for c in credits}:
        credits.append(
            (form["credit_user_id"], f"{asset.get('credit_name') or 'Tài khoản khác'} (tài khoản đang được ghi)")
        )
    return page(
        "workspace/media_asset.html",
        status=status,
        asset=card,
        preview=preview if preview and preview.get("url") else None,
        form=form,
        errors=errors,
        problem=errors.pop("", None),
        fields=FIELDS,
        credits=credits,
        menu=menu(actor),
        current=HOME,
        breadcrumbs=_crumbs((HOME, "Thư viện ảnh và tệp"), (None, card["name"])),
        headers={"Cache-Control": "private, no-store"},
    )


@bp.route(f"{HOME}/<asset_id>", methods=["GET", "POST"])
def asset(asset_id):
    actor = staff()
    found = _asset(actor, asset_id)
    if request.method == "GET":
        return _asset_page(actor, found)
    typed = {name: (request.form.get(name) or "").strip() for name in DESCRIBED if name in request.form}
    data = {name: value or None for name, value in typed.items()}  # a blank field clears it
    try:
        saved = call("media", "update_asset", actor, asset_id, data)
    except InvalidInput as exc:
        return _asset_page(
            actor, found, status=422, form=_as_form(found) | typed, errors=field_errors(exc, known=FIELDS)
        )
    flash(f"Đã lưu thông tin của «{saved.get('filename') or 'tệp'}».", "ok")
    return redirect(f"{HOME}/{asset_id}", code=303)


@bp.route(f"{HOME}/<asset_id>/tep")
def rendition(asset_id):
    """A rendition by a link made now (the grid's and the page's links would expire)."""
    actor = staff()
    wanted = request.args.get("ban") or "original"
    if wanted not in RENDITION_NAMES:
        abort(404)
    found = (_asset(actor, asset_id).get("renditions") or {}).get(wanted) or {}
    if not found.get("url"):
        abort(404)
    return redirect(found["url"], code=303)
