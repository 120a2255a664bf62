"""``/quan-tri/bao-cao``: the June/December (semiannual) report of a federation, and the
Propaganda Dept's overview and roll-up, on the polls service's report RPCs (issue 15).

* ``GET /quan-tri/bao-cao`` — a federation's administrator: their report of ``?ky=`` (default: the
  current half-year; ``get_semiannual_report`` opens it as a draft) with the compiled figures, the
  evaluation form and the downloads. The Propaganda Dept's desk editors and platform admins: who
  has submitted and who has not (``semiannual_overview``: counts, ``?trang-thai=`` submitted,
  not_submitted, draft, not_started, merged; ``?ky=``; ``?trang=``). Another editor: polls'
  refusal is the page (403). A period polls refuses (``2026-H3``, one not begun) is named beside
  the period selector (422).
* ``GET /quan-tri/bao-cao/<report id or tenant code>`` — one report: by id
  (``get_semiannual_report_by_id``) or a tenant's of ``?ky=`` (``get_semiannual_report``);
  another federation's is 404 for an administrator.
* ``POST /quan-tri/bao-cao/<id>/danh-gia`` — save the draft evaluation and signature block
  (``evaluate_semiannual_report``); 422 beside the field, 409 once submitted; 303 + flash.
* ``POST /quan-tri/bao-cao/<id>/gui`` — without ``xac-nhan``: the evaluation is saved and a
  confirmation page shows what will be sent (an empty evaluation: 422 beside it); with
  ``xac-nhan=1``: ``submit_semiannual_report`` (422 beside the field, 409 «already sent» as a
  message on the now read-only report, 503 while a part of the figures is missing); 303 + flash.
* ``GET /quan-tri/bao-cao/<id>/tai?dinh-dang=pdf|xlsx`` — ``export_semiannual_report``: the file
  with its content type and a Vietnamese file name (``filename*``).
* ``GET /quan-tri/bao-cao/tong-hop?ky=`` — the roll-up (``semiannual_rollup``) and
  ``/tong-hop/tai?ky=&dinh-dang=pdf|xlsx`` (``export_semiannual_rollup``).

Stable names and ids for the tests: period selector ``#chon-ky`` (field ``ky``, button «Xem»);
report: ``#trang-thai-bao-cao``, ``#han-gui``, figures ``#so-lieu-thong-tin``, ``#so-lieu-hoi-dap``,
``#so-lieu-trung-cau``; form ``#danh-gia`` (fields ``evaluation``, ``signer_title``, ``signer_name``;
buttons «Lưu bản nháp» and «Gửi báo cáo…»), ``#da-gui`` (the read-only evaluation), links
``#tai-pdf`` «Tải PDF», ``#tai-xlsx`` «Tải XLSX»; confirmation form ``#xac-nhan-gui`` (button «Xác
nhận gửi báo cáo»); overview: ``#so-don-vi``, filters ``#loc`` (``ky``, ``trang-thai``), table
``#tinh-hinh-gui`` with rows ``#dv-<tenant code>``, link ``#xem-tong-hop``; roll-up: ``#tong-cong``,
table ``#tong-hop-don-vi``, ``#tong-hop-chuyen-muc``, links ``#tai-pdf``, ``#tai-xlsx``.
"""

import base64
import re
import uuid
from datetime import date, datetime
from urllib.parse import quote, urlencode

from flask import Blueprint, Response, abort, flash, redirect, request

from gateway.api.common import call
from gateway.web.format import VIETNAM, day, day_time
from gateway.web.portal.common import field_errors, page_number, pages_of
from gateway.web.render import page
from gateway.web.workspace.common import BASE, has, menu, report_overseer, staff, tile
from platform_shared.errors import Conflict, InvalidInput, PlatformError, Unavailable
from platform_shared.schemas import reports as schema

bp = Blueprint("workspace_reports", __name__)

PATH = f"{BASE}/bao-cao"
ROLLUP = f"{PATH}/tong-hop"
EXPORT_TIMEOUT = 60
PER_PAGE = 100
PERIODS_SHOWN = 6  # the current half-year and the five before it (three years)
FIELDS = {
    "evaluation": "Đánh giá của đơn vị",
    "signer_title": "Chức vụ người ký",
    "signer_name": "Họ và tên người ký",
}
OVERVIEW_FILTERS = {
    "": "Tất cả các đơn vị",
    "not_submitted": "Chưa gửi (đang soạn hoặc chưa lập)",
    "submitted": "Đã gửi",
    "draft": "Đang soạn (bản nháp)",
    "not_started": "Chưa lập báo cáo",
    "merged": "Đã hợp nhất vào đơn vị khác",
}
EVALUATION_REQUIRED = "Cần nhập đánh giá của đơn vị trước khi gửi báo cáo."


# -- periods ------------------------------------------------------------------------------------


def _today():
    return datetime.now(VIETNAM).date()


def _half_year(today):
    return today.year, 1 if today.month <= 6 else 2


def _period_title(label):
    """«6 tháng cuối năm 2026» of ``2026-H2`` (the name polls gives a report; for the selector)."""
    year, half = label.split("-H")
    return f"6 tháng {'đầu' if half == '1' else 'cuối'} năm {year}"


def _periods(chosen=None):
    """The half-years offered by the selector, newest first: ``[(label, title)]``. A valid period
    typed in the address that is older than these is offered too (polls judges the rest)."""
    year, half = _half_year(_today())
    labels = []
    for _ in range(PERIODS_SHOWN):
        labels.append(f"{year}-H{half}")
        year, half = (year, 1) if half == 2 else (year - 1, 2)
    if chosen and chosen not in labels and re.fullmatch(schema.PERIOD_PATTERN, chosen):
        labels.append(chosen)
    return [(label, _period_title(label)) for label in labels]


def _chosen_period():
    return (request.args.get("ky") or "").strip()


def _period_errors(exc):
    """``{"ky": message}`` of polls' refusal of a period (unknown form, not begun yet)."""
    errors = field_errors(exc, {"period": "ky"}, known={"ky"})
    errors.setdefault("ky", errors.pop("", exc.message))
    return errors


# -- pages ----------------------------------------------------------------------------------------


def _crumbs(*more):
    return [(f"{BASE}/", "Tổng quan"), *more]


def _chrome(actor, crumbs):
    return {"menu": menu(actor), "current": PATH, "breadcrumbs": _crumbs(*crumbs)}


def _overseer_view(actor):
    """Desk editors and platform admins land on the overview; polls decides who may see it."""
    return has(actor, "editor", "platform_admin")


@bp.route(PATH)
def index():
    actor = staff()
    if _overseer_view(actor):
        return _overview_page(actor)
    period = _chosen_period()
    args = {"period": period} if period else {}
    try:
        report = call("polls", "get_semiannual_report", actor, args)
    except InvalidInput as exc:
        return _period_refused(actor, "Báo cáo 6 tháng", PATH, period, exc, crumbs=[(None, "Báo cáo 6 tháng")])
    return _report_page(actor, report, crumbs=[(None, "Báo cáo 6 tháng")])


def _is_uuid(text):
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


def _report_of(actor, key):
    """A report by its id, or a tenant's (by code or id) for ``?ky=``."""
    if _is_uuid(key):
        return call("polls", "get_semiannual_report_by_id", actor, key)
    period = _chosen_period()
    return call("polls", "get_semiannual_report", actor, {"tenant": key, **({"period": period} if period else {})})


@bp.route(f"{PATH}/<key>")
def report(key):
    actor = staff()
    try:
        found = _report_of(actor, key)
    except InvalidInput as exc:
        crumbs = [(PATH, "Báo cáo 6 tháng"), (None, key)]
        return _period_refused(actor, "Báo cáo 6 tháng", f"{PATH}/{key}", _chosen_period(), exc, crumbs=crumbs)
    return _report_page(actor, found, crumbs=[(PATH, "Báo cáo 6 tháng"), (None, _report_crumb(actor, found))])


def _report_crumb(actor, found):
    if found["tenant_id"] == actor.get("tenant_id"):
        return found["period_label"]
    return f"{found['tenant_name']} – {found['period_label']}"


def _period_refused(actor, title, action, period, exc, *, crumbs):
    """A page with the period selector and polls' reason beside it (422), nothing else."""
    return page(
        "workspace/reports_period_refused.html",
        status=422,
        title=title,
        action=action,
        period=period,
        periods=_periods(),
        errors=_period_errors(exc),
        headers={"Cache-Control": "private, no-store"},
        **_chrome(actor, crumbs),
    )


def _report_page(actor, found, *, status=200, crumbs=None, errors=None, problem=None, typed=None):
    own = found["tenant_id"] == actor.get("tenant_id")
    errors = dict(errors or {})
    problem = problem or errors.pop("", None)
    crumbs = crumbs or [(PATH, "Báo cáo 6 tháng"), (None, _report_crumb(actor, found))]
    return page(
        "workspace/reports_report.html",
        status=status,
        title=f"Báo cáo {found['period_label']}",
        report=found,
        own=own,
        may_write="evaluate" in (found.get("allowed_actions") or []),
        downloads=found.get("status") != "not_started",
        errors=errors,
        fields=FIELDS,
        problem=problem,
        typed=typed
        or {
            "evaluation": found.get("evaluation") or "",
            "signer_title": found.get("signer_title") or "",
            "signer_name": found.get("signer_name") or "",
        },
        periods=_periods(found["period"]),
        period_action=PATH if own else f"{PATH}/{found.get('tenant_code') or found['tenant_id']}",
        days_left=_days_left(found.get("due_on")),
        max_length=schema.EVALUATION_MAX,
        signer_max=schema.SIGNER_MAX,
        headers={"Cache-Control": "private, no-store"} if status != 200 else None,
        **_chrome(actor, crumbs),
    )


def _days_left(due_on):
    if not due_on:
        return None
    return (date.fromisoformat(due_on[:10]) - _today()).days


# -- writing the evaluation, submitting -------------------------------------------------------------


def _typed():
    return {name: request.form.get(name, "") for name in FIELDS}


def _data(typed):
    return {
        "evaluation": typed["evaluation"],
        "signer_title": typed["signer_title"].strip() or None,
        "signer_name": typed["signer_name"].strip() or None,
    }


def _refused(actor, report_id, exc, typed):
    """The report again with polls' answer: 422 beside the fields, 409 and 503 as a message."""
    found = call("polls", "get_semiannual_report_by_id", actor, report_id)
    if isinstance(exc, InvalidInput):
        return _report_page(actor, found, status=422, errors=field_errors(exc, known=FIELDS), typed=typed)
    return _report_page(actor, found, status=exc.status, problem=exc.message, typed=typed)


@bp.route(f"{PATH}/<report_id>/danh-gia", methods=["POST"])
def evaluate(report_id):
    actor = staff()
    typed = _typed()
    try:
        saved = call("polls", "evaluate_semiannual_report", actor, report_id, _data(typed))
    except (InvalidInput, Conflict) as exc:
        return _refused(actor, report_id, exc, typed)
    flash(
        f"Đã lưu bản nháp đánh giá báo cáo {saved['period_label']}. Báo cáo chưa được gửi: "
        "khi hoàn tất, bấm «Gửi báo cáo…».",
        "ok",
    )
    return redirect(f"{PATH}/{report_id}", code=303)


@bp.route(f"{PATH}/<report_id>/gui", methods=["POST"])
def submit(report_id):
    actor = staff()
    typed = _typed()
    if request.form.get("xac-nhan") != "1":
        # First the evaluation is kept (nothing typed is lost), then the person confirms.
        try:
            saved = call("polls", "evaluate_semiannual_report", actor, report_id, _data(typed))
        except (InvalidInput, Conflict) as exc:
            return _refused(actor, report_id, exc, typed)
        if not typed["evaluation"].strip():
            return _report_page(actor, saved, status=422, errors={"evaluation": EVALUATION_REQUIRED}, typed=typed)
        return page(
            "workspace/reports_confirm.html",
            title="Xác nhận gửi báo cáo",
            report=saved,
            typed=typed,
            days_left=_days_left(saved.get("due_on")),
            headers={"Cache-Control": "private, no-store"},
            **_chrome(
                actor,
                [(PATH, "Báo cáo 6 tháng"), (f"{PATH}/{report_id}", saved["period_label"]), (None, "Xác nhận gửi")],
            ),  # fmt: skip
        )
    try:
        sent = call("polls", "submit_semiannual_report", actor, report_id, _data(typed))
    except (InvalidInput, Conflict, Unavailable) as exc:
        return _refused(actor, report_id, exc, typed)
    flash(
        f"Đã gửi báo cáo {sent['period_label']} lúc {day_time(sent['submitted_at'])}. Số liệu đã được chốt; "
        "Ban Tuyên giáo đã nhận được báo cáo.",
        "ok",
    )
    return redirect(f"{PATH}/{report_id}", code=303)


# -- files ----------------------------------------------------------------------------------------


def _file(exported, name):
    return Response(
        base64.b64decode(exported["content_b64"]),
        headers={
            "Content-Type": exported["content_type"],
            "Content-Disposition": (
                f"attachment; filename=\"{exported['filename']}\"; filename*=UTF-8''{quote(name, safe='')}"
            ),
            "Cache-Control": "private, no-store",
        },
    )


def _format():
    fmt = request.args.get("dinh-dang") or "pdf"
    if fmt not in schema.EXPORT_FORMATS:
        abort(404)
    return fmt


def _title_in(filename):
    """«6 tháng cuối năm 2026» of the period a polls file name carries, or None."""
    found = re.search(r"(?<![0-9])([0-9]{4}-H[12])(?![0-9])", filename)
    return _period_title(found.group(1)) if found else None


@bp.route(f"{PATH}/<report_id>/tai")
def export(report_id):
    actor = staff()
    fmt = _format()
    exported = call("polls", "export_semiannual_report", actor, report_id, {"format": fmt}, timeout=EXPORT_TIMEOUT)
    code = re.sub(r"^bao-cao-[0-9]{4}-H[12]-|\.[a-z]+$", "", exported["filename"])
    name = f"Báo cáo {_title_in(exported['filename']) or ''} - {code}.{fmt}".replace("  ", " ")
    return _file(exported, name)


@bp.route(f"{ROLLUP}/tai")
def export_rollup():
    actor = staff()
    fmt = _format()
    period = _chosen_period()
    args = {"format": fmt, **({"period": period} if period else {})}
    exported = call("polls", "export_semiannual_rollup", actor, args, timeout=EXPORT_TIMEOUT)
    return _file(exported, f"Tổng hợp báo cáo {_title_in(exported['filename']) or ''}.{fmt}".replace(" .", "."))


# -- the Propaganda Dept: who has submitted, the roll-up -------------------------------------------


def _overview_page(actor):
    number = page_number()
    period = _chosen_period()
    wanted = request.args.get("trang-thai") or ""
    if wanted not in OVERVIEW_FILTERS:
        abort(404)
    args = {"page": str(number), "per_page": str(PER_PAGE)}
    if period:
        args["period"] = period
    if wanted:
        args["status"] = wanted
    try:
        overview = call("polls", "semiannual_overview", actor, args)
    except InvalidInput as exc:
        return _period_refused(
            actor, "Tình hình gửi báo cáo 6 tháng", PATH, period, exc, crumbs=[(None, "Báo cáo 6 tháng")]
        )
    extra = {k: v for k, v in (("ky", period), ("trang-thai", wanted)) if v}
    return page(
        "workspace/reports_overview.html",
        title="Tình hình gửi báo cáo 6 tháng",
        overview=overview,
        pagination=pages_of(overview, number),
        periods=_periods(overview["period"]),
        wanted=wanted,
        filters=OVERVIEW_FILTERS,
        query_extra=extra,
        period_query=urlencode({"ky": overview["period"]}),
        days_left=_days_left(overview.get("due_on")),
        **_chrome(actor, [(None, "Báo cáo 6 tháng")]),
    )


@bp.route(ROLLUP)
def rollup():
    actor = staff()
    period = _chosen_period()
    crumbs = [(PATH, "Báo cáo 6 tháng"), (None, "Tổng hợp")]
    try:
        found = call("polls", "semiannual_rollup", actor, {"period": period} if period else {})
    except InvalidInput as exc:
        return _period_refused(actor, "Tổng hợp báo cáo 6 tháng", ROLLUP, period, exc, crumbs=crumbs)
    return page(
        "workspace/reports_rollup.html",
        title=f"Tổng hợp báo cáo {found['period_label']}",
        rollup=found,
        periods=_periods(found["period"]),
        period_query=urlencode({"ky": found["period"]}),
        **_chrome(actor, crumbs),
    )


# -- the landing page's card ------------------------------------------------------------------------


def _refusal_is_none(load):
    """``load()``, or None when polls refuses this person (403, 404): they see no report."""
    try:
        return load()
    except PlatformError as exc:
        if exc.status >= 500:
            raise
        return None


def _deadline(due_on):
    left = _days_left(due_on)
    if left is None:
        return ""
    if left < 0:
        return f"đã quá hạn gửi {day(due_on)}"
    return f"hạn gửi {day(due_on)}" + (" (hôm nay)" if left == 0 else f" (còn {left} ngày)")


@tile("Báo cáo 6 tháng", "tenant_admin", "editor", "platform_admin")
def landing_card(actor):
    """Overseers: submitted N of M for the current half-year; a federation's administrator: where
    their report stands and its deadline. None for anyone polls shows no report (other editors:
    known from the session's tenant code without asking polls)."""
    if report_overseer(actor):
        overview = _refusal_is_none(lambda: call("polls", "semiannual_overview", actor, {"per_page": "1"}))
        if overview is not None:
            counts = overview["counts"]
            return [
                (
                    counts["submitted"],
                    f"trên {counts['expected']} đơn vị đã gửi báo cáo {overview['period_label']}",
                    f"{PATH}?trang-thai=submitted",
                ),
                (
                    counts["not_submitted"],
                    f"đơn vị chưa gửi, {_deadline(overview.get('due_on'))}",
                    f"{PATH}?trang-thai=not_submitted",
                ),
            ]
    if not has(actor, "tenant_admin"):
        return None
    found = _refusal_is_none(lambda: call("polls", "get_semiannual_report_status", actor, {}))
    if found is None:
        return None
    label = f"báo cáo {found['period_label']}"
    if found["status"] == "submitted":
        text = f"{label} đã gửi lúc {day_time(found['submitted_at'])}"
    elif found["status"] == "draft":
        text = f"{label} đang soạn, chưa gửi; {_deadline(found['due_on'])}"
    elif found["status"] == "not_started":
        text = f"{label} chưa lập; {_deadline(found['due_on'])}"
    else:
        text = f"{label}: {found['status_label'].lower()}"
    return [(1, text, PATH)]
