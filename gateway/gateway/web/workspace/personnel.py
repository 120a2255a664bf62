"""``/quan-tri/can-bo``: the unit's staff (personnel) records — the trade-union officers, their
position, term of office, grassroots unit and contact — as its administrators keep them.

Every rule is the accounts service's (``list_staff``, ``get_staff``, ``create_staff``,
``update_staff``: the same RPCs as ``/api/v1/staff``): tenant administrators keep their own
tenant's records, platform administrators any tenant's (``?to-chuc=<tenant id>``, the tenant
the old console called "the tenant being managed"; their own by default). Another tenant's
record is the 404 page, a person who is not an administrator gets the 403 page.

* ``GET /quan-tri/can-bo`` — the records by name: ``?q=`` (name or position), ``?don-vi=`` (a
  unit id), ``?tinh-trang=`` (``dang-nhiem``: term covers today, the default; ``ngoai-nhiem-ky``;
  ``tat-ca``: every record in use; ``luu-tru``: archived), ``?trang=``; form ``#loc-can-bo``,
  table ``#bang-can-bo``, link ``a#them-can-bo``.
* ``GET, POST /quan-tri/can-bo/moi`` — a new record (form ``#form-can-bo``, button «Thêm hồ sơ»):
  success is 303 to the record with a notice; 422 is the form again with each message beside
  its field and what was typed kept.
* ``GET, POST /quan-tri/can-bo/<id>`` — the record's form with ``status`` too (archiving is a
  state change, never a deletion), button «Lưu thay đổi».

Field names: ``full_name``, ``position``, ``term_start``, ``term_end``, ``unit_id``, ``user_id``,
``gender``, ``birth_date``, ``phone``, ``email``, ``status``; the message of a field is
``#loi-<name>``.
"""

from flask import Blueprint, abort, flash, redirect, request

from gateway.api.common import call
from gateway.web.portal.common import field_errors, page_number, pages_of
from gateway.web.render import page
from gateway.web.session import visitor
from gateway.web.workspace.common import BASE, Unavailable, block, has, menu, staff
from platform_shared.errors import InvalidInput, NotFound

bp = Blueprint("workspace_personnel", __name__)

HOME = f"{BASE}/can-bo"
PER_PAGE = 20
FIELDS = {
    "full_name": "Họ và tên",
    "position": "Chức vụ",
    "term_start": "Bắt đầu nhiệm kỳ",
    "term_end": "Kết thúc nhiệm kỳ",
    "unit_id": "Đơn vị",
    "user_id": "Tài khoản liên kết",
    "gender": "Giới tính",
    "birth_date": "Ngày sinh",
    "phone": "Số điện thoại",
    "email": "Thư điện tử",
    "status": "Tình trạng hồ sơ",
}
GENDERS = {"female": "Nữ", "male": "Nam", "other": "Khác"}
STATUSES = {"active": "Đang dùng", "archived": "Đã lưu trữ"}
# ?tinh-trang= → (label, list_staff arguments)
STATES = {
    "dang-nhiem": ("Đương nhiệm (nhiệm kỳ bao gồm hôm nay)", {"in_office": "true", "status": "active"}),
    "ngoai-nhiem-ky": ("Ngoài nhiệm kỳ", {"in_office": "false", "status": "active"}),
    "tat-ca": ("Tất cả hồ sơ đang dùng", {"status": "active"}),
    "luu-tru": ("Đã lưu trữ", {"status": "archived"}),
}
DEFAULT_STATE = "dang-nhiem"
MAX_UNIT_PAGES = 10  # the filter and the form list at most 1,000 units (accounts pages by 100)


def _crumbs(*more):
    return [(f"{BASE}/", "Tổng quan"), *more]


# -- who and where ------------------------------------------------------------------------


def _acting(actor, requested=None):
    """The tenant whose records are shown: ``{id, name, choices}`` — a platform administrator's
    choice among the tenants (their own by default), anyone else's own tenant."""
    own = actor.get("tenant_id")
    if not has(actor, "platform_admin"):
        return {"id": own, "name": (visitor() or {}).get("tenant", ""), "choices": None}
    tenants = call("accounts", "list_tenants", actor, {"per_page": "100"}).get("items") or []
    chosen = requested or own
    name = next((t["name"] for t in tenants if t["id"] == chosen), None)
    if name is None:  # past the first hundred, or not a tenant at all: accounts decides (404)
        name = call("accounts", "get_tenant", actor, chosen)["name"]
    return {"id": chosen, "name": name, "choices": tenants}


def _scoped(actor, acting, args):
    """``args`` with the tenant when a platform administrator acts for one (others act in their own)."""
    if has(actor, "platform_admin"):
        return {**args, "tenant_id": acting["id"]}
    return args


def _units(actor, acting):
    """The tenant's units in tree order (``depth`` for indenting), or None when accounts does not answer."""

    def load():
        found = []
        for number in range(1, MAX_UNIT_PAGES + 1):
            answer = call(
                "accounts", "list_units", actor, _scoped(actor, acting, {"page": str(number), "per_page": "100"})
            )
            found += answer.get("items") or []
            if len(found) >= (answer.get("total") or 0):
                break
        return found

    return _answered(block(load))


def _answered(found):
    """A block's value, None when its service did not answer (an empty list stays a list)."""
    return None if isinstance(found, Unavailable) else found


def _accounts(actor, acting):
    """The tenant's accounts a record may be linked to (not deactivated), or None."""

    def load():
        answer = call("accounts", "list_users", actor, _scoped(actor, acting, {"per_page": "100"}))
        return [u for u in answer.get("items") or [] if u.get("status") != "deactivated"]

    return _answered(block(load))


# -- the list -----------------------------------------------------------------------------


@bp.route(HOME)
def index():
    actor = staff()
    number = page_number()
    chosen = {name: (request.args.get(name) or "").strip() for name in ("q", "don-vi", "tinh-trang", "to-chuc")}
    state = chosen["tinh-trang"] or DEFAULT_STATE
    if state not in STATES:
        abort(404)
    acting = _acting(actor, chosen["to-chuc"] or None)
    args = {"page": str(number), "per_page": str(PER_PAGE), **STATES[state][1]}
    if chosen["q"]:
        args["q"] = chosen["q"]
    if chosen["don-vi"]:
        args["unit_id"] = chosen["don-vi"]
    answer, pagination, problem, status = None, None, None, 200
    try:
        answer = call("accounts", "list_staff", actor, _scoped(actor, acting, args))
        pagination = pages_of(answer, number)
    except InvalidInput as exc:
        problem, status = " ".join(field_errors(exc).values()), 422
    units = _units(actor, acting)
    return page(
        "workspace/personnel_index.html",
        status=status,
        answer=answer,
        pagination=pagination,
        problem=problem,
        chosen=chosen | {"tinh-trang": state},
        states=STATES,
        acting=acting,
        units=units,
        unit_names={u["id"]: u["name"] for u in units or []},
        query_extra={k: v for k, v in chosen.items() if v},
        base_path=HOME,
        new_path=f"{HOME}/moi" + (f"?to-chuc={acting['id']}" if acting["choices"] is not None else ""),
        menu=menu(actor),
        current=HOME,
        breadcrumbs=_crumbs((None, "Hồ sơ cán bộ")),
    )


# -- the form -----------------------------------------------------------------------------


def _typed():
    return {name: (request.form.get(name) or "").strip() for name in FIELDS}


def _data(typed, *, with_status):
    """The request of a form: what was left blank is None (accounts says which are required)."""
    data = {name: typed[name] or None for name in FIELDS if name != "status"}
    if with_status:
        data["status"] = typed["status"] or None
    return data


def _problems(exc):
    """The messages of a refused form by field. A unit or an account that is not the tenant's
    (accounts' 404) is a wrong choice in its field; any other 404 is the page's."""
    if isinstance(exc, NotFound):
        field = {"unit": "unit_id", "user": "user_id"}.get(exc.details.get("resource"))
        if field is None:
            abort(404)
        return {field: exc.message}
    return field_errors(exc, known=FIELDS)


def _form_page(actor, acting, *, record=None, form, status=200, errors=None):
    errors = dict(errors or {})
    title = "Thêm hồ sơ cán bộ" if record is None else f"Hồ sơ: {record['full_name']}"
    return page(
        "workspace/personnel_form.html",
        status=status,
        record=record,
        form=form,
        errors=errors,
        problem=errors.pop("", None),
        fields=FIELDS,
        genders=GENDERS,
        statuses=STATUSES,
        acting=acting,
        units=_units(actor, acting),
        accounts=_accounts(actor, acting),
        title=title,
        action=f"{HOME}/moi" if record is None else f"{HOME}/{record['id']}",
        menu=menu(actor),
        current=HOME,
        breadcrumbs=_crumbs((HOME, "Hồ sơ cán bộ"), (None, title)),
        headers={"Cache-Control": "private, no-store"} if status != 200 else None,
    )


@bp.route(f"{HOME}/moi", methods=["GET", "POST"])
def create():
    actor = staff()
    requested = (request.values.get("to-chuc") or "").strip() or None
    acting = _acting(actor, requested)
    if request.method == "GET":
        call("accounts", "list_staff", actor, _scoped(actor, acting, {"per_page": "1"}))  # 403 before a form
        return _form_page(actor, acting, form={name: "" for name in FIELDS})
    typed = _typed()
    data = _data(typed, with_status=False)
    if has(actor, "platform_admin"):
        data["tenant_id"] = acting["id"]
    try:
        created = call("accounts", "create_staff", actor, data)
    except (InvalidInput, NotFound) as exc:
        return _form_page(actor, acting, form=typed, status=422, errors=_problems(exc))
    flash(f"Đã thêm hồ sơ «{created['full_name']}» — {created['position']}.", "ok")
    return redirect(f"{HOME}/{created['id']}", code=303)


def _record(actor, staff_id):
    try:
        return call("accounts", "get_staff", actor, staff_id)
    except (NotFound, InvalidInput):
        abort(404)


def _as_form(record):
    return {name: "" if record.get(name) is None else str(record[name]) for name in FIELDS}


@bp.route(f"{HOME}/<staff_id>", methods=["GET", "POST"])
def edit(staff_id):
    actor = staff()
    record = _record(actor, staff_id)
    acting = {"id": record["tenant_id"], "name": None, "choices": None}
    if has(actor, "platform_admin"):
        acting["name"] = _answered(block(lambda: call("accounts", "get_tenant", actor, record["tenant_id"])["name"]))
    else:
        acting["name"] = (visitor() or {}).get("tenant", "")
    if request.method == "GET":
        return _form_page(actor, acting, record=record, form=_as_form(record))
    typed = _typed()
    try:
        saved = call("accounts", "update_staff", actor, staff_id, _data(typed, with_status=True))
    except (InvalidInput, NotFound) as exc:
        return _form_page(actor, acting, record=record, form=typed, status=422, errors=_problems(exc))
    flash(f"Đã lưu hồ sơ «{saved['full_name']}».", "ok")
    return redirect(f"{HOME}/{staff_id}", code=303)
