"""Polls area: polls and their workflow, responses (202 + receipt), receipts, results, exports.

Responses never cost an RPC: they are checked here against the cached definition
(``gateway.intake``) and queued with a publisher confirm. Decisions:

* an unknown poll, a draft, or a poll the member's tenant is not eligible for → 404
  ``POLL_NOT_FOUND`` (a poll of other tenants does not exist for the member, as for
  ``GET /polls/{id}``); a signed-in user without the ``member`` role → 403;
* a poll not open yet → 409 ``POLL_NOT_OPEN``; closed → 409 ``POLL_CLOSED``, with the time;
* malformed answers → 422 whose ``errors`` has one ``answers.<question id>`` entry per
  wrong question and whose message names them (``câu 2 (q2)``);
* the broker did not confirm → 503 ``RESPONSE_NOT_QUEUED`` (send again: a copy that did
  reach the queue makes the second one a duplicate, never counted twice).
"""

import base64
import io
import re
import threading
import time
import uuid

import orjson
from flask import Response, current_app, jsonify, request
from flask.views import MethodView

from gateway import json_body
from gateway.api.common import Blueprint, call, documented, files, forward, query_args, replies
from gateway.auth import actor_of_header, current_actor
from gateway.intake import PollIntake
from platform_shared import logs, metrics
from platform_shared.actor import SYSTEM
from platform_shared.clock import VN_TZ, utcnow
from platform_shared.errors import Conflict, Forbidden, InvalidInput, NotFound
from platform_shared.schemas import page_of
from platform_shared.schemas import polls as api

polls = Blueprint("polls", __name__, url_prefix="/api/v1/polls", description="Trưng cầu ý kiến đoàn viên")
public_polls = Blueprint(
    "public_polls", __name__, url_prefix="/api/v1/public/polls", description="Trưng cầu ý kiến (công khai)"
)
blueprints = (polls, public_polls)
SECURED = [{"bearer": []}]
ACTIONS = {
    "open": "Mở phiếu (nhận trả lời từ thời điểm mở đến thời điểm đóng).",
    "close": "Đóng phiếu ngay.",
    "publish": "Công bố kết quả của phiếu đã đóng.",
}
_create_lock = threading.Lock()
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RESPONSE_BODY = {
    "type": "object",
    "required": ["answers"],
    "additionalProperties": False,
    "properties": {
        "answers": {
            "type": "object",
            "description": 'question id → answer: single "o2"; multiple ["o1", "o3"]; rating 4; '
            'text "..."; matrix {"r1": "o2"}',
        }
    },
}


def intake(app=None):
    """The worker's response intake (created on first use, closed with the app's resources)."""
    extensions = (app or current_app).extensions
    found = extensions.get("polls_intake")
    if found is None:
        with _create_lock:
            found = extensions.get("polls_intake")
            if found is None:
                settings = extensions["settings"]
                pool = extensions["rpc"]
                found = PollIntake(
                    getattr(settings, "polls_intake_amqp_uri", None) or settings.amqp_uri,
                    lambda poll_id: pool.call("polls", "intake_definition", SYSTEM.dump(), poll_id),
                    secret=getattr(settings, "polls_receipt_secret", None),
                    ttl=getattr(settings, "polls_definition_ttl", 30.0),
                    confirm_timeout=getattr(settings, "polls_confirm_timeout", 5.0),
                )
                extensions["polls_intake"] = found
    return found


def _not_found():
    return NotFound("Không tìm thấy phiếu trưng cầu ý kiến.", code="POLL_NOT_FOUND")


def _signed_in():
    failed = request.environ.pop(LEAN_FAILURE, None)
    if failed is not None:
        raise failed  # met by LeanResponses: answered here the usual way, never tried twice
    current_actor()


polls.before_request(_signed_in)


@polls.route("")
class Polls(MethodView):
    @polls.arguments(api.PollListArgs(), location="query")
    @replies(polls, 200, page_of(api.PollRead))
    @polls.doc(security=SECURED)
    @documented(polls, 401, 422, 503)
    def get(self, _args):
        """Phiếu mình quản lý hoặc được mời trả lời, mới nhất trước."""
        return forward("polls", "list_polls", current_actor(), query_args())

    @polls.arguments(api.PollCreate())
    @polls.alt_response(201, schema=api.PollRead, success=True)
    @polls.doc(security=SECURED)
    @documented(polls, 401, 403, 422, 503)
    def post(self, data):
        """Tạo phiếu (bản nháp). Tổng Liên đoàn: toàn quốc hoặc các đơn vị chọn; đơn vị: đoàn viên của mình."""
        return forward("polls", "create_poll", current_actor(), data, status=201)


@polls.route("/audience-choices", methods=["GET"])
@replies(polls, 200, api.AudienceChoicesRead)
@polls.doc(security=SECURED)
@documented(polls, 401, 403, 503)
def audience_choices():
    """Đơn vị có thể chọn làm đối tượng của phiếu, theo cây (Tổng Liên đoàn: mọi đơn vị; đơn vị: cây của mình)."""
    return forward("polls", "list_audience_choices", current_actor())


@polls.route("/<poll_id>")
class PollById(MethodView):
    @polls.alt_response(200, schema=api.PollRead, success=True)
    @polls.doc(security=SECURED)
    @documented(polls, 401, 404, 503)
    def get(self, poll_id):
        """Một phiếu (đoàn viên: khi phiếu đã mở và mình thuộc đối tượng)."""
        return forward("polls", "get_poll", current_actor(), poll_id)

    @polls.arguments(api.PollUpdate(partial=True))
    @polls.alt_response(200, schema=api.PollRead, success=True)
    @polls.doc(security=SECURED)
    @documented(polls, 401, 403, 404, 422, 503)
    def patch(self, data, poll_id):
        """Sửa phiếu khi còn là bản nháp."""
        return forward("polls", "update_poll", current_actor(), poll_id, data)


def _action_view(action, doc):
    def view(poll_id):
        return forward("polls", "transition_poll", current_actor(), poll_id, action)

    view.__doc__ = doc
    view.__name__ = f"poll_{action}"
    view = documented(polls, 401, 403, 404, 409, 503)(view)
    view = polls.alt_response(200, schema=api.PollRead, success=True)(view)
    view = polls.doc(security=SECURED)(view)
    return view


for _action, _doc in ACTIONS.items():
    polls.route(f"/<poll_id>/{_action}", methods=["POST"], endpoint=f"poll_{_action}")(_action_view(_action, _doc))


# -- responses ---------------------------------------------------------------------------


@polls.route("/<poll_id>/responses", methods=["POST"])
@polls.alt_response(202, schema=api.ReceiptRead, success=True)
@polls.doc(
    security=SECURED,
    requestBody={"required": True, "content": {"application/json": {"schema": RESPONSE_BODY}}},
)
@documented(polls, 400, 401, 403, 404, 409, 422, 503)
def respond(poll_id):
    """Gửi câu trả lời (mỗi đoàn viên một lần). 202 kèm biên nhận sau khi hàng đợi xác nhận đã lưu."""
    actor, now = current_actor(), utcnow()
    receipt = accept(actor, poll_id, request.get_json(silent=True), now)
    return Response(_accepted(receipt, poll_id), 202, mimetype="application/json")


def accept(actor, poll_id, body, now, app=None):
    """The receipt of ``body`` (the parsed request) queued as ``actor``'s response: what
    ``respond`` and ``LeanResponses`` do. Raises as :func:`answerable` and :func:`queue_response`,
    and InvalidInput for a body that is not ``{"answers": ...}``."""
    definition = answerable(actor, poll_id, now, app)
    # The hot path: no schema library, the one check that matters (check_answers) names the questions.
    if not isinstance(body, dict) or set(body) != {"answers"}:
        raise InvalidInput.field("answers", 'Gửi {"answers": {mã câu hỏi: câu trả lời}}.', code="VALIDATION_ERROR")
    return queue_response(actor, poll_id, definition, body["answers"], now, app)


def _accepted(receipt, poll_id):
    # orjson: the standard encoder behind jsonify cost more than building this small answer
    return orjson.dumps({"receipt": receipt, "status": "accepted", "poll_id": poll_id})


# The one intake path of a response: this API and the portal's poll page (gateway.web.portal.polls)
# both go through answerable() then queue_response().


def answerable(actor, poll_id, now, app=None):
    """The cached definition of a poll ``actor`` may answer at ``now``.

    Raises Forbidden (not a member), NotFound (unknown, draft, not eligible), Conflict
    (``POLL_NOT_OPEN``, ``POLL_CLOSED``)."""
    if "member" not in actor["roles"]:
        raise Forbidden("Chỉ đoàn viên được trả lời phiếu trưng cầu ý kiến.", code="MEMBER_REQUIRED")
    try:
        uuid.UUID(poll_id)
    except ValueError:
        raise _not_found() from None
    definition = intake(app).definition(poll_id)
    eligible = definition["_eligible"]
    if definition["status"] == "draft" or (eligible is not None and actor["tenant_id"] not in eligible):
        raise _not_found()
    if now < definition["_opens"]:
        raise Conflict(
            f"Phiếu chưa mở; bắt đầu nhận trả lời lúc {_shown(definition['_opens'])}.",
            code="POLL_NOT_OPEN",
            details={"opens_at": definition["_opens"].astimezone(VN_TZ).isoformat()},
        )
    if definition["status"] != "open" or now >= definition["_closes"]:
        raise Conflict(
            f"Phiếu đã đóng lúc {_shown(definition['_closes'])}; không nhận thêm câu trả lời.",
            code="POLL_CLOSED",
            details={"closes_at": definition["_closes"].astimezone(VN_TZ).isoformat()},
        )
    return definition


def queue_response(actor, poll_id, definition, answers, now, app=None):
    """Check ``answers`` against ``definition`` (from :func:`answerable`) and queue them: the
    signed receipt. Raises InvalidInput (``errors``: one ``answers.<question id>`` per wrong
    question), Unavailable (the broker did not confirm)."""
    try:
        answers = api.check_answers(definition["questions"], answers)
    except api.AnswerProblem as problem:
        raise InvalidInput(problem.message, code="INVALID_ANSWERS", details={"errors": problem.errors}) from None
    return intake(app).submit(poll_id, actor, answers, now=now)


def _shown(moment):
    return moment.astimezone(VN_TZ).strftime("%H:%M ngày %d/%m/%Y")


# -- the lean path of a response ------------------------------------------------------------

RESPONSES_RULE = "/api/v1/polls/<poll_id>/responses"
_RESPONSES_PATH = re.compile(r"/api/v1/polls/([^/]+)/responses")
LEAN_FAILURE = "gateway.polls.lean_failure"


class LeanResponses:
    """WSGI in front of Flask: ``POST /api/v1/polls/{id}/responses`` accepted without Flask's
    request machinery, the same checks in the same order, the same 202 and headers.

    Why: a vote is the one request that comes by the million in a national poll, and Flask's
    request context, hooks, session, routing, response object and the blueprint's nine view
    wrappers cost more gateway CPU than the vote itself (issue 18, bench/polls_bench.py figures 1
    and 2; docs/performance/issue-18-profile.md §3: every request verifies a token, checks
    answers, publishes, waits for a confirm and signs a receipt — the rest is dispatch).

    How it stays the same path: the body is parsed by ``json_body.loads`` (Flask's parser here),
    the actor comes from ``actor_of_header`` and is cached in the environ exactly as
    ``current_actor`` caches it, then ``accept`` (the view's own function) runs. Anything this
    path does not take as it is (another content type, no length, no token, a body over the
    limit) goes to Flask untouched. Any exception goes to Flask too, with the body put back and
    the exception kept in the environ: the polls blueprint's first hook raises it, so the error
    is answered by the app's handlers (same status, code, Vietnamese message, headers, metrics,
    request id) and nothing is tried twice — not the broker, not the polls service. The 202's
    headers are the app's (``headers``, ``hsts``: create_app passes its own) and it is counted in
    ``platform_http_requests_total`` under the Flask rule. Not installed when OpenTelemetry traces
    requests (its Flask instrumentation would not see these), or with ``POLLS_LEAN_PATH=false``.
    """

    def __init__(self, app, wsgi_app, *, headers, hsts, request_id):
        self.app = app
        self.wsgi_app = wsgi_app
        self.headers = tuple(headers)
        self.hsts = hsts
        self.request_id = request_id
        self.max_length = app.config["MAX_CONTENT_LENGTH"]

    def __call__(self, environ, start_response):
        if environ.get("REQUEST_METHOD") == "POST":
            found = _RESPONSES_PATH.fullmatch(environ.get("PATH_INFO", ""))
            if found is not None:
                answer = self._answer(found.group(1), environ, start_response)
                if answer is not None:
                    return answer
        return self.wsgi_app(environ, start_response)

    def _answer(self, poll_id, environ, start_response):
        started = time.perf_counter()
        logs.request_id_var.set(self.request_id(environ))  # the same id if Flask answers after all
        length = environ.get("CONTENT_LENGTH", "")
        header = environ.get("HTTP_AUTHORIZATION", "")
        mimetype = environ.get("CONTENT_TYPE", "").partition(";")[0].strip().lower()
        if not (header and mimetype == "application/json" and length.isdigit()):
            return None
        if not 0 < int(length) <= (self.max_length or int(length)):
            return None
        body = environ["wsgi.input"].read(int(length))
        environ["wsgi.input"] = io.BytesIO(body)  # for Flask, if it answers after all
        if len(body) != int(length) or not body.strip():
            return None
        # The order of Flask's path: the body (app hook), the actor (blueprint hook), the view.
        try:
            document = json_body.loads(body)
            actor = environ["platform.actor"] = actor_of_header(header, self.app.extensions)
            receipt = accept(actor, poll_id, document, utcnow(), self.app)
        except Exception as exc:
            environ[LEAN_FAILURE] = exc
            return None
        answer = _accepted(receipt, poll_id)
        headers = [
            ("Content-Type", "application/json"),
            ("Content-Length", str(len(answer))),
            ("X-Request-ID", self.request_id(environ)),
            *self.headers,
        ]
        if environ.get("wsgi.url_scheme") == "https":
            headers.append(self.hsts)
        headers.append(("Cache-Control", "no-store"))
        metrics.http_request(RESPONSES_RULE, "POST", 202, time.perf_counter() - started)
        start_response("202 ACCEPTED", headers)
        return [answer]


@polls.route("/receipts/<receipt>", methods=["GET"])
@polls.alt_response(200, schema=api.ReceiptRead, success=True)
@polls.doc(security=SECURED)
@documented(polls, 401, 404, 503)
def receipt_status(receipt):
    """Tình trạng câu trả lời theo biên nhận: accepted, counted, duplicate, rejected (kèm lý do)."""
    return jsonify(receipt_of(current_actor(), receipt))


def receipt_of(actor, receipt):
    """``{receipt, status, reason, poll_id}`` of a receipt ``actor`` got (accepted until the
    consumer has written it); anyone else's, or a forged one: NotFound. The API's and the portal's."""
    read = intake().receipts.read(receipt)
    if read is None or read[2] != actor["user_id"]:
        raise NotFound("Không tìm thấy biên nhận.", code="RECEIPT_NOT_FOUND")
    receipt_id, poll_id, _member = read
    found = call("polls", "get_receipt", actor, receipt_id)
    status = (found or {}).get("status", "accepted")
    return {"receipt": receipt, "status": status, "reason": (found or {}).get("reason"), "poll_id": poll_id}


# -- results -----------------------------------------------------------------------------


@polls.route("/<poll_id>/results", methods=["GET"])
@polls.arguments(api.ResultsArgs(), location="query")
@replies(polls, 200, api.ResultsRead)
@polls.doc(security=SECURED)
@documented(polls, 401, 403, 404, 422, 503)
def results(_args, poll_id):
    """Kết quả trực tiếp: số lượng, tỉ lệ từng phương án (ẩn nhóm dưới 5 người); Tổng Liên đoàn: theo đơn vị."""
    return forward("polls", "poll_results", current_actor(), poll_id, query_args())


def _file(exported, disposition="attachment"):
    return Response(
        base64.b64decode(exported["content_b64"]),
        mimetype=exported["content_type"].split(";")[0],
        headers={
            "Content-Type": exported["content_type"],
            "Content-Disposition": f'{disposition}; filename="{exported["filename"]}"',
        },
    )


@polls.route("/<poll_id>/results/export", methods=["GET"])
@files(polls, "text/csv", XLSX, description="Kết quả: CSV (UTF-8) hoặc XLSX")
@polls.doc(security=SECURED, parameters=[{"in": "query", "name": "format", "schema": {"enum": ["csv", "xlsx"]}}])
@documented(polls, 401, 403, 404, 422, 503)
def export_results(poll_id):
    """Xuất kết quả: CSV (UTF-8) hoặc XLSX."""
    args = query_args()
    fmt = args.pop("format", "csv")
    if fmt not in ("csv", "xlsx"):
        raise InvalidInput.field("format", "Định dạng phải là csv hoặc xlsx.")
    return _file(call("polls", "export_results", current_actor(), poll_id, fmt, None, args, timeout=60))


@polls.route("/<poll_id>/questions/<question_id>/chart.png", methods=["GET"])
@files(polls, "image/png", description="Biểu đồ PNG")
@polls.doc(security=SECURED)
@documented(polls, 401, 403, 404, 503)
def chart(poll_id, question_id):
    """Biểu đồ (PNG) kết quả của một câu hỏi."""
    args = query_args()
    return _file(
        call("polls", "export_results", current_actor(), poll_id, "png", question_id, args, timeout=60), "inline"
    )


@polls.route("/<poll_id>/text-answers", methods=["GET"])
@polls.arguments(api.TextAnswerArgs(), location="query")
@replies(polls, 200, page_of(api.TextAnswerRead))
@polls.doc(security=SECURED)
@documented(polls, 401, 403, 404, 422, 503)
def text_answers(_args, poll_id):
    """Câu trả lời tự do: người kiểm duyệt xem tất cả; kết quả công bố chỉ hiện câu đã duyệt."""
    return forward("polls", "list_text_answers", current_actor(), poll_id, query_args())


@polls.route("/<poll_id>/text-answers/<answer_id>/moderate", methods=["POST"])
@polls.arguments(api.ModerateArgs())
@replies(polls, 200, api.TextAnswerRead)
@polls.doc(security=SECURED)
@documented(polls, 401, 403, 404, 422, 503)
def moderate(data, poll_id, answer_id):
    """Duyệt (approved) hoặc ẩn (hidden) một câu trả lời tự do."""
    return forward("polls", "moderate_text_answer", current_actor(), poll_id, answer_id, data)


# -- the portal's polls (anyone; a token, when sent, shows the caller's own polls too) -------
#
# The polls service decides what each caller sees (polls/policy.py): without a token, the
# national polls that are open or have their results published, and those results; with one,
# what ``GET /polls`` would show (drafts left out). A tenant's poll stays 404 to outsiders.


@public_polls.route("", methods=["GET"])
@public_polls.arguments(api.PublicPollArgs(), location="query")
@replies(public_polls, 200, page_of(api.PollSummaryRead))
@documented(public_polls, 401, 422, 503)
def list_public_polls(_args):
    """Phiếu trưng cầu ý kiến trên cổng: chưa đăng nhập thấy phiếu toàn quốc đang mở hoặc đã công bố kết quả."""
    return forward("polls", "public_polls", current_actor(required=False), query_args())


@public_polls.route("/<poll_id>", methods=["GET"])
@replies(public_polls, 200, api.PollRead)
@documented(public_polls, 401, 404, 503)
def public_poll(poll_id):
    """Một phiếu: chưa đăng nhập chỉ xem được phiếu toàn quốc đang mở hoặc đã công bố kết quả."""
    return forward("polls", "get_poll", current_actor(required=False), poll_id)


@public_polls.route("/<poll_id>/results", methods=["GET"])
@replies(public_polls, 200, api.ResultsRead)
@documented(public_polls, 401, 403, 404, 503)
def public_results(poll_id):
    """Kết quả phiếu; chưa đăng nhập: khi đã công bố, ẩn nhóm dưới 5 người, không chia theo đơn vị."""
    return forward("polls", "poll_results", current_actor(required=False), poll_id, {})
