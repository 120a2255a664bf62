"""``/quan-tri/trung-cau``: the opinion polls the VGCL and the federations' administrators run —
the list, the builder, a member's view before opening, the life cycle, live results and exports.

Every decision is the polls service's (``list_polls``, ``create_poll``, ``update_poll``,
``get_poll``, ``transition_poll``, ``poll_results``, ``export_results``, ``list_text_answers``,
``moderate_text_answer``, ``list_audience_choices``): who manages a poll (``managed`` on the
poll it returns), the workflow, the audience, the suppression of small groups. A poll the person
does not see is the 404 page; one they see without managing it (a national poll to a
federation's admin, a member's eligible poll to a contributor) the 403 page.

* ``GET /quan-tri/trung-cau`` — the polls the person manages (``list_polls`` with ``managed``):
  status, window, audience, responses counted; ``?trang-thai=`` (draft, open, closed,
  published), ``?trang=``.
* ``GET, POST /quan-tri/trung-cau/moi`` and ``/<id>/sua`` (drafts) — the builder
  (``polls_form``): works without JavaScript — question slots, and buttons that add, remove
  and move a question by posting the form back (nothing saved, everything typed kept; the
  slot in question gets the focus). 422: the messages beside the field and the question,
  nothing created or changed; success: 303 to the poll.
* ``GET /quan-tri/trung-cau/<id>`` — the poll and what its status allows: edit, preview,
  open, close, publish the results (``POST …/<id>/mo``, ``/dong``, ``/cong-bo``, each with its
  confirmation text; a 409 from the service — the state moved — is the page again, 409, with
  its message).
* ``GET /quan-tri/trung-cau/<id>/xem-truoc`` — the poll as a member will see it (the portal's
  question partial, inputs disabled).
* ``GET /quan-tri/trung-cau/<id>/ket-qua`` — live results: a table per question (and per
  matrix row) with the numbers and a CSS bar per option, small groups suppressed as the service
  says; the VGCL gets the respondents per federation and ``?don-vi=`` (one federation's
  subtree); free-text answers with «Hiện»/«Ẩn» (``POST …/<id>/y-kien/<answer id>``,
  ``status`` approved|hidden), ``?y-kien=`` (pending, approved, hidden), ``?trang=``;
  downloads ``…/ket-qua.csv`` and ``…/ket-qua.xlsx`` (the service's file, as an attachment).
* The landing card «Trưng cầu ý kiến»: open polls with their respondents, drafts.

Stable names for the tests: the builder's form ``form-phieu`` (fields in ``polls_form``), the
list's table ``bang-phieu``, the life-cycle forms ``form-mo``, ``form-dong``, ``form-cong-bo``,
the results' sections ``ket-qua-cau-<n>``, the breakdown table ``bang-don-vi``, the free-text
list ``y-kien`` (forms ``form-y-kien-<answer id>``), ``#thong-bao-loi`` for a refusal,
``#loi-<field>`` beside a field.
"""

import base64
import re
import uuid

from flask import Blueprint, Response, abort, flash, redirect, request

from gateway.api.common import call
from gateway.web.format import day_time
from gateway.web.portal.common import field_errors, page_number, pages_of
from gateway.web.portal.polls import _form_questions
from gateway.web.render import page
from gateway.web.workspace import polls_form
from gateway.web.workspace.common import BASE, block, menu, staff, tile
from platform_shared.errors import Conflict, Forbidden, InvalidInput
from platform_shared.schemas.polls import STATUS_LABELS, SUPPRESS_BELOW, TEXT_STATUSES

bp = Blueprint("workspace_polls", __name__)

LIST = f"{BASE}/trung-cau"
PER_PAGE = 20
ANSWERS_PER_PAGE = 20
NO_STORE = {"Cache-Control": "private, no-store"}
# path suffix → (the service's action, the button, the flash on success)
ACTIONS = {
    "mo": ("open", "Mở phiếu", "Đã mở phiếu. Đoàn viên thuộc đối tượng trả lời được đến {closes}."),
    "dong": ("close", "Đóng phiếu", "Đã đóng phiếu: không nhận thêm câu trả lời ({respondents} người đã trả lời)."),
    "cong-bo": ("publish", "Công bố kết quả", "Đã công bố kết quả. Đoàn viên thuộc đối tượng xem được kết quả."),
}
TEXT_STATUS_LABELS = {"pending": "Chờ duyệt", "approved": "Đang hiện", "hidden": "Đã ẩn"}
EXPORTS = ("csv", "xlsx")
_QUERY = re.compile(r"^\?[A-Za-z0-9=&_.%-]{1,300}$")  # the results page's own query, to return to


def _crumbs(*more):
    return [(f"{BASE}/", "Tổng quan"), *more]


def _poll_id(raw):
    try:
        return str(uuid.UUID(raw))
    except ValueError:
        abort(404)


def _managed(actor, poll_id):
    """The poll, if the person manages it: 404 when they do not see it (the service), 403 when
    they see it without managing it (the service's ``managed``)."""
    poll = call("polls", "get_poll", actor, _poll_id(poll_id))
    if not poll.get("managed"):
        raise Forbidden("Chỉ đơn vị tạo phiếu quản lý được phiếu này.", code="POLL_MANAGER_REQUIRED")
    return poll


def _audience_names(actor):
    """{tenant id: name} of the tenants the person may address (None: polls did not answer)."""
    choices = block(lambda: call("polls", "list_audience_choices", actor))
    return {c["id"]: c["name"] for c in choices.get("items") or []} if choices else None


def audience_text(poll, names):
    audience = poll.get("audience") or {}
    if audience.get("all"):
        return "Toàn bộ đoàn viên cả nước"
    ids = audience.get("tenant_ids") or []
    if not names:
        return f"{len(ids)} đơn vị"
    return ", ".join(names.get(t, "đơn vị khác") for t in ids)


# -- the list ---------------------------------------------------------------------------------


@bp.route(LIST)
def index():
    actor = staff()
    number = page_number()
    status = request.args.get("trang-thai") or ""
    if status and status not in STATUS_LABELS:
        abort(404)
    args = {"managed": "true", "page": str(number), "per_page": str(PER_PAGE)}
    if status:
        args["status"] = status
    answer = call("polls", "list_polls", actor, args)
    pagination = pages_of(answer, number)
    return page(
        "workspace/polls_index.html",
        answer=answer,
        pagination=pagination,
        shown=status,
        statuses=STATUS_LABELS,
        names=_audience_names(actor),
        audience_text=audience_text,
        query_extra={"trang-thai": status} if status else {},
        base_path=LIST,
        menu=menu(actor),
        current=LIST,
        breadcrumbs=_crumbs((None, "Trưng cầu ý kiến")),
    )


@tile("Trưng cầu ý kiến", "tenant_admin", "platform_admin")
def landing_card(actor):
    """Open polls with how many have answered each, and drafts waiting to be opened."""
    opened = call("polls", "list_polls", actor, {"managed": "true", "status": "open", "per_page": "3"})
    drafts = call("polls", "list_polls", actor, {"managed": "true", "status": "draft", "per_page": "1"})
    lines = [(opened.get("total") or 0, "phiếu đang mở", f"{LIST}?trang-thai=open")]
    for poll in opened.get("items") or []:
        lines.append(
            (poll.get("respondents") or 0, f"người đã trả lời «{poll['title']}»", f"{LIST}/{poll['id']}/ket-qua")
        )
    lines.append((drafts.get("total") or 0, "bản nháp chưa mở", f"{LIST}?trang-thai=draft"))
    return lines


# -- the builder ----------------------------------------------------------------------------------


def _builder(actor, form, *, poll=None, status=200, errors=None, by_slot=None, problem=None, focus=None):
    choices = block(lambda: call("polls", "list_audience_choices", actor))
    by_slot = by_slot or {}
    slots = [{**q, "n": n, "errors": by_slot.get(n, {})} for n, q in enumerate(form["questions"], start=1)]
    if poll is None:
        action, title = f"{LIST}/moi", "Tạo phiếu trưng cầu ý kiến"
        trail = _crumbs((LIST, "Trưng cầu ý kiến"), (None, "Tạo phiếu"))
    else:
        action, title = f"{LIST}/{poll['id']}/sua", "Sửa phiếu trưng cầu ý kiến"
        trail = _crumbs((LIST, "Trưng cầu ý kiến"), (f"{LIST}/{poll['id']}", poll["title"]), (None, "Sửa"))
    return page(
        "workspace/polls_form.html",
        status=status,
        form=form,
        slots=slots,
        poll=poll,
        action=action,
        heading=title,
        choices=choices,
        errors=errors or {},
        problem=problem,
        focus=focus,
        fields=polls_form.FIELDS,
        question_fields=polls_form.QUESTION_FIELDS,
        kinds=polls_form.KINDS,
        menu=menu(actor),
        current=LIST,
        breadcrumbs=trail,
        headers=NO_STORE if request.method == "POST" else None,
    )


def _may_address_all(actor):
    choices = block(lambda: call("polls", "list_audience_choices", actor))
    return bool(choices and choices.get("all"))


def _save(actor, form, save):
    """``save(data)`` with the form's data; the builder again (422) with the service's messages."""
    data, slots = polls_form.request_of(form, may_address_all=_may_address_all(actor))
    try:
        return save(data), None
    except InvalidInput as exc:
        errors, by_slot, problem = polls_form.errors_of(exc, slots, form)
        return None, {"errors": errors, "by_slot": by_slot, "problem": problem}


@bp.route(f"{LIST}/moi", methods=["GET", "POST"])
def create():
    actor = staff()
    if request.method == "GET":
        call("polls", "list_audience_choices", actor)  # 403 for a person who may not create polls
        return _builder(actor, polls_form.new_form())
    form = polls_form.form_of_request(request.form)
    focus = polls_form.rearrange(form, request.form.get("action", "save"))
    if focus is not None:
        return _builder(actor, form, focus=focus)
    created, refused = _save(actor, form, lambda data: call("polls", "create_poll", actor, data))
    if refused:
        return _builder(actor, form, status=422, **refused)
    flash(f"Đã lưu bản nháp «{created['title']}». Xem trước rồi mở phiếu khi đã sẵn sàng.", "ok")
    return redirect(f"{LIST}/{created['id']}", code=303)


@bp.route(f"{LIST}/<poll_id>/sua", methods=["GET", "POST"])
def edit(poll_id):
    actor = staff()
    poll = _managed(actor, poll_id)
    if poll["status"] != "draft":
        flash("Chỉ sửa được phiếu ở trạng thái bản nháp; phiếu này đã được mở.", "warn")
        return redirect(f"{LIST}/{poll['id']}", code=303)
    if request.method == "GET":
        return _builder(actor, polls_form.form_of_poll(poll), poll=poll)
    form = polls_form.form_of_request(request.form)
    focus = polls_form.rearrange(form, request.form.get("action", "save"))
    if focus is not None:
        return _builder(actor, form, poll=poll, focus=focus)
    saved, refused = _save(actor, form, lambda data: call("polls", "update_poll", actor, poll["id"], data))
    if refused:
        return _builder(actor, form, poll=poll, status=422, **refused)
    flash(f"Đã lưu bản nháp «{saved['title']}».", "ok")
    return redirect(f"{LIST}/{saved['id']}", code=303)


# -- one poll, its preview and its life cycle ------------------------------------------------------


def _show(actor, poll, *, status=200, problem=None):
    return page(
        "workspace/polls_show.html",
        status=status,
        poll=poll,
        audience=audience_text(poll, _audience_names(actor)),
        kinds=polls_form.KINDS,
        problem=problem,
        menu=menu(actor),
        current=LIST,
        breadcrumbs=_crumbs((LIST, "Trưng cầu ý kiến"), (None, poll["title"])),
        headers=NO_STORE if status != 200 else None,
    )


@bp.route(f"{LIST}/<poll_id>")
def show(poll_id):
    actor = staff()
    return _show(actor, _managed(actor, poll_id))


@bp.route(f"{LIST}/<poll_id>/xem-truoc")
def preview(poll_id):
    actor = staff()
    poll = _managed(actor, poll_id)
    return page(
        "workspace/polls_preview.html",
        poll=poll,
        questions=_form_questions(poll.get("questions") or []),
        menu=menu(actor),
        current=LIST,
        breadcrumbs=_crumbs((LIST, "Trưng cầu ý kiến"), (f"{LIST}/{poll['id']}", poll["title"]), (None, "Xem trước")),
    )


@bp.route(f"{LIST}/<poll_id>/<suffix>", methods=["POST"])
def act(poll_id, suffix):
    actor = staff()
    if suffix not in ACTIONS:
        abort(404)
    action, _label, done = ACTIONS[suffix]
    poll_id = _poll_id(poll_id)
    try:
        poll = call("polls", "transition_poll", actor, poll_id, action)
    except Conflict as exc:
        poll = _managed(actor, poll_id)
        return _show(actor, poll, status=409, problem=f"{exc.message} Trạng thái hiện tại của phiếu ở dưới đây.")
    flash(done.format(closes=day_time(poll["closes_at"]), respondents=poll.get("respondents") or 0), "ok")
    return redirect(f"{LIST}/{poll['id']}", code=303)


# -- results ----------------------------------------------------------------------------------------


def _answers(actor, poll_id, shown, number):
    args = {"page": str(number), "per_page": str(ANSWERS_PER_PAGE)}
    if shown:
        args["status"] = shown
    answer = call("polls", "list_text_answers", actor, poll_id, args)
    return answer, pages_of(answer, number)


@bp.route(f"{LIST}/<poll_id>/ket-qua")
def results(poll_id):
    return _results(poll_id)


def _results(poll_id, *, status=200, problem=None):
    actor = staff()
    poll = _managed(actor, poll_id)
    poll_id = poll["id"]
    tenant = (request.args.get("don-vi") or "").strip()
    shown = request.args.get("y-kien") or ""
    if shown and shown not in TEXT_STATUSES:
        abort(404)
    number = page_number()
    found = None
    try:
        found = call("polls", "poll_results", actor, poll_id, {"tenant": tenant} if tenant else {})
    except InvalidInput as exc:
        problem, status = " ".join(field_errors(exc).values()), 422
    texts, text_pages = None, None
    if any(q.get("kind") == "text" for q in poll.get("questions") or []):
        texts, text_pages = _answers(actor, poll_id, shown, number)
    question_of = {q["id"]: (n, q["text"]) for n, q in enumerate(poll.get("questions") or [], start=1)}
    exports = {fmt: f"{LIST}/{poll_id}/ket-qua.{fmt}" + (f"?don-vi={tenant}" if tenant else "") for fmt in EXPORTS}
    return page(
        "workspace/polls_results.html",
        status=status,
        poll=poll,
        results=found,
        tenant=tenant,
        problem=problem,
        suppress_below=SUPPRESS_BELOW,
        texts=texts,
        text_pages=text_pages,
        text_shown=shown,
        text_labels=TEXT_STATUS_LABELS,
        question_of=question_of,
        exports=exports,
        base_path=f"{LIST}/{poll_id}/ket-qua",
        query_extra={k: v for k, v in (("don-vi", tenant), ("y-kien", shown)) if v},
        menu=menu(actor),
        current=LIST,
        breadcrumbs=_crumbs((LIST, "Trưng cầu ý kiến"), (f"{LIST}/{poll_id}", poll["title"]), (None, "Kết quả")),
        headers=NO_STORE,
    )


@bp.route(f"{LIST}/<poll_id>/ket-qua.<fmt>")
def export(poll_id, fmt):
    actor = staff()
    if fmt not in EXPORTS:
        abort(404)
    tenant = (request.args.get("don-vi") or "").strip()
    poll = _managed(actor, poll_id)
    exported = call(
        "polls", "export_results", actor, poll["id"], fmt, None, {"tenant": tenant} if tenant else {}, timeout=60
    )
    return Response(
        base64.b64decode(exported["content_b64"]),
        mimetype=exported["content_type"].split(";")[0],
        headers={
            "Content-Type": exported["content_type"],
            "Content-Disposition": f'attachment; filename="{exported["filename"]}"',
            **NO_STORE,
        },
    )


@bp.route(f"{LIST}/<poll_id>/y-kien/<answer_id>", methods=["POST"])
def moderate(poll_id, answer_id):
    actor = staff()
    poll_id = _poll_id(poll_id)
    wanted = request.form.get("status", "")
    try:
        done = call("polls", "moderate_text_answer", actor, poll_id, answer_id, {"status": wanted})
    except InvalidInput as exc:
        return _results(poll_id, status=422, problem=" ".join(field_errors(exc).values()))
    flash("Đã hiện ý kiến trong kết quả." if done["status"] == "approved" else "Đã ẩn ý kiến khỏi kết quả.", "ok")
    back = request.form.get("back") or ""
    back = back if _QUERY.match(back) else ""
    return redirect(f"{LIST}/{poll_id}/ket-qua{back}#y-kien", code=303)
