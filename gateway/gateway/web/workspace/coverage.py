"""``/quan-tri/pho-cap``: how far each federation has brought the portal to its grassroots unions
(«100% CĐCS»), per half-year, on the polls service's coverage RPCs (issue 16).

* ``GET /quan-tri/pho-cap?ky=`` — a federation's administrator: their figures of the half-year
  (``get_coverage``): grassroots units, and the share with an activated administrator, with
  registered members, that contributed an item; members who answered a poll — each with a bar.
  The VGCL (platform admins) and the Propaganda Dept's desk editors: the national table
  (``national_coverage``), one row per federation with the totals, sorted by ``?sap-xep=`` (``ten``,
  ``cdcs``, ``quan-tri``, ``doan-vien``, ``tin-bai``, ``tra-loi``) and ``?thu-tu=`` (``tang``,
  ``giam``). Anyone else: polls' refusal is the page (403). A period polls refuses is named beside
  the period selector (422).
* ``GET /quan-tri/pho-cap/<tenant code or id>?ky=`` — one federation's figures (overseers; a
  federation's administrator: their own, another is 404).
* ``GET /quan-tri/pho-cap/tai?ky=&sap-xep=&thu-tu=`` — the national table as CSV (UTF-8 with BOM).

Stable names and ids for the tests: period selector ``#chon-ky`` (``ky``, «Xem»); a federation:
``#so-cdcs``, table ``#pho-cap`` with rows ``#chi-so-quan-tri``, ``#chi-so-doan-vien``,
``#chi-so-tin-bai``, ``#chi-so-tra-loi``; ``#chua-co-so-lieu`` when a service did not answer;
national: table ``#pho-cap-toan-quoc`` with rows ``#dv-<code>`` and ``#tong-cong``, sorting links in
the column headings, ``#tai-csv`` «Tải CSV».
"""

import csv
import io
from datetime import date, timedelta
from urllib.parse import quote, urlencode

from flask import Blueprint, Response, abort, request, session

from gateway.api.common import call
from gateway.web.render import page
from gateway.web.workspace.common import BASE, menu, report_overseer, staff
from gateway.web.workspace.reports import _chosen_period, _period_errors, _periods
from platform_shared.errors import InvalidInput

bp = Blueprint("workspace_coverage", __name__)

PATH = f"{BASE}/pho-cap"
TITLE = "Phổ cập Cổng đến công đoàn cơ sở"
# ?sap-xep= → national_coverage's sort, and each column's heading.
SORTS = {
    "ten": ("name", "Đơn vị"),
    "cdcs": ("grassroots", "Số CĐCS"),
    "quan-tri": ("admin", "Có quản trị viên"),
    "doan-vien": ("members", "Có đoàn viên"),
    "tin-bai": ("contributing", "Có tin, bài trong kỳ"),
    "tra-loi": ("respondents", "Đoàn viên trả lời trưng cầu"),
}
ORDERS = {"tang": "asc", "giam": "desc"}


def _chrome(actor, crumbs):
    return {"menu": menu(actor), "current": PATH, "breadcrumbs": [(f"{BASE}/", "Tổng quan"), *crumbs]}


def _refused(actor, action, exc, crumbs):
    """The period selector with polls' reason beside it (422), nothing else."""
    return page(
        "workspace/reports_period_refused.html",
        status=422,
        title=TITLE,
        action=action,
        period=_chosen_period(),
        periods=_periods(),
        errors=_period_errors(exc),
        headers={"Cache-Control": "private, no-store"},
        **_chrome(actor, crumbs),
    )


@bp.route(PATH)
def index():
    actor = staff()
    if report_overseer(actor):
        return _national_page(actor)
    period = _chosen_period()
    crumbs = [(None, TITLE)]
    try:
        found = call("polls", "get_coverage", actor, {"period": period} if period else {})
    except InvalidInput as exc:
        return _refused(actor, PATH, exc, crumbs)
    return _tenant_page(actor, found, action=PATH, crumbs=crumbs)


@bp.route(f"{PATH}/<key>")
def tenant(key):
    actor = staff()
    period = _chosen_period()
    own = key in (actor.get("tenant_id"), session.get("tenant_code"))
    crumbs = [(None, TITLE)] if own else [(PATH, TITLE), (None, key)]
    try:
        found = call("polls", "get_coverage", actor, {"tenant": key, **({"period": period} if period else {})})
    except InvalidInput as exc:
        return _refused(actor, f"{PATH}/{key}", exc, crumbs)
    if not own:
        crumbs = [(PATH, TITLE), (None, found["tenant_name"])]
    return _tenant_page(actor, found, action=f"{PATH}/{found.get('tenant_code') or found['tenant_id']}", crumbs=crumbs)


def _tenant_page(actor, found, *, action, crumbs):
    return page(
        "workspace/coverage_tenant.html",
        title=TITLE,
        coverage=found,
        last_day=(date.fromisoformat(found["ends"]) - timedelta(days=1)).isoformat(),
        periods=_periods(found["period"]),
        period_action=action,
        national=report_overseer(actor),
        national_query=urlencode({"ky": found["period"]}),
        **_chrome(actor, crumbs),
    )


# -- the national table ------------------------------------------------------------------------------


def _sorting():
    """``(sap-xep, thu-tu)`` asked for (unknown values: 404, as an address that names nothing)."""
    sort = request.args.get("sap-xep") or "ten"
    order = request.args.get("thu-tu") or ("tang" if sort == "ten" else "giam")
    if sort not in SORTS or order not in ORDERS:
        abort(404)
    return sort, order


def _national(actor):
    sort, order = _sorting()
    period = _chosen_period()
    args = {"sort": SORTS[sort][0], "order": ORDERS[order], **({"period": period} if period else {})}
    return call("polls", "national_coverage", actor, args), sort, order


def _national_page(actor):
    crumbs = [(None, TITLE)]
    try:
        national, sort, order = _national(actor)
    except InvalidInput as exc:
        return _refused(actor, PATH, exc, crumbs)
    period_query = {"ky": national["period"]}
    headings = []
    for key, (_, label) in SORTS.items():
        active = key == sort
        # A second click on the active column turns its order round; a new column starts with the
        # order people compare by (names A–Z, figures largest first).
        wanted = ("giam" if order == "tang" else "tang") if active else ("tang" if key == "ten" else "giam")
        headings.append(
            {
                "key": key,
                "label": label,
                "href": f"{PATH}?{urlencode({**period_query, 'sap-xep': key, 'thu-tu': wanted})}",
                "aria_sort": ("ascending" if order == "tang" else "descending") if active else None,
            }
        )
    return page(
        "workspace/coverage_national.html",
        title=f"{TITLE} – toàn quốc",
        national=national,
        headings=headings,
        periods=_periods(national["period"]),
        sort=sort,
        order=order,
        period_query=urlencode(period_query),
        csv_query=urlencode({**period_query, "sap-xep": sort, "thu-tu": order}),
        **_chrome(actor, crumbs),
    )


CSV_COLUMNS = (
    "Mã đơn vị",
    "Đơn vị",
    "Số CĐCS",
    "CĐCS có quản trị viên",
    "Tỷ lệ (%)",
    "CĐCS có đoàn viên",
    "Tỷ lệ (%)",
    "CĐCS có tin, bài trong kỳ",
    "Tỷ lệ (%)",
    "Đoàn viên",
    "Đoàn viên đã trả lời trưng cầu",
    "Tỷ lệ (%)",
)
CSV_KEYS = (
    "grassroots",
    "with_admin",
    "with_admin_share",
    "with_members",
    "with_members_share",
    "contributing",
    "contributing_share",
    "members",
    "respondents",
    "respondents_share",
)


def _cells(row):
    """Plain numbers (shares with a decimal point) for a sheet to read; blank where there is none."""
    return ["" if row.get(key) is None else row[key] for key in CSV_KEYS]


@bp.route(f"{PATH}/tai")
def export():
    actor = staff()
    national, _, _ = _national(actor)  # a bad period is the API's 422 page here: there is no form
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for row in national["tenants"]:
        writer.writerow([row["tenant_code"], row["tenant_name"], *_cells(row)])
    writer.writerow(["", "Tổng cộng", *_cells(national["totals"])])
    name = f"Phổ cập Cổng đến CĐCS {national['period']}.csv"
    return Response(
        "\ufeff" + out.getvalue(),
        mimetype="text/csv",
        headers={
            "Content-Disposition": (
                f"attachment; filename=\"pho-cap-{national['period']}.csv\"; filename*=UTF-8''{quote(name, safe='')}"
            ),
            "Cache-Control": "private, no-store",
        },
    )
