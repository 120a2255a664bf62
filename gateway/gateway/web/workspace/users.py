"""``/quan-tri/tai-khoan``: a member organisation's user accounts and their roles — the old
console's «Tài khoản».

* ``GET /quan-tri/tai-khoan`` — ``list_users``: ``?q=`` (name or user name), ``?vai-tro=``
  (a role key), ``?trang-thai=`` (invited, active, deactivated), ``?trang=``; each row names
  the person's unit.
* ``GET, POST /quan-tri/tai-khoan/moi`` — an invitation (``invite_user``): ``full_name``,
  ``email`` (also the user name), ``phone``, ``unit_id``, ``roles`` (checkboxes; ``?vai-tro=``
  ticks one). The answer is the one-time activation link, shown once on that page (not kept
  anywhere, not redirected through the session cookie).
* ``GET, POST /quan-tri/tai-khoan/<id>`` — one account: its facts, and its name, phone, unit
  and roles (``update_user``). The roles offered are those the person may grant (quản trị hệ
  thống only to a platform administrator); a role held but not offered is kept. Accounts
  decides the rest: platform administrators only in VGCL bodies (422), nobody removes their
  own administrator role (409), a role the person may not grant (403) — each beside «Vai trò».
* ``POST /quan-tri/tai-khoan/<id>/khoa`` (deactivate: the person is signed out everywhere),
  ``/mo-khoa`` (reactivate), ``/ma-kich-hoat`` (a new activation link for an account not yet
  activated; earlier links stop working — shown once, as an invitation's).

Platform administrators work on any member organisation with ``?don-vi-thanh-vien=<id>``.
Another organisation's account is 404; a person who is not an administrator gets 403.

Stable names for tests: forms ``form-tai-khoan`` (invitation and edit: ``full_name``,
``email``, ``phone``, ``unit_id``, ``roles`` with ids ``vai-tro-<role>``), ``form-loc-tai-khoan``,
``form-khoa``, ``form-mo-khoa``, ``form-ma-kich-hoat``; the table ``bang-tai-khoan``; the
activation link ``lien-ket-kich-hoat``.
"""

from flask import Blueprint, flash, redirect, request

from gateway.api.common import call
from gateway.web.portal.common import field_errors, page_number, pages_of
from gateway.web.render import page
from gateway.web.workspace.common import BASE, ROLE_LABELS, block, has, tile
from gateway.web.workspace.tenants_scope import (
    TENANT_PARAM,
    acting_tenant,
    activation_link,
    chrome,
    record_and_tenant,
    scoped,
    signed_in_admin,
    tenant_choices,
    unit_options,
    unit_tree,
)
from platform_shared.actor import ROLES
from platform_shared.errors import Conflict, Forbidden, InvalidInput

bp = Blueprint("workspace_users", __name__)

ACCOUNTS = f"{BASE}/tai-khoan"
AREA = (ACCOUNTS, "Tài khoản và vai trò")
PER_PAGE = 20
STATUS_LABELS = {"invited": "Chờ kích hoạt", "active": "Đang hoạt động", "deactivated": "Đã khóa"}
FIELDS = {
    "full_name": "Họ và tên",
    "email": "E-mail",
    "phone": "Số điện thoại",
    "unit_id": "Đơn vị công tác",
    "roles": "Vai trò",
}
NO_STORE = {"Cache-Control": "private, no-store"}


# What a unit administrator grants in its branch (accounts' ``policy.BRANCH_GRANTABLE``).
BRANCH_ROLES = ("unit_admin", "contributor", "member")


def grantable(actor):
    """The roles the page offers: every role, quản trị hệ thống only to a platform administrator
    (what the old console offered), a unit administrator's three to it (accounts decides)."""
    if has(actor, "unit_admin") and not has(actor, "tenant_admin", "platform_admin"):
        return [r for r in ROLES if r in BRANCH_ROLES]
    return [r for r in ROLES if r != "platform_admin" or has(actor, "platform_admin")]


@tile("Tài khoản", "tenant_admin", "unit_admin", "platform_admin")
def _waiting(actor):
    invited = call(
        "accounts", "list_users", actor, {"tenant_id": actor["tenant_id"], "status": "invited", "per_page": "1"}
    )
    return [(invited.get("total") or 0, "tài khoản chưa kích hoạt", f"{ACCOUNTS}?trang-thai=invited")]


@bp.route(ACCOUNTS)
def index():
    actor = signed_in_admin()
    tenant = acting_tenant(actor)
    number = page_number()
    chosen = {name: (request.args.get(name) or "").strip() for name in ("q", "vai-tro", "trang-thai")}
    args = {"tenant_id": tenant["id"], "page": str(number), "per_page": str(PER_PAGE)}
    for name, key in (("q", "q"), ("vai-tro", "role"), ("trang-thai", "status")):
        if chosen[name]:
            args[key] = chosen[name]
    answer, pagination, problem, status, units = None, None, None, 200, {}
    try:
        answer = call("accounts", "list_users", actor, args)
        pagination = pages_of(answer, number)
        units = _unit_names(actor, answer.get("items") or [])
    except InvalidInput as exc:
        problem, status = " ".join(field_errors(exc).values()), 422
    extra = {k: v for k, v in chosen.items() if v}
    if not tenant["own"]:
        extra[TENANT_PARAM] = tenant["id"]
    return page(
        "workspace/users_index.html",
        status=status,
        tenant=tenant,
        answer=answer,
        pagination=pagination,
        problem=problem,
        chosen=chosen,
        units=units,
        roles=ROLES,
        role_labels=ROLE_LABELS,
        statuses=STATUS_LABELS,
        query_extra=extra,
        chooser=tenant_choices(actor) if has(actor, "platform_admin") else None,
        chooser_action=ACCOUNTS,
        scoped=scoped,
        me=actor["user_id"],
        **chrome(actor, tenant, AREA),
    )


def _unit_names(actor, users):
    """``{unit id: name}`` of the units the listed people work in (a page names a few)."""
    names = {}
    for unit_id in {u["unit_id"] for u in users if u.get("unit_id")}:
        found = block(lambda unit_id=unit_id: call("accounts", "get_unit", actor, unit_id))
        if found:
            names[unit_id] = found["name"]
    return names


# -- the form (invitation and edit) ------------------------------------------------------------


def _form_page(actor, tenant, status=200, *, user=None, form, errors=None, problem=None):
    errors = dict(errors or {})
    roots, units, _ = unit_tree(actor, tenant["id"])
    title = user["full_name"] if user else "Mời người dùng"
    return page(
        "workspace/users_form.html",
        status=status,
        tenant=tenant,
        user=user,
        form=form,
        errors=errors,
        problem=problem or errors.pop("", None),
        fields=FIELDS,
        offered=grantable(actor),
        role_labels=ROLE_LABELS,
        statuses=STATUS_LABELS,
        unit_choices=unit_options(roots),
        units_by_id={u["id"]: u for u in units},
        action=scoped(tenant, f"{ACCOUNTS}/{user['id']}" if user else f"{ACCOUNTS}/moi"),
        scoped=scoped,
        is_me=bool(user) and user["id"] == actor["user_id"],
        headers=NO_STORE if status != 200 else None,
        **chrome(actor, tenant, AREA, (None, title)),
    )


def _typed():
    form = {name: (request.form.get(name) or "").strip() for name in FIELDS if name != "roles"}
    form["roles"] = request.form.getlist("roles")
    return form


def _refused(exc):
    """Accounts' refusal of a form as ``(status, {field: message})``: removing one's own
    administrator role is named beside «Vai trò», a user name in use beside «E-mail»."""
    if isinstance(exc, Conflict) and exc.code == "SELF_LOCKOUT":
        return exc.status, {"roles": exc.message}
    return exc.status, field_errors(exc, {"username": "email"}, known=FIELDS)


@bp.route(f"{ACCOUNTS}/moi", methods=["GET", "POST"])
def invite():
    actor = signed_in_admin()
    tenant = acting_tenant(actor)
    if request.method == "GET":
        wanted = request.args.get("vai-tro")
        form = {"full_name": "", "email": "", "phone": "", "unit_id": "", "roles": [wanted] if wanted in ROLES else []}
        return _form_page(actor, tenant, form=form)
    form = _typed()
    data = {
        "tenant_id": tenant["id"],
        "full_name": form["full_name"],
        "email": form["email"],
        "phone": form["phone"] or None,
        "unit_id": form["unit_id"] or None,
        "roles": form["roles"],
    }
    if not data["roles"]:
        return _form_page(actor, tenant, 422, form=form, errors={"roles": "Chọn ít nhất một vai trò."})
    try:
        invitation = call("accounts", "invite_user", actor, data)
    except (InvalidInput, Conflict) as exc:
        status, errors = _refused(exc)
        return _form_page(actor, tenant, status, form=form, errors=errors)
    except Forbidden as exc:
        if exc.code != "ROLE_NOT_GRANTABLE":
            raise
        return _form_page(actor, tenant, 403, form=form, errors={"roles": exc.message})
    return _activation_page(actor, tenant, invitation, "Đã tạo tài khoản cho")


def _activation_page(actor, tenant, invitation, verb):
    """The one-time activation link, on the answer to the POST itself: never stored, not cached."""
    user = invitation["user"]
    return page(
        "workspace/users_activation.html",
        tenant=tenant,
        user=user,
        verb=verb,
        link=activation_link(invitation["activation_token"]),
        expires_at=invitation["expires_at"],
        scoped=scoped,
        headers=NO_STORE,
        **chrome(actor, tenant, AREA, (None, "Đường link kích hoạt")),
    )


# -- one account --------------------------------------------------------------------------------


def _form_of(user):
    return {
        "full_name": user["full_name"],
        "email": user["email"],
        "phone": user.get("phone") or "",
        "unit_id": user.get("unit_id") or "",
        "roles": list(user["roles"]),
    }


@bp.route(f"{ACCOUNTS}/<user_id>", methods=["GET", "POST"])
def account(user_id):
    actor = signed_in_admin()
    user, tenant = record_and_tenant(actor, "get_user", user_id)
    if request.method == "GET":
        return _form_page(actor, tenant, user=user, form=_form_of(user))
    form = _typed()
    form["email"] = user["email"]  # not editable: it is the user name
    offered = set(grantable(actor))
    roles = form["roles"] + [r for r in user["roles"] if r not in offered and r not in form["roles"]]
    if not roles:
        return _form_page(actor, tenant, 422, user=user, form=form, errors={"roles": "Chọn ít nhất một vai trò."})
    data = {
        "full_name": form["full_name"],
        "phone": form["phone"] or None,
        "unit_id": form["unit_id"] or None,
        "roles": roles,
    }
    try:
        saved = call("accounts", "update_user", actor, user["id"], data)
    except (InvalidInput, Conflict) as exc:
        status, errors = _refused(exc)
        return _form_page(actor, tenant, status, user=user, form=form, errors=errors)
    except Forbidden as exc:
        if exc.code != "ROLE_NOT_GRANTABLE":
            raise
        return _form_page(actor, tenant, 403, user=user, form=form, errors={"roles": exc.message})
    changed = set(saved["roles"]) != set(user["roles"])
    flash(
        f"Đã lưu tài khoản «{saved['full_name']}»."
        + (" Vai trò mới có hiệu lực ngay: các phiên đăng nhập cũ của người này kết thúc." if changed else ""),
        "ok",
    )
    return redirect(scoped(tenant, f"{ACCOUNTS}/{saved['id']}"), code=303)


def _action_refused(actor, user, tenant, exc):
    return _form_page(actor, tenant, exc.status, user=user, form=_form_of(user), problem=exc.message)


@bp.route(f"{ACCOUNTS}/<user_id>/khoa", methods=["POST"])
def deactivate(user_id):
    actor = signed_in_admin()
    user, tenant = record_and_tenant(actor, "get_user", user_id)
    try:
        saved = call("accounts", "update_user", actor, user["id"], {"status": "deactivated"})
    except (Conflict, InvalidInput) as exc:
        return _action_refused(actor, user, tenant, exc)
    flash(f"Đã khóa tài khoản «{saved['full_name']}». Người này đã bị đăng xuất khỏi mọi thiết bị.", "ok")
    return redirect(scoped(tenant, f"{ACCOUNTS}/{saved['id']}"), code=303)


@bp.route(f"{ACCOUNTS}/<user_id>/mo-khoa", methods=["POST"])
def reactivate(user_id):
    actor = signed_in_admin()
    user, tenant = record_and_tenant(actor, "get_user", user_id)
    try:
        saved = call("accounts", "update_user", actor, user["id"], {"status": "active"})
    except (Conflict, InvalidInput) as exc:
        return _action_refused(actor, user, tenant, exc)
    still = " Tài khoản vẫn chờ kích hoạt." if saved["status"] == "invited" else ""
    flash(f"Đã mở khóa tài khoản «{saved['full_name']}».{still}", "ok")
    return redirect(scoped(tenant, f"{ACCOUNTS}/{saved['id']}"), code=303)


@bp.route(f"{ACCOUNTS}/<user_id>/ma-kich-hoat", methods=["POST"])
def reissue(user_id):
    actor = signed_in_admin()
    user, tenant = record_and_tenant(actor, "get_user", user_id)
    try:
        invitation = call("accounts", "reissue_activation", actor, user["id"])
    except (Conflict, InvalidInput) as exc:
        return _action_refused(actor, user, tenant, exc)
    return _activation_page(actor, tenant, invitation, "Đã cấp lại đường link kích hoạt cho")
