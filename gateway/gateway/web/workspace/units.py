"""``/quan-tri/don-vi``: a member organisation's unit tree (grassroots unions, their upper
levels, union groups), as its administrators keep it — the old console's «Cây đơn vị».

* ``GET /quan-tri/don-vi`` — the tree, nested, each unit with children a ``<details>`` (the
  first level open); ``?q=`` finds units by name or code (a flat list); ``?nhanh=<unit id>``
  shows one branch. Archived units stay in the tree, marked «Ngừng hoạt động».
* ``GET, POST /quan-tri/don-vi/moi`` — a new unit (``create_unit``): ``name``, ``code``,
  ``kind``, ``parent_id`` (``?cap-tren=<unit id>`` chooses the parent, and the kind a child
  of it usually has, as «Thêm cấp dưới» did).
* ``GET, POST /quan-tri/don-vi/<id>`` — rename, re-code, change the kind, move the unit and
  its whole branch under another unit or to the top (``update_unit``; the chooser leaves the
  unit's own branch out, accounts refuses it anyway).
* ``POST /quan-tri/don-vi/<id>/trang-thai`` — ``status=archived`` (ngừng hoạt động) or
  ``active`` (hoạt động trở lại).

Platform administrators work on any member organisation with ``?don-vi-thanh-vien=<id>``
(``tenants_scope``). Bad input: the form again, 422, the message beside the field, what was
typed kept; a code in use: 409 beside the code; another organisation's unit: 404; a person
who is not an administrator: 403.

Stable names for tests: forms ``form-don-vi`` (fields ``name``, ``code``, ``kind``,
``parent_id``), ``form-trang-thai``, ``form-tim-don-vi``; the tree ``cay-don-vi``, each unit
``don-vi-<id>``.
"""

from flask import Blueprint, abort, flash, redirect, request

from gateway.api.common import call
from gateway.web.portal.common import field_errors, page_number, pages_of
from gateway.web.render import page
from gateway.web.workspace.common import BASE, has
from gateway.web.workspace.tenants_scope import (
    TENANT_PARAM,
    acting_tenant,
    chrome,
    record_and_tenant,
    scoped,
    signed_in_admin,
    tenant_choices,
    unit_options,
    unit_tree,
)
from platform_shared.errors import Conflict, InvalidInput, NotFound
from platform_shared.schemas.accounts import UNIT_KINDS

bp = Blueprint("workspace_units", __name__)

TREE = f"{BASE}/don-vi"
AREA = (TREE, "Cây đơn vị")
KIND_LABELS = {
    "grassroots": "Công đoàn cơ sở",
    "upper_grassroots": "Công đoàn cấp trên trực tiếp cơ sở",
    "trade_union_group": "Tổ công đoàn",
    "other": "Đơn vị khác",
}
assert set(KIND_LABELS) == set(UNIT_KINDS)
# The kind a new child of a unit usually has (the old console's «Thêm cấp dưới»).
CHILD_KIND = {"upper_grassroots": "grassroots", "grassroots": "trade_union_group"}
FIELDS = {"name": "Tên đơn vị", "code": "Mã", "kind": "Loại", "parent_id": "Trực thuộc"}
SEARCH_PER_PAGE = 50


@bp.route(TREE)
def tree():
    actor = signed_in_admin()
    tenant = acting_tenant(actor)
    q = (request.args.get("q") or "").strip()
    branch_id = (request.args.get("nhanh") or "").strip() or None
    found = pagination = branch = None
    roots, units, truncated = [], [], False
    if q:
        number = page_number()
        try:
            found = call(
                "accounts",
                "list_units",
                actor,
                {"tenant_id": tenant["id"], "q": q, "page": str(number), "per_page": str(SEARCH_PER_PAGE)},
            )
        except InvalidInput as exc:
            found = {"items": [], "total": 0, "problem": " ".join(field_errors(exc).values())}
        pagination = pages_of(found, number)
    else:
        if branch_id:
            try:
                branch = call("accounts", "get_unit", actor, branch_id)
            except NotFound:
                abort(404)
            if branch["tenant_id"] != tenant["id"]:
                abort(404)
        roots, units, truncated = unit_tree(actor, tenant["id"], branch_id)
    return page(
        "workspace/units_tree.html",
        tenant=tenant,
        roots=roots,
        total=len(units),
        truncated=truncated,
        branch=branch,
        q=q,
        found=found,
        pagination=pagination,
        query_extra={k: v for k, v in {"q": q, TENANT_PARAM: None if tenant["own"] else tenant["id"]}.items() if v},
        chooser=_chooser(actor),
        chooser_action=TREE,
        kinds=KIND_LABELS,
        scoped=scoped,
        **chrome(actor, tenant, AREA, *([(None, branch["name"])] if branch else [])),
    )


def _chooser(actor):
    """The member organisations a platform administrator may switch to (None for others)."""
    return tenant_choices(actor) if has(actor, "platform_admin") else None


def _branch_admin(actor):
    """A unit administrator (its rights bounded by its unit's branch), not a tenant-wide one."""
    return has(actor, "unit_admin") and not has(actor, "tenant_admin", "platform_admin")


def _own_unit(actor, unit):
    """The unit a unit administrator administers: its place in the tree is not its to change."""
    return bool(unit) and _branch_admin(actor) and unit["id"] == actor.get("unit_id")


def _form_page(actor, tenant, status=200, *, unit=None, form, errors=None, problem=None, roots=None):
    errors = dict(errors or {})
    if roots is None:
        roots, _, _ = unit_tree(actor, tenant["id"])
    title = f"Sửa đơn vị: {unit['name']}" if unit else "Thêm đơn vị"
    return page(
        "workspace/units_form.html",
        status=status,
        tenant=tenant,
        unit=unit,
        form=form,
        errors=errors,
        problem=problem or errors.pop("", None),
        fields=FIELDS,
        kinds=KIND_LABELS,
        parents=unit_options(roots, leave_out=unit["id"] if unit else None),
        own_unit=_own_unit(actor, unit),
        top_level=not _branch_admin(actor),
        action=scoped(tenant, f"{TREE}/{unit['id']}" if unit else f"{TREE}/moi"),
        scoped=scoped,
        headers={"Cache-Control": "private, no-store"} if status != 200 else None,
        **chrome(actor, tenant, AREA, (None, title)),
    )


def _typed():
    return {name: (request.form.get(name) or "").strip() for name in FIELDS}


def _data(form):
    return {
        "name": form["name"],
        "code": form["code"] or None,
        "kind": form["kind"],
        "parent_id": form["parent_id"] or None,
    }


@bp.route(f"{TREE}/moi", methods=["GET", "POST"])
def create():
    actor = signed_in_admin()
    tenant = acting_tenant(actor)
    if request.method == "GET":
        parent_id = (request.args.get("cap-tren") or "").strip()
        roots, units, _ = unit_tree(actor, tenant["id"])
        parent = next((u for u in units if u["id"] == parent_id), None)
        if parent is None and _branch_admin(actor):  # a unit administrator adds under its branch
            parent = next((u for u in units if u["id"] == actor.get("unit_id")), None)
        form = {"name": "", "code": "", "parent_id": parent["id"] if parent else ""}
        form["kind"] = CHILD_KIND.get(parent["kind"], "grassroots") if parent else "grassroots"
        return _form_page(actor, tenant, form=form, roots=roots)
    form = _typed()
    try:
        created = call("accounts", "create_unit", actor, {**_data(form), "tenant_id": tenant["id"]})
    except InvalidInput as exc:
        return _form_page(actor, tenant, 422, form=form, errors=field_errors(exc, known=FIELDS))
    except Conflict as exc:
        return _form_page(actor, tenant, 409, form=form, errors=field_errors(exc, known=FIELDS))
    flash(f"Đã thêm «{created['name']}» vào cây đơn vị.", "ok")
    return redirect(scoped(tenant, TREE) + f"#don-vi-{created['id']}", code=303)


def _form_of(unit):
    return {name: unit.get(name) or "" for name in FIELDS}


@bp.route(f"{TREE}/<unit_id>", methods=["GET", "POST"])
def edit(unit_id):
    actor = signed_in_admin()
    unit, tenant = record_and_tenant(actor, "get_unit", unit_id)
    if request.method == "GET":
        return _form_page(actor, tenant, unit=unit, form=_form_of(unit))
    form = _typed()
    data = _data(form)
    if _own_unit(actor, unit):  # its form has no «Trực thuộc»: the unit stays where it is
        data.pop("parent_id")
    try:
        saved = call("accounts", "update_unit", actor, unit["id"], data)
    except InvalidInput as exc:
        return _form_page(actor, tenant, 422, unit=unit, form=form, errors=field_errors(exc, known=FIELDS))
    except Conflict as exc:
        return _form_page(actor, tenant, 409, unit=unit, form=form, errors=field_errors(exc, known=FIELDS))
    flash(f"Đã lưu «{saved['name']}».", "ok")
    return redirect(scoped(tenant, TREE) + f"#don-vi-{saved['id']}", code=303)


@bp.route(f"{TREE}/<unit_id>/trang-thai", methods=["POST"])
def set_status(unit_id):
    actor = signed_in_admin()
    unit, tenant = record_and_tenant(actor, "get_unit", unit_id)
    status = request.form.get("status")
    if status not in ("archived", "active"):
        problem = "Chọn «Ngừng hoạt động» hoặc «Hoạt động trở lại»."
        return _form_page(actor, tenant, 422, unit=unit, form=_form_of(unit), problem=problem)
    try:
        saved = call("accounts", "update_unit", actor, unit["id"], {"status": status})
    except (InvalidInput, Conflict) as exc:
        return _form_page(actor, tenant, exc.status, unit=unit, form=_form_of(unit), problem=exc.message)
    done = "ngừng hoạt động" if status == "archived" else "hoạt động trở lại"
    flash(f"Đơn vị «{saved['name']}» đã {done}.", "ok")
    return redirect(scoped(tenant, f"{TREE}/{saved['id']}"), code=303)
