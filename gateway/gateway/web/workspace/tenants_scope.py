"""What the administrators' pages (member organisations, unit tree, accounts, members) share:
who may open them, which member organisation a page works on, the layout's menu and trail, the
tenant and unit lists their choosers show, the unit tree in the order a person reads it, the
one-time activation link.

A platform administrator works on any member organisation: ``?don-vi-thanh-vien=<tenant id>``
on the unit tree and account pages (the old console's «Quản lý» button); everyone else on
their own. The id goes to accounts as the RPC's ``tenant_id`` and accounts decides (another
tenant's id is its 404).
"""

from flask import abort, request

from gateway.api.common import call
from gateway.web.portal.common import base_url
from gateway.web.workspace.common import BASE, has, menu, staff
from platform_shared.errors import Forbidden, NotFound
from platform_shared.text import fold

TENANT_PARAM = "don-vi-thanh-vien"
PER_PAGE = 100  # the most a list RPC answers at once
MAX_PAGES = 30  # 3,000 units or tenants on one page; a bigger tree is read branch by branch


def require_admin(actor):
    """The administrators' pages show nothing to others. A convenience for the page only (the
    lists are readable by a tenant's staff); every change is refused by accounts itself. A unit
    administrator (``unit_admin``) opens them too: accounts shows it its branch only."""
    if not has(actor, "tenant_admin", "platform_admin", "unit_admin"):
        raise Forbidden("Trang này dành cho quản trị viên của đơn vị. Tài khoản của bạn chưa có vai trò quản trị.")


def signed_in_admin():
    """The signed-in tenant, unit or platform administrator; anyone else gets the 403 page."""
    actor = staff()
    require_admin(actor)
    return actor


def require_platform_admin(actor):
    if not has(actor, "platform_admin"):
        raise Forbidden("Trang này dành cho quản trị hệ thống (Văn phòng Tổng Liên đoàn).")


def acting_tenant(actor):
    """The member organisation the page works on: ``?don-vi-thanh-vien=`` (platform
    administrators) or the person's own; accounts' ``get_tenant`` answers 404 for one the
    person may not see."""
    wanted = (request.values.get(TENANT_PARAM) or "").strip()
    return tenant_of(actor, wanted or actor["tenant_id"])


def tenant_of(actor, tenant_id):
    """The member organisation ``tenant_id`` (accounts' ``get_tenant``), ``own`` when it is the person's."""
    tenant = call("accounts", "get_tenant", actor, tenant_id)
    tenant["own"] = tenant["id"] == actor["tenant_id"]
    return tenant


def record_and_tenant(actor, method, record_id):
    """``(record, its member organisation)``: an accounts record (``method``: ``get_unit``,
    ``get_user``) and ``tenant_of`` it; a record the person may not see is the 404 page."""
    try:
        record = call("accounts", method, actor, record_id)
    except NotFound:
        abort(404)
    return record, tenant_of(actor, record["tenant_id"])


def scoped(tenant, path):
    """``path`` with the tenant chosen, unless it is the person's own."""
    if tenant.get("own"):
        return path
    return f"{path}{'&' if '?' in path else '?'}{TENANT_PARAM}={tenant['id']}"


def chrome(actor, tenant, area, *more):
    """What a page of an administrators' area passes to the layout: the menu with ``area``
    (``(path, label)``) current, the trail «Tổng quan › label › *more*» (the area's own page
    ends at its label) with the area's link keeping the member organisation chosen, and the
    title (the trail's last label)."""
    path, label = area
    home = (f"{BASE}/", "Tổng quan")
    trail = [home, (scoped(tenant, path), label), *more] if more else [home, (None, label)]
    return {"menu": menu(actor), "current": path, "breadcrumbs": trail, "title": trail[-1][1]}


def all_pages(actor, method, args):
    """Every item of a list RPC (pages of 100, at most ``MAX_PAGES``), and whether some were left out."""
    items, page = [], 1
    while True:
        answer = call("accounts", method, actor, {**args, "page": str(page), "per_page": str(PER_PAGE)})
        items.extend(answer.get("items") or [])
        if len(items) >= (answer.get("total") or 0):
            return items, False
        if page >= MAX_PAGES:
            return items, True
        page += 1


def tenant_choices(actor, *, status="active"):
    """The member organisations a platform administrator picks from, by name (``status=None``: all)."""
    args = {"status": status} if status else {}
    items, _ = all_pages(actor, "list_tenants", args)
    return sorted(items, key=lambda t: (fold(t["name"]), t["name"]))


def tenant_label(tenant):
    return f"{tenant['name']} ({tenant['code']})"


# -- the unit tree ------------------------------------------------------------------------------


def unit_tree(actor, tenant_id, root_id=None):
    """``(roots, units, truncated)``: the tenant's units nested (``{"unit", "children"}``,
    siblings by name the Vietnamese way, as the old console sorted them), the flat list, and
    whether the tree was too big to read whole."""
    args = {"tenant_id": tenant_id}
    if root_id:
        args["root_id"] = root_id
    units, truncated = all_pages(actor, "list_units", args)
    return nest(units), units, truncated


def _by_name(node):
    return (fold(node["unit"]["name"]), node["unit"]["name"])


def nest(units):
    """Units (parents before children, as accounts lists them) → nested nodes sorted by name."""
    nodes = {u["id"]: {"unit": u, "children": []} for u in units}
    roots = []
    for unit in units:
        parent = nodes.get(unit.get("parent_id"))
        (parent["children"] if parent else roots).append(nodes[unit["id"]])

    def order(level):
        level.sort(key=_by_name)
        for node in level:
            order(node["children"])
            node["count"] = len(node["children"]) + sum(child["count"] for child in node["children"])
        return level

    return order(roots)


def unit_options(roots, *, leave_out=None, active_only=True):
    """``[(unit, depth)]`` in tree order for a «trực thuộc» chooser; the branch of ``leave_out``
    (a unit cannot move under itself) and archived units are not offered."""
    found = []

    def walk(level, depth):
        for node in level:
            unit = node["unit"]
            if unit["id"] == leave_out:
                continue
            if not active_only or unit["status"] == "active":
                found.append((unit, depth))
            walk(node["children"], depth + 1)

    walk(roots, 0)
    return found


def activation_link(token):
    """Where the new account's owner sets a password (the portal's ``/kich-hoat`` page)."""
    from urllib.parse import quote

    return f"{base_url()}/kich-hoat?token={quote(token, safe='')}"
