"""``/quan-tri/doan-vien``: a member organisation's member register (sổ đoàn viên) — search,
edit, deactivate — and its import from a file, applied in the background with a progress bar
and the credentials sheet at the end (``members_imports``).

* ``GET /quan-tri/doan-vien`` — ``list_members``: ``?q=`` (name, member number, phone or
  e-mail), ``?don-vi=`` (a unit id), ``?trang-thai=`` (invited, active, deactivated), ``?trang=``;
  each row names the member's unit and account status.
* ``GET, POST /quan-tri/doan-vien/<id>`` — one member (``get_member``) and the edit of the
  register row (``update_member``: ``full_name``, ``birth_date``, ``gender``, ``phone``,
  ``email``, ``unit_id``, ``joined_on``); the account's name, unit and contact follow. 422: the
  form again with each message beside its field and the values kept.
* ``GET, POST /quan-tri/doan-vien/<id>/khoa`` — a page that asks before deactivating the
  member's account (``update_user`` ``status: deactivated``: the member is signed out
  everywhere); ``POST /quan-tri/doan-vien/<id>/mo-khoa`` opens it again.
* The import pages: ``members_imports``.

Platform administrators work on any member organisation with ``?don-vi-thanh-vien=<id>``.
Another organisation's member is 404; a person who is not an administrator gets 403.

Stable names for tests: forms ``form-loc-doan-vien``, ``form-doan-vien`` (fields as above),
``form-khoa-doan-vien``, ``form-mo-khoa-doan-vien``; the table ``bang-doan-vien``.
"""

from flask import Blueprint, abort, flash, redirect, request

from gateway.api.common import call
from gateway.web.portal.common import field_errors, page_number, pages_of
from gateway.web.render import page
from gateway.web.workspace.common import BASE, tile
from gateway.web.workspace.tenants_scope import acting_tenant, chrome, scoped, signed_in_admin, unit_options, unit_tree
from platform_shared.errors import Conflict, InvalidInput

bp = Blueprint("workspace_members", __name__)

REGISTER = f"{BASE}/doan-vien"
IMPORTS = f"{REGISTER}/nhap"
AREA = (REGISTER, "Đoàn viên")
PER_PAGE = 25
STATUS_LABELS = {"invited": "Chờ kích hoạt", "active": "Đã kích hoạt", "deactivated": "Đã khóa"}
GENDER_LABELS = {"male": "Nam", "female": "Nữ", "other": "Khác"}
FIELDS = {
    "full_name": "Họ và tên",
    "birth_date": "Ngày sinh",
    "gender": "Giới tính",
    "phone": "Số điện thoại",
    "email": "E-mail",
    "unit_id": "Đơn vị",
    "joined_on": "Ngày vào Công đoàn",
}
NO_STORE = {"Cache-Control": "private, no-store"}


def admin_page():
    """The signed-in administrator and the member organisation the page works on."""
    actor = signed_in_admin()
    return actor, acting_tenant(actor)


def units_of(actor, tenant):
    """``(options, names)``: the tenant's active units in tree order with their depth (for a
    chooser), and every unit's name by id (for the table)."""
    roots, units, _ = unit_tree(actor, tenant["id"])
    return unit_options(roots), {u["id"]: u["name"] for u in units}


@tile("Đoàn viên", "tenant_admin", "unit_admin")
def _register_card(actor):
    summary = call("accounts", "summarize_members", actor)
    lines = [
        (summary["registered"], "đoàn viên trong sổ", REGISTER),
        (summary["activated"], "đã kích hoạt tài khoản", f"{REGISTER}?trang-thai=active"),
    ]
    if summary["open_imports"]:
        lines.append((summary["open_imports"], "lần nhập đang chạy", f"{IMPORTS}/{summary['running_import_id']}"))
    else:
        lines.append((0, "lần nhập đang chạy", IMPORTS))
    return lines


@bp.route(REGISTER)
def index():
    actor, tenant = admin_page()
    number = page_number()
    chosen = {name: (request.args.get(name) or "").strip() for name in ("q", "don-vi", "trang-thai")}
    if chosen["trang-thai"] and chosen["trang-thai"] not in STATUS_LABELS:
        abort(404)
    args = {"tenant_id": tenant["id"], "page": str(number), "per_page": str(PER_PAGE)}
    for name, key in (("q", "q"), ("don-vi", "unit_id"), ("trang-thai", "status")):
        if chosen[name]:
            args[key] = chosen[name]
    answer, pagination, problem, status = None, None, None, 200
    options, names = units_of(actor, tenant)
    try:
        answer = call("accounts", "list_members", actor, args)
        pagination = pages_of(answer, number)
    except InvalidInput as exc:
        problem, status = " ".join(field_errors(exc).values()), 422
    extra = {k: v for k, v in chosen.items() if v}
    if not tenant["own"]:
        extra["don-vi-thanh-vien"] = tenant["id"]
    summary = call("accounts", "summarize_members", actor, tenant["id"])
    return page(
        "workspace/members_index.html",
        status=status,
        tenant=tenant,
        answer=answer,
        pagination=pagination,
        problem=problem,
        chosen=chosen,
        summary=summary,
        unit_choices=options,
        unit_names=names,
        statuses=STATUS_LABELS,
        query_extra=extra,
        base_path=REGISTER,
        imports_path=scoped(tenant, IMPORTS),
        scoped=scoped,
        **chrome(actor, tenant, AREA),
    )


def _member(actor, member_id):
    return call("accounts", "get_member", actor, member_id)


def _form_of(member):
    return {name: "" if member.get(name) is None else str(member[name]) for name in FIELDS}


def _member_page(actor, tenant, member, *, status=200, form=None, errors=None):
    errors = dict(errors or {})
    options, names = units_of(actor, tenant)
    return page(
        "workspace/members_edit.html",
        status=status,
        tenant=tenant,
        member=member,
        form=form or _form_of(member),
        errors=errors,
        problem=errors.pop("", None),
        fields=FIELDS,
        genders=GENDER_LABELS,
        statuses=STATUS_LABELS,
        unit_choices=options,
        unit_name=names.get(member.get("unit_id")),
        path=f"{REGISTER}/{member['id']}",
        scoped=scoped,
        headers=NO_STORE if status != 200 else None,
        **chrome(actor, tenant, AREA, (None, member["full_name"])),
    )


@bp.route(f"{REGISTER}/<member_id>", methods=["GET", "POST"])
def member(member_id):
    actor, tenant = admin_page()
    found = _member(actor, member_id)
    if request.method == "GET":
        return _member_page(actor, tenant, found)
    form = {name: request.form.get(name, "").strip() for name in FIELDS}
    data = {name: (form[name] or None) for name in FIELDS}
    try:
        saved = call("accounts", "update_member", actor, member_id, data)
    except InvalidInput as exc:
        return _member_page(actor, tenant, found, status=422, form=form, errors=field_errors(exc, known=FIELDS))
    flash(f"Đã lưu thông tin đoàn viên {saved['full_name']}.", "ok")
    return redirect(scoped(tenant, f"{REGISTER}/{member_id}"), code=303)


@bp.route(f"{REGISTER}/<member_id>/khoa", methods=["GET", "POST"])
def deactivate(member_id):
    """A page that says what deactivating does and asks; the POST deactivates."""
    actor, tenant = admin_page()
    found = _member(actor, member_id)
    if request.method == "GET" or request.form.get("confirm") != "1":
        return page(
            "workspace/members_deactivate.html",
            tenant=tenant,
            member=found,
            path=f"{REGISTER}/{member_id}",
            scoped=scoped,
            **chrome(
                actor,
                tenant,
                AREA,
                (scoped(tenant, f"{REGISTER}/{member_id}"), found["full_name"]),
                (None, "Khóa tài khoản"),
            ),
        )
    try:
        call("accounts", "update_user", actor, found["user_id"], {"status": "deactivated"})
    except Conflict as exc:
        flash(exc.message, "error")
        return redirect(scoped(tenant, f"{REGISTER}/{member_id}"), code=303)
    flash(f"Đã khóa tài khoản của đoàn viên {found['full_name']}; mọi phiên đăng nhập của họ đã kết thúc.", "ok")
    return redirect(scoped(tenant, REGISTER), code=303)


@bp.route(f"{REGISTER}/<member_id>/mo-khoa", methods=["POST"])
def reactivate(member_id):
    actor, tenant = admin_page()
    found = _member(actor, member_id)
    call("accounts", "update_user", actor, found["user_id"], {"status": "active"})
    flash(f"Đã mở khóa tài khoản của đoàn viên {found['full_name']}.", "ok")
    return redirect(scoped(tenant, f"{REGISTER}/{member_id}"), code=303)
