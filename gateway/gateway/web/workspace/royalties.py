"""``/quan-tri/nhuan-but``: the royalty officer's work (issue 14) on the royalties service's RPCs.

* ``GET /quan-tri/nhuan-but`` — items waiting for a score (``list_items``, ``?trang-thai=``
  pending_score (default) or scored, ``?ky=YYYY-MM``, ``?trang=``), each with the genre's legal
  maximum, the unit value and the site share in force on its publication day and the adjustment
  ranges (the item's ``terms``), the amount computed as you type (``royalties.js``, the service's
  formula and rounding; the figure saved is the service's). ``POST`` scores one row (its «Lưu điểm»
  button, ``luu=<item id>``) or every row with a coefficient typed (``luu=tat-ca``): each through
  ``score_item``; the valid ones are saved and named, each refused one keeps its text with the
  message beside its field (422 when any was refused, else 303 + flash).
* ``/quan-tri/nhuan-but/bang-ke`` — statements by month and status (``list_statements``);
  ``POST`` drafts the month (``create_statement``). ``/bang-ke/<id>`` — gross / withheld / net per
  payee and every entry (``get_statement``); ``POST /bang-ke/<id>/duyet`` (``approve_statement``),
  ``POST /bang-ke/<id>/chi-tra`` (``pay_statement``: ``paid_on``, ``reference``),
  ``GET /bang-ke/<id>/tai?dinh-dang=csv|xlsx`` (``export_statement``: the file with its content
  type and a Vietnamese file name, ``filename*``).
* ``/quan-tri/nhuan-but/qua-han`` — not paid 60 days after publication (``overdue_items``,
  ``?ngay=YYYY-MM-DD``); ``/quan-tri/nhuan-but/doi-soat?ky=YYYY-MM`` — the reconciliation of a
  month with every discrepancy (``reconciliation``).

Stable names and ids for the browser tests:
  scoring form ``#cham-diem`` with hidden ``item`` (one per row), per row ``#dong-<id>``, fields
  ``coefficient-<id>``, ``translation-<id>``, ``children_or_minorities-<id>``,
  ``difficult_conditions-<id>``, ``note-<id>`` (ids equal to names), the amount ``#so-tien-<id>``,
  errors ``#loi-<field>-<id>``; buttons «Lưu điểm» (``name=luu value=<id>``) and «Lưu điểm tất cả
  các dòng đã nhập» (``#luu-tat-ca``, ``value=tat-ca``). Statements: form ``#lap-bang-ke`` (field
  ``period``, id ``period``, button «Lập bảng kê»); detail: ``#tong-bang-ke``, table
  ``#nguoi-nhan``, ``#but-toan``, form ``#duyet`` (button «Duyệt bảng kê»), form ``#chi-tra``
  (fields ``paid_on``, ``reference``, button «Đã chi trả»), links ``#tai-csv`` «Tải CSV» and
  ``#tai-xlsx`` «Tải XLSX». Overdue: table ``#qua-han``; reconciliation: form ``#chon-ky``
  (field ``ky``), table ``#chenh-lech``.
"""

import base64
import re
from datetime import datetime
from urllib.parse import quote, urlencode

from flask import Blueprint, Response, abort, flash, redirect, request

from gateway.api.common import call
from gateway.web.format import VIETNAM
from gateway.web.portal.common import field_errors, page_number, pages_of
from gateway.web.render import page
from gateway.web.workspace.common import BASE, menu, staff
from platform_shared.errors import Conflict, InvalidInput, NotFound, PlatformError
from platform_shared.schemas import royalties as schema

bp = Blueprint("workspace_royalties", __name__)

PATH = f"{BASE}/nhuan-but"
STATEMENTS = f"{PATH}/bang-ke"
PER_PAGE = 20
ADJUSTMENTS = schema.ADJUSTMENT_KINDS
ALL = "tat-ca"
ITEM_FILTERS = {"pending_score": "Chờ chấm điểm", "scored": "Đã chấm điểm (chấm lại được đến khi duyệt)"}
STATEMENT_STATUS = {"draft": "Nháp", "approved": "Đã duyệt", "paid": "Đã chi trả", "cancelled": "Đã hủy"}
SUBNAV = (
    (PATH, "Chấm điểm"),
    (STATEMENTS, "Bảng kê"),
    (f"{PATH}/qua-han", "Quá hạn chi trả"),
    (f"{PATH}/doi-soat", "Đối soát"),
)
DISCREPANCY_LABELS = {
    "EVENT_WITHOUT_ITEMS": "Sự kiện đăng bài chưa tạo đủ khoản",
    "ITEM_WITHOUT_EVENT": "Khoản không có sự kiện đăng bài",
    "APPROVED_WITHOUT_CHARGE": "Khoản đã duyệt chưa ghi sổ",
    "CHARGE_MISMATCH": "Số tiền ghi sổ khác số tiền của khoản",
    "PAID_STATEMENT_ITEM_UNPAID": "Bảng kê đã chi nhưng khoản chưa chi",
    "REVERSAL_MISSING": "Thiếu bút toán hoàn",
    "NOT_SCORED": "Chưa chấm điểm",
    "NOT_STATED": "Chưa vào bảng kê",
    "OVERDUE": "Quá hạn chi trả",
    "STATEMENT_TOTAL_MISMATCH": "Tổng bảng kê không khớp",
    "REVERSAL_NOT_STATED": "Bút toán hoàn chưa vào bảng kê",
}


def _chrome(actor, title, current, *, crumbs=()):
    return {
        "title": title,
        "menu": menu(actor),
        "current": current,
        "subnav_items": SUBNAV,
        "here": request.path,
        "breadcrumbs": [(f"{BASE}/", "Tổng quan"), (PATH, "Nhuận bút"), *crumbs, (None, title)],
    }


def _this_month():
    today = datetime.now(VIETNAM).date()
    return f"{today.year:04d}-{today.month:02d}"


def _decimal_text(value):
    """What a person typed as a decimal, as the API reads it: «7,5» → «7.5»; blank → None."""
    value = (value or "").strip().replace(" ", "")
    return value.replace(",", ".") if value else None


# -- scoring ------------------------------------------------------------------------------------


def _item_filters():
    status = request.values.get("trang-thai") or "pending_score"
    if status not in ITEM_FILTERS:
        abort(404)
    return status, (request.values.get("ky") or "").strip()


def _listed_in(actor, method, args, period, *, first_page_if_refused=False):
    """``method``'s list of the month ``?ky=`` (none: every month) and the filter's errors: a month
    royalties refuses is named beside its field (``ky``) and the list is shown without it."""
    try:
        return call("royalties", method, actor, {**args, "period": period} if period else args), {}
    except InvalidInput as exc:
        if not period:
            raise
        errors = field_errors(exc, {"period": "ky"}, known={"ky"})
        return call("royalties", method, actor, {**args, "page": "1"} if first_page_if_refused else args), errors


def _score_list(actor, *, status=200, typed=None, errors=None, saved=None, problem=None):
    item_status, period = _item_filters()
    number = page_number()
    args = {"status": item_status, "page": str(number), "per_page": str(PER_PAGE)}
    answer, filter_errors = _listed_in(actor, "list_items", args, period, first_page_if_refused=True)
    pagination = pages_of(answer, number) if not filter_errors else None
    errors = errors or {}
    items = list(answer.get("items") or [])
    # a refused row the list no longer holds (another page, scored meanwhile) still shows its message
    shown = {i["id"] for i in items}
    for item_id in errors:
        if item_id not in shown and item_id in (typed or {}) and typed[item_id].get("item"):
            items.insert(0, typed[item_id]["item"])
    extra = {
        k: v for k, v in (("trang-thai", item_status if item_status != "pending_score" else ""), ("ky", period)) if v
    }
    return page(
        "workspace/royalties_score.html",
        status=status if not filter_errors else 422,
        items=items,
        pagination=pagination,
        typed=typed or {},
        errors=errors,
        filter_errors=filter_errors,
        saved=saved or [],
        problem=problem,
        item_status=item_status,
        period=period,
        filters=ITEM_FILTERS,
        adjustments=ADJUSTMENTS,
        query_extra=extra,
        back=PATH
        + ("?" + urlencode({**extra, **({"trang": number} if number > 1 else {})}) if extra or number > 1 else ""),
        **_chrome(actor, "Chấm điểm nhuận bút", PATH),
    )


@bp.route(PATH)
def score_list():
    return _score_list(staff())


def _score_data(form, item_id):
    data = {"coefficient": _decimal_text(form.get(f"coefficient-{item_id}")), "adjustments": []}
    for kind in ADJUSTMENTS:
        percent = _decimal_text(form.get(f"{kind}-{item_id}"))
        if percent is not None:
            data["adjustments"].append({"kind": kind, "percent": percent})
    note = (form.get(f"note-{item_id}") or "").strip()
    if note:
        data["note"] = note
    return data


def _score_errors(exc, data):
    """``{field: message}`` of a refused score: the service's message beside the field it names
    (the coefficient's names the genre's limit; an adjustment's its range)."""
    found = {}
    errors = (exc.details or {}).get("errors") or {}
    kinds = [a["kind"] for a in data["adjustments"]]
    for name, messages in errors.items():
        if name == "coefficient":
            found["coefficient"] = exc.message if exc.code != "VALIDATION_ERROR" else " ".join(map(str, messages))
        elif name == "adjustments":
            if isinstance(messages, dict):  # schema errors, per adjustment sent
                for index, inner in messages.items():
                    kind = kinds[int(index)] if str(index).isdigit() and int(index) < len(kinds) else "adjustments"
                    text = inner.get("percent") if isinstance(inner, dict) else inner
                    found[kind] = " ".join(map(str, text)) if isinstance(text, list) else str(text)
                continue
            text = " ".join(map(str, messages))
            kind = next((k for k in kinds if text.startswith(f"{k}:")), "adjustments")
            found[kind] = exc.message if kind != "adjustments" else text
        elif name == "note":
            found["note"] = " ".join(map(str, messages))
    if not found:
        found["item"] = exc.message
    return found


@bp.route(PATH, methods=["POST"])
def score():
    actor = staff()
    form = request.form
    which = form.get("luu") or ALL
    ids = [i for i in form.getlist("item") if i]
    if which != ALL:
        ids = [i for i in ids if i == which] or abort(400)
    typed, errors, saved = {}, {}, []
    for item_id in ids:
        data = _score_data(form, item_id)
        typed[item_id] = {
            "coefficient": form.get(f"coefficient-{item_id}", ""),
            "note": form.get(f"note-{item_id}", ""),
            **{k: form.get(f"{k}-{item_id}", "") for k in ADJUSTMENTS},
        }
        if data["coefficient"] is None:
            if which != ALL:
                errors[item_id] = {"coefficient": "Vui lòng nhập hệ số."}
            continue
        try:
            scored = call("royalties", "score_item", actor, item_id, data)
        except (InvalidInput, Conflict, NotFound) as exc:
            errors[item_id] = _score_errors(exc, data) if isinstance(exc, InvalidInput) else {"item": exc.message}
            typed[item_id]["item"] = _item_or_none(actor, item_id)
            continue
        saved.append(scored)
    if not saved and not errors:
        return _score_list(
            actor, status=422, problem="Chưa có dòng nào được nhập hệ số. Nhập hệ số rồi bấm «Lưu điểm»."
        )
    summary = _saved_text(saved)
    if errors:
        problem = f"{len(errors)} khoản chưa lưu được: xem thông báo bên cạnh từng dòng, sửa rồi lưu lại."
        return _score_list(actor, status=422, typed=typed, errors=errors, saved=saved, problem=problem)
    flash(summary, "ok")
    return redirect(form.get("quay-lai") if _local(form.get("quay-lai")) else PATH, code=303)


def _item_or_none(actor, item_id):
    try:
        return call("royalties", "get_item", actor, item_id)
    except PlatformError:
        return None


def _local(path):
    return bool(path) and path.startswith(PATH) and "//" not in path and "\\" not in path


def _saved_text(saved):
    if not saved:
        return ""
    from gateway.web.format import number

    names = "; ".join(f"«{s['title']}» – {s['payee_name']}: {number(s['amount'])} đ" for s in saved)
    return f"Đã lưu điểm {len(saved)} khoản: {names}."


# -- statements ---------------------------------------------------------------------------------


def _statement_list(actor, *, status=200, errors=None, typed_period=None):
    number = page_number()
    period = (request.args.get("ky") or "").strip()
    wanted = request.args.get("trang-thai") or ""
    if wanted and wanted not in STATEMENT_STATUS:
        abort(404)
    args = {"page": str(number), "per_page": str(PER_PAGE)}
    if wanted:
        args["status"] = wanted
    answer, filter_errors = _listed_in(actor, "list_statements", args, period)
    if filter_errors:
        status = 422
    extra = {k: v for k, v in (("ky", period), ("trang-thai", wanted)) if v and not filter_errors.get("ky")}
    return page(
        "workspace/royalties_statements.html",
        status=status,
        answer=answer,
        pagination=pages_of(answer, number),
        period=period,
        wanted=wanted,
        statuses=STATEMENT_STATUS,
        errors=errors or {},
        filter_errors=filter_errors,
        typed_period=typed_period if typed_period is not None else _this_month(),
        query_extra=extra,
        **_chrome(actor, "Bảng kê nhuận bút", STATEMENTS),
    )


@bp.route(STATEMENTS)
def statements():
    return _statement_list(staff())


@bp.route(STATEMENTS, methods=["POST"])
def create_statement():
    actor = staff()
    period = (request.form.get("period") or "").strip()
    try:
        created = call("royalties", "create_statement", actor, {"period": period})
    except InvalidInput as exc:
        errors = field_errors(exc, known={"period"})
        errors.setdefault("period", errors.pop("", exc.message))
        return _statement_list(actor, status=422, errors=errors, typed_period=period)
    except Conflict as exc:
        return _statement_list(actor, status=409, errors={"period": exc.message}, typed_period=period)
    flash(
        f"Đã lập bảng kê nháp tháng {created['period']}: {len(created.get('lines') or [])} người nhận, "
        f"tổng {_money(created['gross'])}. Kiểm tra rồi bấm «Duyệt bảng kê».",
        "ok",
    )
    return redirect(f"{STATEMENTS}/{created['id']}", code=303)


def _money(value):
    from gateway.web.format import number

    return f"{number(value)} đ"


def _statement_page(actor, statement_id, *, status=200, errors=None, problem=None, typed=None):
    statement = call("royalties", "get_statement", actor, statement_id, {})
    return page(
        "workspace/royalties_statement.html",
        status=status,
        statement=statement,
        statuses=STATEMENT_STATUS,
        errors=errors or {},
        problem=problem,
        typed=typed or {},
        today=datetime.now(VIETNAM).date().isoformat(),
        **_chrome(actor, f"Bảng kê tháng {statement['period']}", STATEMENTS, crumbs=[(STATEMENTS, "Bảng kê")]),
    )


@bp.route(f"{STATEMENTS}/<statement_id>")
def statement(statement_id):
    return _statement_page(staff(), statement_id)


@bp.route(f"{STATEMENTS}/<statement_id>/duyet", methods=["POST"])
def approve(statement_id):
    actor = staff()
    try:
        approved = call("royalties", "approve_statement", actor, statement_id)
    except Conflict as exc:
        return _statement_page(actor, statement_id, status=409, problem=exc.message)
    flash(
        f"Đã duyệt bảng kê tháng {approved['period']}: thực nhận {_money(approved['net'])}. "
        "Các bút toán đã được ghi sổ; khi chi xong, ghi ngày và số chứng từ.",
        "ok",
    )
    return redirect(f"{STATEMENTS}/{statement_id}", code=303)


@bp.route(f"{STATEMENTS}/<statement_id>/chi-tra", methods=["POST"])
def pay(statement_id):
    actor = staff()
    typed = {"paid_on": (request.form.get("paid_on") or "").strip(), "reference": request.form.get("reference") or ""}
    try:
        paid = call("royalties", "pay_statement", actor, statement_id, typed)
    except InvalidInput as exc:
        errors = field_errors(exc, known={"paid_on", "reference"})
        problem = errors.pop("", None)
        return _statement_page(actor, statement_id, status=422, errors=errors, problem=problem, typed=typed)
    except Conflict as exc:
        return _statement_page(actor, statement_id, status=409, problem=exc.message, typed=typed)
    flash(
        f"Đã ghi nhận chi trả bảng kê tháng {paid['period']} ngày {paid['paid_on']}, chứng từ {paid['payment_reference']}.",
        "ok",
    )
    return redirect(f"{STATEMENTS}/{statement_id}", code=303)


@bp.route(f"{STATEMENTS}/<statement_id>/tai")
def export(statement_id):
    actor = staff()
    fmt = request.args.get("dinh-dang") or "csv"
    if fmt not in schema.EXPORT_FORMATS:
        abort(404)
    exported = call("royalties", "export_statement", actor, statement_id, {"format": fmt})
    month = re.search(r"(?<![0-9])([0-9]{4}-[0-9]{2})(?![0-9])", exported["filename"])
    period = month.group(1) if month else call("royalties", "get_statement", actor, statement_id, {})["period"]
    name = f"Bảng kê nhuận bút tháng {period}.{fmt}"
    return Response(
        base64.b64decode(exported["data"]),
        headers={
            "Content-Type": exported["content_type"],
            "Content-Disposition": (
                f"attachment; filename=\"{exported['filename']}\"; filename*=UTF-8''{quote(name, safe='')}"
            ),
            "Cache-Control": "private, no-store",
        },
    )


# -- overdue, reconciliation ----------------------------------------------------------------------


@bp.route(f"{PATH}/qua-han")
def overdue():
    actor = staff()
    number = page_number()
    on = (request.args.get("ngay") or "").strip()
    args = {"page": str(number), "per_page": str(PER_PAGE)}
    errors, status = {}, 200
    if on:
        args["on"] = on
    try:
        answer = call("royalties", "overdue_items", actor, args)
    except InvalidInput as exc:
        errors = field_errors(exc, {"on": "ngay"}, known={"ngay"})
        errors.setdefault("ngay", errors.pop("", exc.message))
        args.pop("on")
        answer = call("royalties", "overdue_items", actor, args)
        status = 422
    return page(
        "workspace/royalties_overdue.html",
        status=status,
        answer=answer,
        pagination=pages_of(answer, number),
        on=on,
        errors=errors,
        query_extra={"ngay": on} if on and not errors else {},
        **_chrome(actor, "Khoản quá hạn chi trả", PATH),
    )


@bp.route(f"{PATH}/doi-soat")
def reconciliation():
    actor = staff()
    period = (request.args.get("ky") or "").strip() or _this_month()
    errors, found, status = {}, None, 200
    try:
        found = call("royalties", "reconciliation", actor, {"period": period})
    except InvalidInput as exc:
        errors = field_errors(exc, {"period": "ky"}, known={"ky"})
        errors.setdefault("ky", errors.pop("", exc.message))
        status = 422
    return page(
        "workspace/royalties_reconciliation.html",
        status=status,
        found=found,
        period=period,
        errors=errors,
        labels=DISCREPANCY_LABELS,
        **_chrome(actor, f"Đối soát nhuận bút tháng {period}" if found else "Đối soát nhuận bút", PATH),
    )
