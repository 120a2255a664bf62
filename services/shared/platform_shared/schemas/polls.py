"""Request and response shapes of the polls API, and the one check of a response's answers.

``check_answers(definition, answers)`` is plain Python on purpose: the gateway runs it
against its cached poll definition before publishing a response (a malformed one is a
422 naming the question, never queued) and the polls service runs it again before
counting (the authoritative check).

Answer shapes, by question kind:
  single   "o2"                      one option id
  multiple ["o1", "o3"]              distinct option ids, at most ``max_choices``
  rating   4                         an integer on the scale ``scale_min``..``scale_max``
  text     "..."                     at most ``max_length`` characters
  matrix   {"r1": "o2", "r2": "o1"}  one option id per row (every row when required)
A question left out (or null, "" or []) is unanswered: refused when ``required``.
"""

import base64

from marshmallow import ValidationError, fields, validates_schema

from platform_shared.clock import VN_TZ
from platform_shared.schemas import PageArgs, Schema, StrictSchema, Text, in_range, length, one_of, years_pattern
from platform_shared.text import nfc

KINDS = ("single", "multiple", "rating", "text", "matrix")
STATUSES = ("draft", "open", "closed", "published")
STATUS_LABELS = {"draft": "Bản nháp", "open": "Đang mở", "closed": "Đã đóng", "published": "Đã công bố kết quả"}
RECEIPT_STATUSES = ("accepted", "counted", "duplicate", "rejected")
TEXT_STATUSES = ("pending", "approved", "hidden")
MAX_TEXT = 2000
SUPPRESS_BELOW = 5


class LocalDateTime(fields.DateTime):
    """ISO 8601; a time without an offset is read in Asia/Ho_Chi_Minh. Loaded as an aware datetime."""

    def _deserialize(self, value, attr, data, **kwargs):
        result = super()._deserialize(value, attr, data, **kwargs)
        if result.tzinfo is None:
            result = result.replace(tzinfo=VN_TZ)
        return result


class Choice(StrictSchema):
    id = fields.String(validate=length(1, 40), metadata={"description": "given by the service when left out"})
    label = Text(required=True, validate=length(1, 300))


class QuestionIn(StrictSchema):
    id = fields.String(validate=length(1, 40), metadata={"description": "q1, q2, ... when left out"})
    text = Text(required=True, validate=length(1, 1000))
    kind = fields.String(required=True, validate=one_of(KINDS))
    required = fields.Boolean(load_default=True)
    options = fields.List(fields.Nested(Choice), metadata={"description": "single, multiple, matrix (the columns)"})
    rows = fields.List(fields.Nested(Choice), metadata={"description": "matrix only"})
    max_choices = fields.Integer(validate=in_range(1, 50), metadata={"description": "multiple only"})
    scale_min = fields.Integer(validate=in_range(0, 1), metadata={"description": "rating: 0 or 1 (default 1)"})
    scale_max = fields.Integer(validate=in_range(2, 10), metadata={"description": "rating: 2..10 (default 5)"})
    max_length = fields.Integer(validate=in_range(1, MAX_TEXT), metadata={"description": "text only"})

    @validates_schema
    def _by_kind(self, data, **kwargs):
        kind = data.get("kind")
        options, rows = data.get("options") or [], data.get("rows") or []
        errors = {}
        if kind in ("single", "multiple", "matrix"):
            if len(options) < 2:
                errors["options"] = ["Cần ít nhất 2 phương án."]
            elif len(options) > 50:
                errors["options"] = ["Tối đa 50 phương án."]
            elif _duplicated(options):
                errors["options"] = ["Mã phương án bị trùng."]
        elif options:
            errors["options"] = ["Loại câu hỏi này không có phương án."]
        if kind == "matrix":
            if not rows:
                errors["rows"] = ["Câu hỏi ma trận cần ít nhất 1 dòng."]
            elif len(rows) > 50 or _duplicated(rows):
                errors["rows"] = ["Tối đa 50 dòng, mã dòng không được trùng."]
        elif rows:
            errors["rows"] = ["Chỉ câu hỏi ma trận có dòng."]
        if "max_choices" in data and kind != "multiple":
            errors["max_choices"] = ["Chỉ câu hỏi chọn nhiều có số lựa chọn tối đa."]
        if kind == "multiple" and data.get("max_choices", 1) > max(len(options), 1):
            errors["max_choices"] = ["Số lựa chọn tối đa vượt quá số phương án."]
        if kind != "rating" and ("scale_min" in data or "scale_max" in data):
            errors["scale_max"] = ["Chỉ câu hỏi thang điểm có thang."]
        if kind != "text" and "max_length" in data:
            errors["max_length"] = ["Chỉ câu hỏi trả lời tự do có độ dài tối đa."]
        if errors:
            raise ValidationError(errors)


def _duplicated(choices):
    ids = [c["id"] for c in choices if c.get("id")]
    return len(ids) != len(set(ids))


class Audience(StrictSchema):
    all = fields.Boolean(load_default=False, metadata={"description": "every member (VGCL polls only)"})
    tenant_ids = fields.List(
        fields.UUID(), load_default=list, metadata={"description": "these tenants and their subtrees"}
    )


class PollCreate(StrictSchema):
    title = Text(required=True, validate=length(3, 300))
    description = Text(load_default="", validate=length(max=5000))
    opens_at = LocalDateTime(required=True, metadata={"description": "ISO 8601; no offset = Asia/Ho_Chi_Minh"})
    closes_at = LocalDateTime(required=True)
    audience = fields.Nested(
        Audience, metadata={"description": "default: the author's tenant and its subtree"}, load_default=None
    )
    questions = fields.List(fields.Nested(QuestionIn), required=True)

    @validates_schema
    def _times_and_questions(self, data, partial=False, **kwargs):
        errors = {}
        if data.get("opens_at") and data.get("closes_at") and data["closes_at"] <= data["opens_at"]:
            errors["closes_at"] = ["Thời điểm đóng phải sau thời điểm mở."]
        questions = data.get("questions")
        if questions is not None:
            if not questions:
                errors["questions"] = ["Cần ít nhất một câu hỏi."]
            elif len(questions) > 100:
                errors["questions"] = ["Tối đa 100 câu hỏi."]
            else:
                ids = [q["id"] for q in questions if q.get("id")]
                if len(ids) != len(set(ids)):
                    errors["questions"] = ["Mã câu hỏi bị trùng."]
        if errors:
            raise ValidationError(errors)


class PollUpdate(PollCreate):
    """Any field of a draft; all optional."""


class PollListArgs(PageArgs):
    status = fields.String(validate=one_of(STATUSES))
    managed = fields.Boolean(
        load_default=False,
        metadata={"description": "only the polls the caller manages (administrators; others 403)"},
    )


class PublicPollArgs(PageArgs):
    status = fields.String(
        validate=one_of(("open", "closed", "published")),
        metadata={"description": "published: results published; an anonymous visitor sees open and published ones"},
    )


class ReceiptRead(Schema):
    receipt = fields.String(required=True)
    status = fields.String(required=True, metadata={"description": ", ".join(RECEIPT_STATUSES)})
    reason = fields.String(allow_none=True)
    poll_id = fields.String()


class ModerateArgs(StrictSchema):
    status = fields.String(required=True, validate=one_of(("approved", "hidden")))


class TextAnswerArgs(PageArgs):
    question = fields.String(validate=length(1, 40))
    status = fields.String(validate=one_of(TEXT_STATUSES))


class ResultsArgs(StrictSchema):
    tenant = fields.UUID(metadata={"description": "VGCL: results of one tenant and its subtree"})


class AudienceRead(Schema):
    all = fields.Boolean(metadata={"description": "every member"})
    tenant_ids = fields.List(fields.String(), metadata={"description": "these tenants and their subtrees"})


class PollRead(Schema):
    id = fields.String()
    tenant_id = fields.String()
    scope = fields.String()
    title = fields.String()
    description = fields.String()
    status = fields.String()
    status_label = fields.String()
    opens_at = fields.String()
    closes_at = fields.String()
    audience = fields.Nested(AudienceRead)
    questions = fields.List(fields.Dict())
    version = fields.Integer()
    managed = fields.Boolean(allow_none=True, metadata={"description": "the caller manages this poll"})
    respondents = fields.Integer(
        allow_none=True, metadata={"description": "responses counted so far; null unless the caller manages it"}
    )


class AudienceChoice(Schema):
    id = fields.String()
    name = fields.String()
    kind = fields.String(allow_none=True)
    parent_id = fields.String(allow_none=True)
    depth = fields.Integer(metadata={"description": "0 for a root of the list; its children 1, ..."})


class AudienceChoicesRead(Schema):
    """What an author may address a poll to (``list_audience_choices``): tenants in tree order."""

    all = fields.Boolean(metadata={"description": "may address every member at once (the VGCL)"})
    items = fields.List(fields.Nested(AudienceChoice))


class PollSummaryRead(Schema):
    """A poll on the portal's list (``public_polls``): what it is and where it stands, without
    its questions (``get_poll`` gives them)."""

    id = fields.String()
    tenant_id = fields.String()
    tenant_name = fields.String(allow_none=True, metadata={"description": "the tenant that runs the poll"})
    scope = fields.String(metadata={"description": "platform (the VGCL) or tenant"})
    national = fields.Boolean(metadata={"description": "addressed to every member"})
    title = fields.String()
    description = fields.String()
    status = fields.String(metadata={"description": "open, closed or published (results published)"})
    status_label = fields.String()
    opens_at = fields.String()
    closes_at = fields.String()
    accepting_answers = fields.Boolean(metadata={"description": "open and between opens_at and closes_at now"})
    results_published = fields.Boolean()
    results_published_at = fields.String(allow_none=True)
    question_count = fields.Integer()


class IntakeDefinitionRead(Schema):
    """What the gateway checks a response against (RPC ``intake_definition``, system actor)."""

    id = fields.String()
    tenant_id = fields.String()
    scope = fields.String()
    title = fields.String()
    status = fields.String()
    version = fields.Integer()
    opens_at = fields.String(metadata={"description": "ISO 8601, UTC"})
    closes_at = fields.String()
    questions = fields.List(fields.Dict())
    audience_all = fields.Boolean()
    eligible_tenants = fields.List(
        fields.String(), allow_none=True, metadata={"description": "null: every member (audience_all)"}
    )


class IntakeStatsRead(Schema):
    """Totals of a replica's batch consumer since it started (RPC ``intake_stats``)."""

    connected = fields.Boolean()
    counted = fields.Integer()
    duplicate = fields.Integer()
    rejected = fields.Integer()
    redelivered = fields.Integer()
    batches = fields.Integer()


class OptionResult(Schema):
    id = fields.String()
    label = fields.String()
    count = fields.Integer(allow_none=True, metadata={"description": "null when suppressed"})
    percent = fields.Float(allow_none=True, metadata={"description": "of the question's respondents, 1 decimal"})


class RowResult(Schema):
    id = fields.String()
    label = fields.String()
    options = fields.List(fields.Nested(OptionResult))


class QuestionResult(Schema):
    id = fields.String()
    position = fields.Integer()
    text = fields.String()
    kind = fields.String()
    respondents = fields.Integer(allow_none=True, metadata={"description": "None when suppressed"})
    suppressed = fields.Boolean(metadata={"description": f"fewer than {SUPPRESS_BELOW} respondents"})
    options = fields.List(fields.Nested(OptionResult))
    mean = fields.Float(allow_none=True, metadata={"description": "rating questions"})
    rows = fields.List(fields.Nested(RowResult), metadata={"description": "matrix questions"})
    text_answers = fields.Integer(
        allow_none=True, metadata={"description": "free-text answers received; None when suppressed"}
    )


class TenantResult(Schema):
    tenant_id = fields.String()
    tenant_name = fields.String()
    respondents = fields.Integer(allow_none=True)
    suppressed = fields.Boolean()


class ResultsPoll(Schema):
    id = fields.String()
    title = fields.String()
    status = fields.String()
    opens_at = fields.String()
    closes_at = fields.String()


class ResultsRead(Schema):
    poll = fields.Nested(ResultsPoll)
    respondents = fields.Integer(
        allow_none=True, metadata={"description": "None when one tenant's subtree (?tenant=) has a small group"}
    )
    suppressed = fields.Boolean(metadata={"description": "the ?tenant= subtree's total is suppressed"})
    eligible = fields.Integer(allow_none=True, metadata={"description": "members eligible (null: unknown)"})
    generated_at = fields.String()
    questions = fields.List(fields.Nested(QuestionResult))
    by_tenant = fields.List(
        fields.Nested(TenantResult), metadata={"description": "platform admins only; merged tenants folded"}
    )


class TextAnswerRead(Schema):
    id = fields.String()
    question_id = fields.String()
    text = fields.String()
    status = fields.String(metadata={"description": ", ".join(TEXT_STATUSES)})
    created_at = fields.String()


class FileRead(Schema):
    """A file an RPC hands back (exports of results and reports), for the gateway to send on."""

    filename = fields.String(required=True)
    content_type = fields.String(required=True)
    content_b64 = fields.Function(
        lambda file: base64.b64encode(file["content"]).decode("ascii"), metadata={"description": "the bytes, base64"}
    )


# -- the grassroots coverage tracker (polls/coverage/) -----------------------------------

COVERAGE_SORTS = ("name", "grassroots", "admin", "members", "contributing", "respondents")
COVERAGE_ORDERS = ("asc", "desc")
# A half-year: the years polls' reports parse (2000–2100), as ``schemas.reports.PERIOD_PATTERN``.
COVERAGE_PERIOD_PATTERN = f"^{years_pattern(2000, 2100)}-H[12]$"


def _period_field():
    return fields.String(
        validate=length(1, 16),
        metadata={
            "description": "2026-H1 (Jan–Jun) or 2026-H2 (Jul–Dec), in Vietnam time; default: the current one",
            "pattern": COVERAGE_PERIOD_PATTERN,
        },
    )


class CoverageArgs(StrictSchema):
    tenant = fields.String(
        validate=length(1, 64), metadata={"description": "federation id or code (default: the signed-in user's)"}
    )
    period = _period_field()


class NationalCoverageArgs(StrictSchema):
    period = _period_field()
    sort = fields.String(
        load_default="name",
        validate=one_of(COVERAGE_SORTS),
        metadata={"description": "name, grassroots (units), or a share: admin, members, contributing, respondents"},
    )
    order = fields.String(
        validate=one_of(COVERAGE_ORDERS), metadata={"description": "default: asc by name, desc by a figure"}
    )


def _share(what):
    return fields.Float(allow_none=True, metadata={"description": f"percent of {what}, one decimal; null: none"})


class CoverageFigures(Schema):
    """A federation's coverage of its grassroots unions (CĐCS) in a half-year."""

    available = fields.Boolean(metadata={"description": "false: accounts or content did not answer (note)"})
    note = fields.String()
    grassroots = fields.Integer(metadata={"description": "active grassroots units (công đoàn cơ sở)"})
    with_admin = fields.Integer(metadata={"description": "units with an active user holding unit_admin for it"})
    with_admin_share = _share("grassroots")
    with_members = fields.Integer(metadata={"description": "units with ≥ 1 registered member in it or below it"})
    with_members_share = _share("grassroots")
    contributing = fields.Integer(
        metadata={"description": "units whose people (in it or below) wrote an item first submitted in the period"}
    )
    contributing_share = _share("grassroots")
    members = fields.Integer(metadata={"description": "registered members (accounts not deactivated)"})
    respondents = fields.Integer(metadata={"description": "distinct members who answered a poll in the period"})
    respondents_share = _share("members")


class CoverageIncluded(Schema):
    tenant_id = fields.String()
    tenant_name = fields.String()
    starts = fields.String(metadata={"format": "date", "description": "from this day (the merge day) on"})
    ends = fields.String(metadata={"format": "date"})


class CoverageRead(CoverageFigures):
    tenant_id = fields.String(metadata={"format": "uuid"})
    tenant_name = fields.String()
    tenant_code = fields.String(allow_none=True)
    period = fields.String()
    period_label = fields.String()
    starts = fields.String(metadata={"format": "date", "description": "first day (Vietnam)"})
    ends = fields.String(metadata={"format": "date", "description": "first day after the period (exclusive)"})
    compiled_at = fields.String(metadata={"format": "date-time"})
    includes = fields.List(fields.Nested(CoverageIncluded), metadata={"description": "merged tenants counted"})


class NationalCoverageRow(CoverageFigures):
    tenant_id = fields.String(metadata={"format": "uuid"})
    tenant_code = fields.String()
    tenant_name = fields.String()


class NationalCoverageRead(Schema):
    period = fields.String()
    period_label = fields.String()
    starts = fields.String(metadata={"format": "date"})
    ends = fields.String(metadata={"format": "date"})
    compiled_at = fields.String(metadata={"format": "date-time"})
    available = fields.Boolean()
    note = fields.String()
    sort = fields.String()
    order = fields.String()
    totals = fields.Nested(CoverageFigures, metadata={"description": "sums; shares of the sums"})
    tenants = fields.List(fields.Nested(NationalCoverageRow), metadata={"description": "one row per federation"})
    total = fields.Integer(metadata={"description": "federations listed"})


# -- the answer check -------------------------------------------------------------------


class AnswerProblem(Exception):
    """One question's answer is wrong; ``errors`` maps ``answers.<question id>`` to messages."""

    def __init__(self, errors, message):
        super().__init__(message)
        self.errors = errors
        self.message = message


def _blank(value):
    return value is None or value == "" or value == [] or value == {}


def check_answers(questions, answers):
    """Normalise ``answers`` against ``questions`` (the poll definition's list).

    Returns the answers to keep (unanswered optional questions left out). Raises
    ``AnswerProblem`` naming every question whose answer is wrong.
    """
    if not isinstance(answers, dict):
        raise AnswerProblem({"answers": ["Phải là một đối tượng: mã câu hỏi → câu trả lời."]}, "Câu trả lời sai dạng.")
    errors, kept, named = {}, {}, []
    known = {q["id"] for q in questions}
    for key in answers:
        if key not in known:
            errors[f"answers.{key}"] = ["Không có câu hỏi này trong phiếu."]
            named.append(str(key)[:40])
    for position, question in enumerate(questions, start=1):
        qid = question["id"]
        value = answers.get(qid)
        if _blank(value):
            if question.get("required", True):
                errors[f"answers.{qid}"] = ["Câu hỏi bắt buộc chưa được trả lời."]
                named.append(f"câu {position} ({qid})")
            continue
        try:
            kept[qid] = _check_one(question, value)
        except ValueError as exc:
            errors[f"answers.{qid}"] = [str(exc)]
            named.append(f"câu {position} ({qid})")
    if errors:
        raise AnswerProblem(errors, "Câu trả lời không hợp lệ ở " + ", ".join(named) + ".")
    return kept


def _check_one(question, value):
    kind = question["kind"]
    if kind == "single":
        ids = {o["id"] for o in question["options"]}
        if not isinstance(value, str) or value not in ids:
            raise ValueError("Phương án không có trong câu hỏi.")
        return value
    if kind == "multiple":
        ids = {o["id"] for o in question["options"]}
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValueError("Phải là danh sách mã phương án.")
        if len(set(value)) != len(value):
            raise ValueError("Một phương án được chọn hai lần.")
        if any(v not in ids for v in value):
            raise ValueError("Phương án không có trong câu hỏi.")
        limit = question.get("max_choices") or len(ids)
        if len(value) > limit:
            raise ValueError(f"Chọn tối đa {limit} phương án.")
        return value
    if kind == "rating":
        low, high = question.get("scale_min", 1), question.get("scale_max", 5)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ValueError(f"Phải là một số nguyên từ {low} đến {high}.")
        return value
    if kind == "text":
        if not isinstance(value, str):
            raise ValueError("Phải là một chuỗi ký tự.")
        value = nfc(value)
        limit = question.get("max_length") or MAX_TEXT
        if len(value) > limit:
            raise ValueError(f"Tối đa {limit} ký tự.")
        if not value:
            raise ValueError("Câu trả lời trống.")
        return value
    if kind == "matrix":
        rows = {r["id"] for r in question["rows"]}
        ids = {o["id"] for o in question["options"]}
        if not isinstance(value, dict):
            raise ValueError("Phải là một đối tượng: mã dòng → mã phương án.")
        if any(r not in rows for r in value):
            raise ValueError("Có dòng không thuộc câu hỏi.")
        if any(not isinstance(v, str) or v not in ids for v in value.values()):
            raise ValueError("Phương án không có trong câu hỏi.")
        if question.get("required", True) and len(value) != len(rows):
            raise ValueError("Mỗi dòng cần một lựa chọn.")
        return value
    raise ValueError("Loại câu hỏi không được hỗ trợ.")
