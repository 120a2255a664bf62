"""``/quan-tri/hoi-dap``: the questions of a federation's responders and administrators — the
inbox, one question with its history and the actions its state and the reader's role allow,
the federation's answer deadline; ``/quan-tri/ngay-nghi``: the holiday calendar the deadlines
are counted over (platform administrators edit it).

Every rule is the feedback service's (the same RPCs as ``/api/v1/questions`` and
``/api/v1/holidays``): who sees which question (another federation's is 404), which action the
status and the role allow (``allowed_actions``), the working days left, the answer's sanitising
(the editor's HTML). Accounts names the people (``list_colleagues`` of the answerers: the
tenant's responders and administrators, for either); content's ``public_sites`` lists the federations a question can be
transferred to (the same list as the portal's ask form).

* ``GET /quan-tri/hoi-dap`` — the inbox, the overdue questions first (``order=overdue_first``):
  ``?xem=`` (``chua-giao`` unassigned, ``cua-toi`` assigned to me, ``qua-han`` overdue; the
  tabs ``#xem-nhanh``), ``?trang-thai=`` (a status key), ``?linh-vuc=`` (the portal's category
  slug), ``?q=`` (search, diacritics optional), ``?trang=``. Filter form ``#form-loc``, table
  ``#bang-cau-hoi``; an overdue row has the class ``is-late`` and says «Quá hạn N ngày».
* ``GET /quan-tri/hoi-dap/<id>`` — the question, the asker, the answer, the history
  (``#lich-su``) and a form per allowed action.
* ``POST /quan-tri/hoi-dap/<id>/<action>`` (CSRF token required) → 303 back with a flash; a
  refusal re-renders the page with the message beside the field (422) or above the forms
  (409: the state changed meanwhile) and changes nothing:

  =====================  ==============================  =====================================
  button                 form id / path suffix           fields
  =====================  ==============================  =====================================
  «Giao câu hỏi»         ``form-giao`` / ``/giao``        ``responder_id`` (a select)
  «Lưu câu trả lời»      ``form-tra-loi`` / ``/tra-loi``  ``answer`` (the editor ``#trinh-soan-thao``
                                                          writes into the textarea)
  «Duyệt câu trả lời»    ``form-duyet`` / ``/duyet``      —
  «Đăng câu trả lời»     ``form-dang`` / ``/dang``        ``public`` (checkbox), ``public_title``,
                                                          ``public_body``
  «Gỡ khỏi mục Hỏi – đáp»  ``form-go`` / ``/go``          —
  «Không tiếp nhận»      ``form-tu-choi`` / ``/tu-choi``  ``reason`` (required)
  «Chuyển câu hỏi»       ``form-chuyen`` / ``/chuyen``    ``tenant_id`` (a select), ``note``
  =====================  ==============================  =====================================

  After a transfer the question is the other federation's: 303 to the inbox.
* ``GET, POST /quan-tri/hoi-dap/cai-dat`` — the federation's working days to answer
  (``answer_days``; the form ``#form-cai-dat`` for its administrator).
* ``GET /quan-tri/ngay-nghi?nam=`` — the holiday table of a year; ``POST /quan-tri/ngay-nghi``
  adds or changes a day (``day``, ``name``, ``working_day``; form ``#form-ngay-nghi``);
  ``POST /quan-tri/ngay-nghi/<day>/xoa`` removes one (platform administrators).
* The landing card «Hỏi đáp» (responders, tenant administrators): new and unassigned, assigned
  to me and not answered, overdue (and, for administrators, answers waiting for approval).
"""

import re
from datetime import datetime, timedelta

from flask import Blueprint, abort, flash, redirect, request, session

from gateway.api.common import call
from gateway.web.format import VIETNAM, WEEKDAYS, moment
from gateway.web.portal.common import field_errors, page_number, pages_of, public
from gateway.web.portal.questions import CATEGORIES, CATEGORY_BY_SLUG, CATEGORY_SLUGS
from gateway.web.render import page
from gateway.web.workspace.common import BASE, block, has, menu, staff, tile
from platform_shared.errors import Conflict, InvalidInput, PlatformError

bp = Blueprint("workspace_questions", __name__)

INBOX = f"{BASE}/hoi-dap"
SETTINGS = f"{INBOX}/cai-dat"
HOLIDAYS = f"{BASE}/ngay-nghi"
PER_PAGE = 20
NO_STORE = {"Cache-Control": "private, no-store"}

# ?xem= → the tab's label and what it asks of list_questions
VIEWS = {
    "": ("Tất cả", {}),
    "chua-giao": ("Chưa giao", {"unassigned": "true"}),
    "cua-toi": ("Giao cho tôi", {"mine": "true"}),
    "qua-han": ("Quá hạn", {"overdue": "true"}),
}
# The statuses as the staff work them (the asker's words are the service's labels).
STATUS_LABELS = {
    "received": "Mới, chưa giao",
    "assigned": "Đã giao, đang trả lời",
    "answered": "Đã trả lời, chờ duyệt",
    "approved": "Đã duyệt, chờ đăng",
    "published": "Đã đăng câu trả lời",
    "rejected": "Không tiếp nhận",
    "transferred": "Chuyển đến, chưa giao",
}
HISTORY_LABELS = {
    "receive": "Tiếp nhận câu hỏi",
    "assign": "Giao xử lý",
    "answer": "Trả lời",
    "approve": "Duyệt câu trả lời",
    "publish": "Đăng câu trả lời",
    "unpublish": "Gỡ khỏi mục Hỏi – đáp",
    "reject": "Không tiếp nhận",
    "transfer": "Chuyển đơn vị xử lý",
    "escalate": "Quá hạn, chuyển lên cấp trên",
    "merge": "Hợp nhất đơn vị",
}
# path suffix → (the service's action, the form's fields, the flash on success)
ACTIONS = {
    "giao": ("assign", ("responder_id",), "Đã giao câu hỏi cho {assignee}."),
    "tra-loi": ("answer", ("answer",), "Đã lưu câu trả lời. Câu trả lời chờ quản trị viên đơn vị duyệt."),
    "duyet": ("approve", (), "Đã duyệt câu trả lời. Bấm «Đăng câu trả lời» để người hỏi đọc được."),
    "dang": (
        "publish",
        ("public", "public_title", "public_body"),
        "Đã đăng câu trả lời: người hỏi đọc được bằng mã tra cứu{where}.",
    ),
    "go": ("unpublish", (), "Đã gỡ câu hỏi khỏi mục Hỏi – đáp công khai; người hỏi vẫn đọc được bằng mã tra cứu."),
    "tu-choi": ("reject", ("reason",), "Đã ghi nhận không tiếp nhận câu hỏi. Người hỏi thấy lý do khi tra cứu."),
    "chuyen": ("transfer", ("tenant_id", "note"), "Đã chuyển câu hỏi sang {tenant}. Lịch sử xử lý đi cùng câu hỏi."),
}
SUFFIX_OF = {action: suffix for suffix, (action, _, _) in ACTIONS.items()}
FIELD_LABELS = {
    "responder_id": "Cán bộ được giao",
    "answer": "Câu trả lời",
    "public": "Đưa lên mục Hỏi – đáp",
    "public_title": "Tiêu đề công khai",
    "public_body": "Câu hỏi công khai",
    "reason": "Lý do không tiếp nhận",
    "tenant_id": "Đơn vị nhận",
    "note": "Ghi chú cho đơn vị nhận",
}
ASSIGNABLE = ("responder", "tenant_admin")
HOLIDAY_FIELDS = {"day": "Ngày", "name": "Tên ngày nghỉ", "working_day": "Ngày làm bù"}
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _crumbs(*more):
    return [(f"{BASE}/", "Tổng quan"), *more]


def _last_day(due_at):
    """The last day allowed by a deadline (the service gives the local midnight that ends it)."""
    when = moment(due_at)
    return when - timedelta(microseconds=1) if isinstance(when, datetime) else when


def _mine(actor):
    return {"id": actor.get("user_id"), "full_name": f"Tôi ({session.get('name') or 'tài khoản đang đăng nhập'})"}


def _people(actor, tenant_id=None):
    """``(names by user id, the people a question may be assigned to)``: the active responders and
    administrators of the actor's own tenant (accounts' ``list_colleagues`` of the answerers:
    one RPC, for its responders and administrators alike), or of ``tenant_id`` for a platform
    administrator working on another tenant (``list_users``). Accounts' refusal or absence
    leaves the actor alone in the list; feedback checks whoever is chosen anyway."""
    me = _mine(actor)
    people = [me]
    own = tenant_id is None or tenant_id == actor.get("tenant_id")
    try:
        if own:
            found = call("accounts", "list_colleagues", actor, {"group": "answerers"})
        elif has(actor, "platform_admin"):
            args = {"status": "active", "per_page": "100", "tenant_id": tenant_id}
            found = [
                user
                for role in ASSIGNABLE
                for user in call("accounts", "list_users", actor, {**args, "role": role}).get("items") or []
            ]
        else:
            found = []
    except PlatformError:
        found = []
    for user in found:
        if user["id"] != me["id"] and all(p["id"] != user["id"] for p in people):
            people.append({"id": user["id"], "full_name": user["full_name"]})
    return {p["id"]: p["full_name"] for p in people}, people


def _time_note(item):
    """What the deadline cell says besides the date: «Quá hạn N ngày», «Còn N ngày làm việc»,
    «Hạn chót hôm nay» — or nothing once the question was answered or closed."""
    if item.get("days_overdue") is not None:
        return f"Quá hạn {item['days_overdue']} ngày"
    left = item.get("working_days_left")
    if left is None:
        return None
    return "Hạn chót hôm nay" if left == 0 else f"Còn {left} ngày làm việc"


def _origin(item, actor):
    """Where a question the reader's tenant does not own comes from: escalated to it, or (for
    platform administrators) the owner."""
    if not item.get("tenant_id") or item["tenant_id"] == actor.get("tenant_id"):
        return None
    if item.get("escalated_to_id") and item["escalated_to_id"] == actor.get("tenant_id"):
        return f"Chuyển lên từ {item.get('tenant_name') or 'đơn vị cấp dưới'} (quá hạn)"
    return f"Của {item.get('tenant_name') or 'đơn vị khác'}"


def _asker(item):
    asker = item.get("asker") or {}
    if asker.get("guest_name"):
        return asker["guest_name"]
    return "Đoàn viên (tài khoản)" if asker.get("user_id") else "Không rõ"


def _decorate(item, actor, names):
    item["status_text"] = STATUS_LABELS.get(item["status"], item.get("status_label"))
    item["last_day"] = _last_day(item.get("due_at"))
    item["time_note"] = _time_note(item)
    item["origin"] = _origin(item, actor)
    item["asker_name"] = _asker(item)
    assignee = item.get("assigned_to")
    item["assignee_name"] = (names.get(assignee) or "Cán bộ khác của đơn vị") if assignee else None
    return item


# -- the inbox ------------------------------------------------------------------------------


@bp.route(INBOX)
def inbox():
    actor = staff()
    number = page_number()
    chosen = {name: (request.args.get(name) or "").strip() for name in ("xem", "trang-thai", "linh-vuc", "q")}
    if chosen["xem"] not in VIEWS:
        abort(404)
    if chosen["trang-thai"] and chosen["trang-thai"] not in STATUS_LABELS:
        abort(404)
    category = CATEGORY_BY_SLUG.get(chosen["linh-vuc"])
    if chosen["linh-vuc"] and category is None:
        abort(404)
    args = {"page": str(number), "per_page": str(PER_PAGE), "order": "overdue_first", **VIEWS[chosen["xem"]][1]}
    if chosen["trang-thai"]:
        args["status"] = chosen["trang-thai"]
    if category:
        args["category"] = category
    if chosen["q"]:
        args["q"] = chosen["q"]
    answer, pagination, problem, status = None, None, None, 200
    try:
        answer = call("feedback", "list_questions", actor, args)
        pagination = pages_of(answer, number)
    except InvalidInput as exc:
        problem, status = " ".join(field_errors(exc).values()), 422
    names, _ = _people(actor) if answer and answer.get("items") else ({}, None)
    for item in (answer or {}).get("items") or []:
        _decorate(item, actor, names)
    extra = {k: v for k, v in chosen.items() if v}
    return page(
        "workspace/questions_inbox.html",
        status=status,
        answer=answer,
        pagination=pagination,
        problem=problem,
        chosen=chosen,
        views=[(key, label) for key, (label, _) in VIEWS.items()],
        view_label=VIEWS[chosen["xem"]][0],
        view_href=lambda key: INBOX + (f"?xem={key}" if key else ""),
        statuses=STATUS_LABELS,
        categories=CATEGORIES,
        category_slugs=CATEGORY_SLUGS,
        query_extra=extra,
        base_path=INBOX,
        may_configure=has(actor, "tenant_admin"),
        menu=menu(actor),
        current=INBOX,
        breadcrumbs=_crumbs((None, "Hỏi đáp")),
    )


# -- one question ---------------------------------------------------------------------------


def _federations(actor, question):
    """The federations a question can be transferred to (content's sub-site directory, cached),
    without its own; None when content does not answer."""
    sites = block(lambda: public("content", "content", "public_sites", {}))
    if not sites:
        return None
    groups = []
    for site in sites.get("items") or []:
        if site.get("id") == question.get("tenant_id"):
            continue
        if not groups or groups[-1]["kind"] != site.get("kind"):
            groups.append({"kind": site.get("kind"), "label": site.get("kind_label") or "Đơn vị", "items": []})
        groups[-1]["items"].append(site)
    return groups


def _history(question, names):
    """The history, newest first, each line with its words: who (a name the reader knows, else
    the federation that held the question), what, and for a transfer where from."""
    lines, held_by = [], None
    for line in question.get("activity") or []:
        entry = dict(line)
        entry["label"] = HISTORY_LABELS.get(line["action"], line["action"])
        entry["to_label"] = STATUS_LABELS.get(line.get("to"))
        actor_id = line.get("actor_id")
        if actor_id:
            entry["who"] = names.get(actor_id) or f"Cán bộ {line.get('tenant_name') or 'đơn vị'}"
        else:
            entry["who"] = "Hệ thống" if line["action"] in ("escalate", "merge") else "Người hỏi"
        if line["action"] == "transfer":
            entry["from_tenant"] = held_by
            entry["who"] = names.get(actor_id) or f"Cán bộ {held_by or 'đơn vị chuyển'}"
        held_by = line.get("tenant_name") or held_by
        lines.append(entry)
    return list(reversed(lines))


def _question_page(actor, question_id, *, status=200, form=None, errors=None, problem=None):
    question = call("feedback", "get_question", actor, question_id)
    allowed = set(question.get("allowed_actions") or ())
    names, people = _people(actor, question.get("tenant_id"))
    _decorate(question, actor, names)
    errors = dict(errors or {})
    problem = problem or errors.pop("", None)
    return page(
        "workspace/questions_show.html",
        status=status,
        question=question,
        allowed=allowed,
        suffix=SUFFIX_OF,
        people=people if "assign" in allowed else None,
        federations=_federations(actor, question) if "transfer" in allowed else None,
        history=_history(question, names),
        form=form or {},
        errors=errors,
        field_labels=FIELD_LABELS,
        problem=problem,
        menu=menu(actor),
        current=INBOX,
        breadcrumbs=_crumbs((INBOX, "Hỏi đáp"), (None, question["tracking_code"])),
        headers=NO_STORE if status != 200 else None,
    )


@bp.route(f"{INBOX}/<question_id>")
def question(question_id):
    actor = staff()
    return _question_page(actor, question_id)


def _text(value):
    value = (value or "").strip()
    return value or None


def _request_of(action, form):
    """The RPC's data for ``action`` from the form (checked by feedback)."""
    if action == "assign":
        return {"responder_id": _text(form["responder_id"])}
    if action == "answer":
        return {"answer": form["answer"]}
    if action == "publish":
        return {
            "public": form["public"] == "1",
            "public_title": _text(form["public_title"]),
            "public_body": _text(form["public_body"]),
        }
    if action == "reject":
        return {"reason": form["reason"]} if form["reason"].strip() else {}
    if action == "transfer":
        data = {"note": _text(form["note"])}
        if form["tenant_id"]:
            data["tenant_id"] = form["tenant_id"]
        return data
    return {}


def _done(action, template, result, data, actor):
    values = {"assignee": "", "where": "", "tenant": result.get("tenant_name") or "đơn vị được chọn"}
    if action == "assign":
        names, _ = _people(actor, result.get("tenant_id"))
        values["assignee"] = names.get(result.get("assigned_to")) or "cán bộ được chọn"
    if action == "publish" and result.get("public"):
        values["where"] = " và trên mục Hỏi – đáp của cổng thông tin"
    return template.format(**values)


@bp.route(f"{INBOX}/<question_id>/<suffix>", methods=["POST"])
def act(question_id, suffix):
    actor = staff()
    if suffix not in ACTIONS:
        abort(404)
    action, fields, done = ACTIONS[suffix]
    form = {name: request.form.get(name, "") for name in fields}
    data = _request_of(action, form)
    try:
        result = call("feedback", "question_action", actor, question_id, action, data)
    except InvalidInput as exc:
        errors = field_errors(exc, known=set(fields))
        return _question_page(actor, question_id, status=422, form=form, errors=errors)
    except Conflict as exc:
        return _question_page(actor, question_id, status=409, form=form, problem=_conflict_message(exc))
    flash(_done(action, done, result, data, actor), "ok")
    if action == "transfer" and result.get("tenant_id") != actor.get("tenant_id") and not has(actor, "platform_admin"):
        return redirect(INBOX, code=303)
    return redirect(f"{INBOX}/{result['id']}", code=303)


def _conflict_message(exc):
    if exc.code == "TRANSITION_NOT_ALLOWED":
        return "Trạng thái của câu hỏi vừa thay đổi nên thao tác này không còn làm được. Xem lại trang dưới đây rồi chọn thao tác phù hợp."
    return exc.message


# -- the federation's settings ------------------------------------------------------------------


def _settings_page(actor, status=200, *, form=None, errors=None):
    current = call("feedback", "get_settings", actor)
    errors = dict(errors or {})
    return page(
        "workspace/questions_settings.html",
        status=status,
        settings=current,
        form=form or {"answer_days": str(current["answer_days"])},
        errors=errors,
        problem=errors.pop("", None),
        may_change=has(actor, "tenant_admin"),
        menu=menu(actor),
        current=INBOX,
        breadcrumbs=_crumbs((INBOX, "Hỏi đáp"), (None, "Cài đặt hạn trả lời")),
        headers=NO_STORE if status != 200 else None,
    )


@bp.route(SETTINGS, methods=["GET", "POST"])
def settings():
    actor = staff()
    if request.method == "GET":
        return _settings_page(actor)
    form = {"answer_days": request.form.get("answer_days", "").strip()}
    try:
        saved = call("feedback", "update_settings", actor, {"answer_days": form["answer_days"] or None})
    except InvalidInput as exc:
        return _settings_page(actor, 422, form=form, errors=field_errors(exc, known={"answer_days"}))
    flash(
        f"Đã lưu: câu hỏi mới được trả lời trong {saved['answer_days']} ngày làm việc. "
        "Câu hỏi đã nhận giữ nguyên hạn cũ.",
        "ok",
    )
    return redirect(SETTINGS, code=303)


# -- the holiday calendar -----------------------------------------------------------------------


def _this_year():
    return datetime.now(VIETNAM).year


def _year():
    """``?nam=`` as a year (this year when absent); anything but four digits is a page that does not exist."""
    raw = request.args.get("nam")
    if raw is None:
        return _this_year()
    if not re.fullmatch(r"[0-9]{4}", raw):
        abort(404)
    return int(raw)


def _holidays_page(actor, year, status=200, *, form=None, errors=None, problem=None):
    errors = dict(errors or {})
    problem = problem or errors.pop("", None)
    days, listing_problem = [], None
    try:
        days = call("feedback", "list_holidays", actor, {"year": str(year)})
    except InvalidInput as exc:
        listing_problem, status = " ".join(field_errors(exc).values()), 422
    for day in days:
        when = moment(day["day"])
        day["weekday"] = WEEKDAYS[when.weekday()] if when else ""
    return page(
        "workspace/questions_holidays.html",
        status=status,
        year=year,
        days=days,
        form=form or {"day": "", "name": "", "working_day": ""},
        errors=errors,
        problem=problem or listing_problem,
        fields=HOLIDAY_FIELDS,
        may_edit=has(actor, "platform_admin"),
        menu=menu(actor),
        current=HOLIDAYS,
        breadcrumbs=_crumbs((None, "Lịch ngày nghỉ")),
        headers=NO_STORE if status != 200 else None,
    )


@bp.route(HOLIDAYS, methods=["GET", "POST"])
def holidays():
    actor = staff()
    if request.method == "GET":
        return _holidays_page(actor, _year())
    form = {name: request.form.get(name, "").strip() for name in HOLIDAY_FIELDS}
    year = int(form["day"][:4]) if _DAY.match(form["day"]) else _year()
    data = {"day": form["day"] or None, "name": form["name"], "working_day": form["working_day"] == "1"}
    try:
        saved = call("feedback", "put_holiday", actor, data)
    except InvalidInput as exc:
        errors = field_errors(exc, known=HOLIDAY_FIELDS)
        return _holidays_page(actor, year if 2000 <= year <= 2100 else _this_year(), 422, form=form, errors=errors)
    kind = "ngày làm bù" if saved["working_day"] else "ngày nghỉ"
    flash(
        f"Đã lưu {kind} {_day_text(saved['day'])}: {saved['name']}. Hạn trả lời của câu hỏi mới tính theo lịch này.",
        "ok",
    )
    return redirect(f"{HOLIDAYS}?nam={saved['day'][:4]}", code=303)


@bp.route(f"{HOLIDAYS}/<day>/xoa", methods=["POST"])
def remove_holiday(day):
    actor = staff()
    try:
        removed = call("feedback", "delete_holiday", actor, day)
    except InvalidInput as exc:
        return _holidays_page(actor, _this_year(), 422, problem=" ".join(field_errors(exc).values()))
    flash(f"Đã xóa ngày {_day_text(removed['deleted'])} khỏi lịch ngày nghỉ.", "ok")
    return redirect(f"{HOLIDAYS}?nam={removed['deleted'][:4]}", code=303)


def _day_text(iso_day):
    when = moment(iso_day)
    return f"{when:%d/%m/%Y}" if when else iso_day


# -- the landing card ---------------------------------------------------------------------------


@tile("Hỏi đáp", "responder", "tenant_admin")
def waiting_questions(actor):
    """How many questions wait for this person: new and unassigned, assigned to me and not yet
    answered, overdue; for an administrator also the answers waiting for approval."""

    def total(args):
        return call("feedback", "list_questions", actor, {**args, "per_page": "1"}).get("total") or 0

    lines = [
        (total({"unassigned": "true"}), "câu hỏi mới chưa giao", f"{INBOX}?xem=chua-giao"),
        (
            total({"mine": "true", "status": "assigned"}),
            "câu hỏi giao cho tôi chưa trả lời",
            f"{INBOX}?xem=cua-toi&trang-thai=assigned",
        ),
        (total({"overdue": "true"}), "câu hỏi quá hạn trả lời", f"{INBOX}?xem=qua-han"),
    ]
    if has(actor, "tenant_admin"):
        lines.append((total({"status": "answered"}), "câu trả lời chờ duyệt", f"{INBOX}?trang-thai=answered"))
    return lines
