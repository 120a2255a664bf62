"""``/quan-tri/trang-thanh-phan``: the tenant's own component sub-site — the sections of its menu
on the portal (``/don-vi/<tenant slug>``), in menu order, as its administrators keep them.

Every rule is the content service's (``list_sections``, ``create_section``, ``update_section``:
the same RPCs as ``/api/v1/sections``): a tenant's administrators and editors manage its own
sections; another tenant's section is the 404 page. Each change is recorded with
``content.site_updated``, which clears the gateway's public cache: the portal shows it at once.

* ``GET /quan-tri/trang-thanh-phan`` — the table ``#bang-chuyen-muc`` (order, name and
  description, its address on the portal, shown or hidden) with, per row, the buttons «Lên» /
  «Xuống» (``POST …/<id>/di-chuyen``, ``huong=len|xuong``), «Ẩn» / «Hiện» (``POST
  …/<id>/trang-thai``, ``trang_thai=archived|active``) and the link «Sửa»; the link
  ``a#xem-trang-thanh-phan`` to the sub-site and ``a#them-chuyen-muc``.
* ``GET, POST /quan-tri/trang-thanh-phan/moi`` — a new section: ``name``, ``key`` (its address:
  lower-case letters without diacritics, digits, hyphens), ``description``; form
  ``#form-chuyen-muc``, button «Thêm chuyên mục». 422 (or 409, the address taken) is the form
  again with the message beside the field and what was typed kept.
* ``GET, POST /quan-tri/trang-thanh-phan/<id>`` — renaming and describing it (its address stays:
  links to it keep working), button «Lưu thay đổi».
"""

from flask import Blueprint, abort, flash, redirect, request

from gateway.api.common import call
from gateway.web.portal.common import field_errors
from gateway.web.render import page
from gateway.web.workspace.common import BASE, menu, staff
from platform_shared.errors import Conflict, InvalidInput, NotFound
from platform_shared.schemas.content import SITE_KINDS

bp = Blueprint("workspace_site", __name__)

HOME = f"{BASE}/trang-thanh-phan"
FIELDS = {"name": "Tên chuyên mục", "key": "Địa chỉ", "description": "Mô tả"}
MOVES = {"len": ("up", "Đã đưa «{name}» lên trên."), "xuong": ("down", "Đã đưa «{name}» xuống dưới.")}
SHOWN = {
    "active": "Đã hiện lại «{name}» trên trang thành phần.",
    "archived": "Đã ẩn «{name}» khỏi trang thành phần. Bài đã đăng trong chuyên mục vẫn còn trên cổng.",
}


def _crumbs(*more):
    return [(f"{BASE}/", "Tổng quan"), *more]


def _sections(actor):
    """The tenant's own sections, in menu order (content's)."""
    return [s for s in call("content", "list_sections", actor) if s.get("scope") == "component"]


def _site(actor):
    """The tenant as the portal knows it: ``{name, slug, has_site}``."""
    tenant = call("accounts", "get_tenant", actor, actor.get("tenant_id"))
    return {"name": tenant["name"], "slug": tenant["slug"], "has_site": tenant.get("kind") in SITE_KINDS}


def _section(actor, section_id):
    found = next((s for s in _sections(actor) if s["id"] == section_id), None)
    if found is None:
        abort(404)
    return found


@bp.route(HOME)
def index():
    actor = staff()
    return page(
        "workspace/site_index.html",
        sections=_sections(actor),
        site=_site(actor),
        base_path=HOME,
        menu=menu(actor),
        current=HOME,
        breadcrumbs=_crumbs((None, "Trang thành phần")),
    )


def _form_page(actor, *, section=None, form, status=200, errors=None):
    errors = dict(errors or {})
    title = "Thêm chuyên mục" if section is None else f"Sửa chuyên mục «{section['name']}»"
    return page(
        "workspace/site_form.html",
        status=status,
        section=section,
        form=form,
        errors=errors,
        problem=errors.pop("", None),
        fields=FIELDS,
        site=_site(actor),
        title=title,
        action=f"{HOME}/moi" if section is None else f"{HOME}/{section['id']}",
        menu=menu(actor),
        current=HOME,
        breadcrumbs=_crumbs((HOME, "Trang thành phần"), (None, title)),
        headers={"Cache-Control": "private, no-store"} if status != 200 else None,
    )


def _typed(*names):
    return {name: (request.form.get(name) or "").strip() for name in names}


@bp.route(f"{HOME}/moi", methods=["GET", "POST"])
def create():
    actor = staff()
    if request.method == "GET":
        return _form_page(actor, form=dict.fromkeys(FIELDS, ""))
    typed = _typed(*FIELDS)
    data = {"name": typed["name"], "key": typed["key"], "description": typed["description"] or None}
    try:
        created = call("content", "create_section", actor, data)
    except InvalidInput as exc:
        return _form_page(actor, form=typed, status=422, errors=field_errors(exc, known=FIELDS))
    except Conflict as exc:
        return _form_page(actor, form=typed, status=409, errors={"key": exc.message})
    flash(f"Đã thêm chuyên mục «{created['name']}» vào cuối menu của trang thành phần.", "ok")
    return redirect(HOME, code=303)


@bp.route(f"{HOME}/<section_id>", methods=["GET", "POST"])
def edit(section_id):
    actor = staff()
    section = _section(actor, section_id)
    if request.method == "GET":
        form = {"name": section["name"], "key": section["key"], "description": section.get("description") or ""}
        return _form_page(actor, section=section, form=form)
    typed = _typed("name", "description") | {"key": section["key"]}
    try:
        saved = _update(actor, section_id, {"name": typed["name"], "description": typed["description"] or None})
    except InvalidInput as exc:
        return _form_page(actor, section=section, form=typed, status=422, errors=field_errors(exc, known=FIELDS))
    flash(f"Đã lưu chuyên mục «{saved['name']}».", "ok")
    return redirect(HOME, code=303)


def _update(actor, section_id, data):
    try:
        return call("content", "update_section", actor, section_id, data)
    except NotFound:
        abort(404)


@bp.route(f"{HOME}/<section_id>/di-chuyen", methods=["POST"])
def move(section_id):
    actor = staff()
    direction, done = MOVES.get(request.form.get("huong"), (None, None))
    if direction is None:
        abort(400)
    saved = _update(actor, section_id, {"move": direction})
    flash(done.format(name=saved["name"]), "ok")
    return redirect(HOME, code=303)


@bp.route(f"{HOME}/<section_id>/trang-thai", methods=["POST"])
def status(section_id):
    actor = staff()
    wanted = request.form.get("trang_thai")
    if wanted not in SHOWN:
        abort(400)
    saved = _update(actor, section_id, {"status": wanted})
    flash(SHOWN[wanted].format(name=saved["name"]), "ok")
    return redirect(HOME, code=303)
