"""Opinion polls on the portal: the list (``/trung-cau-y-kien``), a poll and its answer form
(``/trung-cau-y-kien/{id}``), the receipt of an answer (``…/bien-nhan/{receipt}``) and the
published results (``…/ket-qua``).

What a visitor sees is the polls service's decision (``public_polls``, ``get_poll``,
``poll_results`` called as the visitor: anonymous visitors through the public cache). An
answer takes the API's one intake path — ``gateway.api.polls.answerable`` then
``queue_response``: the cached definition, the same checks, the same queue and signed
receipt as ``POST /api/v1/polls/{id}/responses`` — and its receipt is read as
``GET /api/v1/polls/receipts/{receipt}`` reads it (``receipt_of``).

The form names its inputs by position (``c1``, ``c2``, a matrix row ``c5-d1``), never by the
poll author's ids, so any id is safe in a name; the values are the definition's option ids.
Which polls a browser has answered is remembered in the page session (the receipt): a
member answering again elsewhere gets a receipt the service marks ``duplicate``, and the
receipt page says the first answer stands.
"""

import re
import uuid

from flask import Blueprint, abort, redirect, request, session

from gateway.api import polls as polls_api
from gateway.api.common import call
from gateway.web.portal.common import PER_PAGE, absolute, actor, page_number, pages_of, public, signed_in_actor
from gateway.web.render import page
from platform_shared.clock import utcnow
from platform_shared.errors import Conflict, Forbidden, InvalidInput, NotFound, Unavailable
from platform_shared.schemas.polls import STATUS_LABELS, SUPPRESS_BELOW

bp = Blueprint("portal_polls", __name__)

BASE = "/trung-cau-y-kien"
FILTERS = {"dang-mo": ("open", "Đang mở"), "da-cong-bo": ("published", "Đã công bố kết quả")}
RECEIPT_STATUS = {
    "accepted": ("Đã nhận, đang chờ kiểm đếm", "Câu trả lời đã vào hàng đợi an toàn và sẽ được tính trong giây lát."),
    "counted": ("Đã được tính vào kết quả", "Cảm ơn bạn đã tham gia trưng cầu ý kiến."),
    "duplicate": (
        "Bạn đã trả lời phiếu này trước đó",
        "Mỗi đoàn viên chỉ trả lời một lần: câu trả lời đầu tiên được giữ, lần gửi này không được tính.",
    ),
    "rejected": ("Không được tính", "Câu trả lời không hợp lệ với phiếu."),
}
UNANSWERED = "Câu trả lời chưa hợp lệ. Vui lòng sửa các câu được đánh dấu rồi gửi lại."
REMEMBERED = 10  # receipts kept in the cookie session (the latest polls answered in this browser)
_POSITION_NUMBER = re.compile(r"^[0-9]{1,3}$")


def _poll_id(raw):
    """The poll id of a path; anything that is not a UUID is a page that does not exist."""
    try:
        return str(uuid.UUID(raw))
    except ValueError:
        abort(404)


def _crumbs(*more):
    return [("/", "Trang chủ"), (BASE, "Trưng cầu ý kiến"), *more]


def _read(method, *args):
    """A polls RPC as the visitor: anonymous visitors from the public cache."""
    visitor = actor()
    if visitor.get("user_id") is None:
        return public("polls", "polls", method, *args)
    return call("polls", method, visitor, *args)


# -- the list ---------------------------------------------------------------------------------


@bp.route(BASE)
def index():
    number = page_number()
    shown = request.args.get("tinh-trang")
    if shown is not None and shown not in FILTERS:
        abort(404)
    args = {"page": str(number), "per_page": str(PER_PAGE)}
    if shown:
        args["status"] = FILTERS[shown][0]
    answer = _read("public_polls", args)
    pagination = pages_of(answer, number)
    extra = {"tinh-trang": shown} if shown else {}
    return page(
        "portal/polls_index.html",
        answer=answer,
        pagination=pagination,
        base_path=BASE,
        extra=extra,
        shown=shown,
        filters=FILTERS,
        canonical=absolute(BASE),
        breadcrumbs=[("/", "Trang chủ"), (None, "Trưng cầu ý kiến")],
    )


# -- a poll and its form ------------------------------------------------------------------------


def _remembered(poll_id):
    return (session.get("phieu") or {}).get(poll_id)


def _remember(poll_id, receipt):
    kept = dict(session.get("phieu") or {})
    kept.pop(poll_id, None)
    kept[poll_id] = receipt
    session["phieu"] = dict(list(kept.items())[-REMEMBERED:])


def _answer_state(visitor, poll_id):
    """``(definition, notice)``: the definition when the visitor may answer now, else why not."""
    if visitor.get("user_id") is None:
        return None, None
    try:
        return polls_api.answerable(visitor, poll_id, utcnow()), None
    except (Conflict, Forbidden) as exc:
        return None, exc.message
    except NotFound:  # a poll the visitor sees (a manager, a draft) without being asked to answer it
        return None, "Bạn không thuộc đối tượng trả lời phiếu này."


def _form_questions(questions, given=None, errors=None):
    """The questions as the form shows them: position, input name, the visitor's values, the error."""
    given, errors = given or {}, errors or {}
    shown = []
    for position, question in enumerate(questions, start=1):
        value = given.get(question["id"])
        kind = question["kind"]
        item = {
            **question,
            "position": position,
            "name": f"c{position}",
            "error": errors.get(question["id"]),
            "required": question.get("required", True),
            "value": value,
        }
        if kind == "multiple":
            item["chosen"] = set(value or [])
        elif kind == "rating":
            item["value"] = "" if value is None else str(value)
        elif kind == "matrix":
            item["rows"] = [
                {**row, "name": f"c{position}-d{index}", "value": (value or {}).get(row["id"])}
                for index, row in enumerate(question.get("rows") or [], start=1)
            ]
        shown.append(item)
    return shown


def answers_from(form, questions):
    """The answers of the posted form in the API's shape (``check_answers`` judges them)."""
    answers = {}
    for position, question in enumerate(questions, start=1):
        name, kind = f"c{position}", question["kind"]
        if kind == "multiple":
            value = form.getlist(name)
        elif kind == "rating":
            raw = form.get(name, "").strip()
            value = int(raw) if _POSITION_NUMBER.match(raw) else (raw or None)
        elif kind == "matrix":
            value = {}
            for index, row in enumerate(question.get("rows") or [], start=1):
                chosen = form.get(f"{name}-d{index}")
                if chosen:
                    value[row["id"]] = chosen
        elif kind == "text":
            value = form.get(name, "").strip()
        else:
            value = form.get(name) or None
        answers[question["id"]] = value
    return answers


def _question_errors(exc):
    """``{question id: message}`` of ``check_answers``' ``answers.<question id>`` errors."""
    found = {}
    for field, messages in ((exc.details or {}).get("errors") or {}).items():
        qid = field.split(".", 1)[1] if field.startswith("answers.") else field
        found[qid] = " ".join(messages) if isinstance(messages, list) else str(messages)
    return found


def _poll_page(poll, *, status=200, definition=None, notice=None, given=None, errors=None, problem=None):
    visitor = actor()
    signed_in = visitor.get("user_id") is not None
    receipt = _remembered(poll["id"]) if signed_in else None
    return page(
        "portal/polls_poll.html",
        status=status,
        poll=poll,
        signed_in=signed_in,
        can_answer=definition is not None and receipt is None,
        answered_receipt=receipt,
        answer_notice=notice,
        questions=_form_questions(poll.get("questions") or [], given, errors),
        errors=errors or {},
        problem=problem,
        sign_in_href="/dang-nhap?tiep=" + f"{BASE}/{poll['id']}",
        canonical=absolute(f"{BASE}/{poll['id']}"),
        robots=None if poll.get("audience", {}).get("all") else "noindex",
        breadcrumbs=_crumbs((None, poll["title"])),
    )


@bp.route(f"{BASE}/<poll_id>", methods=["GET", "POST"])
def poll(poll_id):
    poll_id = _poll_id(poll_id)
    if request.method == "GET":
        found = _read("get_poll", poll_id)
        definition, notice = _answer_state(actor(), poll_id)
        return _poll_page(found, definition=definition, notice=notice)
    visitor = signed_in_actor()
    found = call("polls", "get_poll", visitor, poll_id)
    now = utcnow()
    try:
        definition = polls_api.answerable(visitor, poll_id, now)
    except Conflict as exc:  # opens later, or closed meanwhile: the page says so
        return _poll_page(found, status=409, notice=exc.message)
    answers = answers_from(request.form, definition["questions"])
    try:
        receipt = polls_api.queue_response(visitor, poll_id, definition, answers, now)
    except InvalidInput as exc:
        errors = _question_errors(exc)
        return _poll_page(found, status=422, definition=definition, given=answers, errors=errors, problem=UNANSWERED)
    except Unavailable as exc:  # the broker did not confirm: nothing counted, the answers kept to send again
        return _poll_page(found, status=503, definition=definition, given=answers, problem=exc.message)
    _remember(poll_id, receipt)
    return redirect(f"{BASE}/{poll_id}/bien-nhan/{receipt}", code=303)


# -- the receipt --------------------------------------------------------------------------------


def _receipt(poll_id, receipt):
    visitor = signed_in_actor()
    found = polls_api.receipt_of(visitor, receipt)
    if found["poll_id"] != poll_id:
        raise NotFound("Không tìm thấy biên nhận.", code="RECEIPT_NOT_FOUND")
    title, text = RECEIPT_STATUS.get(found["status"], RECEIPT_STATUS["accepted"])
    return {
        **found,
        "title": title,
        "text": (found.get("reason") or text) if found["status"] == "rejected" else text,
        "final": found["status"] != "accepted",
        "href": f"{BASE}/{poll_id}/bien-nhan/{receipt}",
    }, visitor


@bp.route(f"{BASE}/<poll_id>/bien-nhan/<receipt>")
def receipt(poll_id, receipt):
    poll_id = _poll_id(poll_id)
    found, visitor = _receipt(poll_id, receipt)
    poll = call("polls", "get_poll", visitor, poll_id)
    return page(
        "portal/polls_receipt.html",
        receipt=found,
        poll=poll,
        robots="noindex",
        breadcrumbs=_crumbs((f"{BASE}/{poll_id}", poll["title"]), (None, "Biên nhận")),
    )


@bp.route(f"{BASE}/<poll_id>/bien-nhan/<receipt>/trang-thai")
def receipt_status(poll_id, receipt):
    """The receipt's status alone: what htmx asks every 2 s until the answer is counted."""
    found, _visitor = _receipt(_poll_id(poll_id), receipt)
    return page("portal/polls_receipt_status.html", receipt=found)


# -- results ------------------------------------------------------------------------------------


@bp.route(f"{BASE}/<poll_id>/ket-qua")
def results(poll_id):
    poll_id = _poll_id(poll_id)
    found = _read("poll_results", poll_id, {})
    return page(
        "portal/polls_results.html",
        results=found,
        poll=found["poll"],
        suppress_below=SUPPRESS_BELOW,
        status_labels=STATUS_LABELS,
        canonical=absolute(f"{BASE}/{poll_id}/ket-qua"),
        breadcrumbs=_crumbs((f"{BASE}/{poll_id}", found["poll"]["title"]), (None, "Kết quả")),
    )
