"""Request and reply shapes of the feedback API: workers' questions, members' opinions,
article comments, holidays and settings. The feedback service validates its input with
these (authoritative) and dumps every reply through its ``…Read`` schema, so the shape
documented here is the shape sent; the gateway uses them for the OpenAPI document."""

import re
from datetime import date

from marshmallow import Schema, ValidationError, fields, validate, validates, validates_schema

from platform_shared.schemas import PageArgs, StrictSchema, in_range, length, one_of, page_of, years_pattern
from platform_shared.schemas import Storable as _Storable
from platform_shared.schemas import Text as _Text

CATEGORIES = (
    "wages_bonuses",
    "labour_contracts",
    "social_insurance",
    "occupational_safety",
    "working_hours_leave",
    "union_dues_membership",
    "other",
)
CATEGORY_LABELS = {
    "wages_bonuses": "Tiền lương, tiền thưởng",
    "labour_contracts": "Hợp đồng lao động",
    "social_insurance": "Bảo hiểm xã hội",
    "occupational_safety": "An toàn, vệ sinh lao động",
    "working_hours_leave": "Thời giờ làm việc, nghỉ ngơi",
    "union_dues_membership": "Đoàn phí, đoàn viên",
    "other": "Khác",
}
QUESTION_STATUSES = ("received", "assigned", "answered", "approved", "published", "rejected", "transferred")
QUESTION_STATUS_LABELS = {
    "received": "Đã tiếp nhận",
    "assigned": "Đang xử lý",
    "answered": "Đã có câu trả lời (chờ duyệt)",
    "approved": "Câu trả lời đã được duyệt",
    "published": "Đã trả lời",
    "rejected": "Không tiếp nhận",
    "transferred": "Đã chuyển đơn vị khác xử lý",
}
QUESTION_ORDERS = ("received", "overdue_first")
MODERATION_STATUSES = ("pending", "published", "hidden")
MODERATION_LABELS = {"pending": "Chờ duyệt", "published": "Đã đăng", "hidden": "Đã ẩn"}

_PHONE = re.compile(r"^(\+84|0)[1-9][0-9]{8,9}$")
_TRACKING = re.compile(r"^HD-\d{8}-\d{6}-[0-9A-Z]{4}$")


# -- what the feedback API accepts ------------------------------------------------------------
#
# Every string it takes is stored or searched in PostgreSQL, which refuses a NUL character
# (and text that is not valid UTF-8, such as a lone surrogate sent as "\\ud800") with an
# error; SQLite would store them. They are refused here, naming the field, before anything
# else sees them. Every date it takes lies in years the platform works in.

FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2100, 12, 31)
"""The days any feedback date may name (holidays, topics' closing days, the figures' periods)."""


class Text(_Storable, _Text):
    """Text a person writes: NFC, blanks trimmed, nothing PostgreSQL cannot store."""


class Token(_Storable, fields.String):
    """A short string taken as typed (a slug, a section, a phone number): nothing PostgreSQL cannot store."""


class Day(fields.Date):
    """A date between ``FIRST_DAY`` and ``LAST_DAY``: year 0 or 9999 is a 422 naming the field, never a 500."""

    document_pattern = f"^{years_pattern(FIRST_DAY.year, LAST_DAY.year)}-"

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        error = f"Ngày phải trong khoảng {FIRST_DAY.isoformat()} đến {LAST_DAY.isoformat()}."
        self.validators.insert(0, validate.Range(min=FIRST_DAY, max=LAST_DAY, error=error))


class Address(_Storable, fields.Email):
    """An e-mail address: nothing PostgreSQL cannot store."""


def phone_number(value):
    """A Vietnamese phone number, spaces, dots and dashes ignored: 0912 345 678, +84 912 345 678."""
    compact = re.sub(r"[\s.\-()]", "", value or "")
    if not _PHONE.match(compact):
        raise ValidationError("Số điện thoại không hợp lệ (ví dụ 0912 345 678).")
    return compact


def is_tracking_code(value):
    return bool(_TRACKING.match((value or "").strip().upper()))


class Guest(StrictSchema):
    """Who a guest is: a name and a phone number or an e-mail; never shown publicly."""

    name = Text(required=True, validate=length(2, 120))
    phone = Token(load_default=None, allow_none=True, validate=length(8, 20))
    email = Address(load_default=None, allow_none=True, validate=length(5, 200))

    @validates("phone")
    def _phone(self, value, **kwargs):
        if value is not None:
            phone_number(value)

    @validates_schema
    def _contact(self, data, **kwargs):
        if not data.get("phone") and not data.get("email"):
            raise ValidationError("Cần số điện thoại hoặc e-mail để liên hệ.", field_name="phone")


class QuestionCreate(StrictSchema):
    category = fields.String(required=True, validate=one_of(CATEGORIES))
    title = Text(required=True, validate=length(5, 200))
    body = Text(required=True, validate=length(20, 5000))
    tenant_id = fields.UUID(
        load_default=None, allow_none=True, metadata={"description": "federation asked; default: the member's own"}
    )
    tenant = Token(
        load_default=None,
        allow_none=True,
        validate=length(1, 80),
        metadata={"description": "or the federation's slug (as in /public/sites/{slug})"},
    )
    guest = fields.Nested(
        Guest, load_default=None, allow_none=True, metadata={"description": "required when not signed in"}
    )


class QuestionListArgs(PageArgs):
    status = fields.String(validate=one_of(QUESTION_STATUSES))
    category = fields.String(validate=one_of(CATEGORIES))
    overdue = fields.Boolean(metadata={"description": "only questions past their deadline and still open"})
    mine = fields.Boolean(metadata={"description": "assigned to me"})
    unassigned = fields.Boolean(metadata={"description": "still open and assigned to nobody"})
    q = Text(validate=length(1, 200))
    order = fields.String(
        validate=one_of(QUESTION_ORDERS),
        metadata={
            "description": "received: newest first (default); overdue_first: the overdue ones first, most late first"
        },
    )


class Assign(StrictSchema):
    responder_id = fields.UUID(load_default=None, allow_none=True, metadata={"description": "default: myself"})


class Answer(StrictSchema):
    answer = Text(required=True, validate=length(20, 20000))


class Publish(StrictSchema):
    public = fields.Boolean(load_default=True, metadata={"description": "also list it on the public Q&A"})
    public_title = Text(load_default=None, allow_none=True, validate=length(5, 200))
    public_body = Text(
        load_default=None,
        allow_none=True,
        validate=length(20, 5000),
        metadata={"description": "the question as shown publicly (personal details removed)"},
    )


class RejectReason(StrictSchema):
    reason = Text(required=True, validate=length(5, 1000))


class Transfer(StrictSchema):
    tenant_id = fields.UUID(required=True)
    note = Text(load_default=None, allow_none=True, validate=length(1, 1000))


class NoFields(StrictSchema):
    pass


class PublicQuestionArgs(PageArgs):
    category = fields.String(validate=one_of(CATEGORIES))
    q = Text(validate=length(1, 200))
    tenant = Token(validate=length(1, 80), metadata={"description": "tenant slug"})


class FeedbackSettings(StrictSchema):
    answer_days = fields.Integer(required=True, validate=in_range(1, 60), metadata={"description": "working days"})


class HolidayWrite(StrictSchema):
    day = Day(required=True)
    name = Text(required=True, validate=length(2, 120))
    working_day = fields.Boolean(load_default=False, metadata={"description": "a weekend day worked in exchange"})


class HolidayListArgs(StrictSchema):
    year = fields.Integer(validate=in_range(2000, 2100))


class TopicCreate(StrictSchema):
    title = Text(required=True, validate=length(5, 300))
    description = Text(required=True, validate=length(20, 10000))
    opens_on = Day(
        load_default=None, allow_none=True, metadata={"description": "first day opinions are taken (default: now)"}
    )
    closes_on = Day(load_default=None, allow_none=True, metadata={"description": "last day opinions are taken"})

    @validates_schema
    def _order(self, data, **kwargs):
        if data.get("opens_on") and data.get("closes_on") and data["closes_on"] < data["opens_on"]:
            raise ValidationError("Ngày kết thúc không được trước ngày bắt đầu lấy ý kiến.", field_name="closes_on")


TOPIC_STATUSES = ("open", "closed")
TOPIC_STATUS_LABELS = {"open": "Đang mở", "closed": "Đã đóng"}
TOPIC_ACTIONS = ("open", "close")


class TopicListArgs(PageArgs):
    status = fields.String(validate=one_of(TOPIC_STATUSES))
    mine = fields.Boolean(metadata={"description": "only the topics of the actor's own tenant"})


class TopicArgs(StrictSchema):
    moderated = fields.Boolean(
        load_default=False, metadata={"description": "only a topic whose opinions the actor works (else 404)"}
    )


class TopicReopen(StrictSchema):
    closes_on = Day(
        load_default=None, allow_none=True, metadata={"description": "a new last day (default: the one it had)"}
    )


class OpinionCreate(StrictSchema):
    topic_id = fields.UUID(required=True)
    body = Text(required=True, validate=length(20, 5000))


class OpinionListArgs(PageArgs):
    topic_id = fields.UUID()
    status = fields.String(validate=one_of(MODERATION_STATUSES))


class CommentCreate(StrictSchema):
    body = Text(required=True, validate=length(2, 2000))
    guest_name = Text(load_default=None, allow_none=True, validate=length(2, 80))


class CommentListArgs(PageArgs):
    status = fields.String(validate=one_of(MODERATION_STATUSES))


QUEUE_STATUSES = ("pending", "reported", "hidden", "published")


class CommentQueueArgs(PageArgs):
    status = fields.String(
        validate=one_of(QUEUE_STATUSES),
        metadata={
            "description": "pending (default); reported: reported and not decided by a moderator since "
            "(hidden by the reports, or still shown); hidden; published"
        },
    )


class Report(StrictSchema):
    reason = Text(load_default=None, allow_none=True, validate=length(1, 500))


class CommentSettings(StrictSchema):
    section = Token(required=True, validate=length(1, 60))
    premoderated = fields.Boolean(required=True)
    guests_allowed = fields.Boolean(required=True)


class FiguresArgs(StrictSchema):
    tenant_id = fields.UUID(required=True)
    start = Day(required=True)
    end = Day(required=True)

    @validates_schema
    def _order(self, data, **kwargs):
        if data.get("start") and data.get("end") and data["end"] <= data["start"]:
            raise ValidationError("Ngày kết thúc phải sau ngày bắt đầu.", field_name="end")


# -- replies -------------------------------------------------------------------------------
#
# Dumped by the feedback service from its rows (ids as strings, times and dates in ISO 8601).


class Label(fields.String):
    """The Vietnamese label of another field's value: ``Label(MODERATION_LABELS)`` reads ``status``."""

    def __init__(self, labels, *, of="status", **kwargs):
        super().__init__(dump_only=True, **kwargs)
        self.labels, self.of = labels, of

    def serialize(self, attr, obj, accessor=None, **kwargs):
        return super().serialize(self.of, obj, accessor, **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else self.labels[value]


class TenantRef(Schema):
    id = fields.String()
    name = fields.String()


class QuestionReceipt(Schema):
    """The answer to the asker: the tracking code to follow the question with."""

    id = fields.String()
    tracking_code = fields.String(metadata={"description": "HD-<day>-<sequence>-<4 random characters>"})
    status = fields.String()
    status_label = Label(QUESTION_STATUS_LABELS)
    tenant = fields.Nested(TenantRef, metadata={"description": "the tenant that received the question"})
    received_at = fields.DateTime()
    due_at = fields.DateTime(metadata={"description": "end of the last working day allowed for the first answer"})


ANSWER_HTML = "the answer as safe HTML to show (sanitised markup, or plain text in a paragraph)"


class QuestionTracking(Schema):
    """What anyone with the tracking code sees: nothing personal, no internal step."""

    tracking_code = fields.String()
    category = fields.String()
    category_label = Label(CATEGORY_LABELS, of="category")
    title = fields.String(allow_none=True, metadata={"description": "the public title, once published"})
    status = fields.String(metadata={"description": "a drafted or approved answer shows as assigned"})
    status_label = Label(QUESTION_STATUS_LABELS)
    tenant_name = fields.String(allow_none=True)
    received_at = fields.DateTime()
    due_at = fields.DateTime()
    answer = fields.String(allow_none=True, metadata={"description": "the published answer"})
    answer_html = fields.String(allow_none=True, metadata={"description": ANSWER_HTML})
    answered_at = fields.DateTime(allow_none=True, metadata={"description": "when the answer was published"})
    reject_reason = fields.String(allow_none=True)


class Asker(Schema):
    """Who asked (staff only): the member's account, or the guest's contact."""

    user_id = fields.String(attribute="asker_user_id", allow_none=True)
    guest_name = fields.String(allow_none=True)
    guest_phone = fields.String(allow_none=True)
    guest_email = fields.String(allow_none=True)


class QuestionRead(Schema):
    """A question as its tenant's staff (and the tenant it was escalated to) see it."""

    id = fields.String()
    tracking_code = fields.String()
    tenant_id = fields.String()
    tenant_name = fields.String(allow_none=True)
    escalated_to_id = fields.String(allow_none=True, metadata={"description": "the parent tenant, once overdue"})
    category = fields.String()
    category_label = Label(CATEGORY_LABELS, of="category")
    title = fields.String()
    body = fields.String()
    asker = fields.Nested(Asker)
    status = fields.String()
    status_label = Label(QUESTION_STATUS_LABELS)
    allowed_actions = fields.List(
        fields.String(), metadata={"description": "what the status allows next and the reader's role may do"}
    )
    assigned_to = fields.String(allow_none=True)
    answer = fields.String(
        allow_none=True, metadata={"description": "as stored: plain text, or the editor's sanitised HTML"}
    )
    answer_html = fields.String(allow_none=True, metadata={"description": ANSWER_HTML})
    answered_at = fields.DateTime(allow_none=True, metadata={"description": "the first answer (the clock stops)"})
    public = fields.Boolean()
    public_title = fields.String(allow_none=True)
    public_body = fields.String(allow_none=True)
    published_at = fields.DateTime(allow_none=True)
    reject_reason = fields.String(allow_none=True)
    received_at = fields.DateTime()
    due_at = fields.DateTime()
    overdue = fields.Boolean(metadata={"description": "still open past its deadline"})
    working_days_left = fields.Integer(
        allow_none=True,
        metadata={"description": "waiting for a first answer, not late: working days after today up to the deadline"},
    )
    days_overdue = fields.Integer(
        allow_none=True, metadata={"description": "waiting for a first answer, late: days since the last day allowed"}
    )
    updated_at = fields.DateTime()


class QuestionActivityRead(Schema):
    """One line of a question's history."""

    action = fields.String()
    from_status = fields.String(data_key="from", allow_none=True)
    to_status = fields.String(data_key="to")
    note = fields.String(allow_none=True)
    actor_id = fields.String(allow_none=True)
    tenant_id = fields.String(metadata={"description": "the tenant that held the question then"})
    tenant_name = fields.String(allow_none=True)
    at = fields.DateTime()


class QuestionDetailRead(QuestionRead):
    activity = fields.List(fields.Nested(QuestionActivityRead))


class PublicTenant(Schema):
    name = fields.String(allow_none=True)
    slug = fields.String(allow_none=True)


class PublicQuestionRead(Schema):
    """A published question on the public Q&A: the public text only."""

    id = fields.String()
    category = fields.String()
    category_label = Label(CATEGORY_LABELS, of="category")
    title = fields.String(attribute="public_title")
    question = fields.String(attribute="public_body")
    answer = fields.String()
    answer_html = fields.String(metadata={"description": ANSWER_HTML})
    tenant = fields.Nested(PublicTenant)
    published_at = fields.DateTime()


class QuestionFiguresRead(Schema):
    """Questions received by a tenant in a period, for the semiannual report."""

    received = fields.Integer()
    answered = fields.Integer()
    answered_on_time = fields.Integer()
    overdue_open = fields.Integer(metadata={"description": "still open past their deadline now"})


class FeedbackSettingsRead(Schema):
    answer_days = fields.Integer(metadata={"description": "the tenant's working days to answer"})
    default_answer_days = fields.Integer()


class HolidayRead(Schema):
    day = fields.Date()
    name = fields.String()
    working_day = fields.Boolean(metadata={"description": "a weekend day worked in exchange"})


class HolidayDeleted(Schema):
    deleted = fields.String(metadata={"description": "the day removed"})


class OpinionCounts(Schema):
    pending = fields.Integer()
    published = fields.Integer()
    hidden = fields.Integer()


class TopicRead(Schema):
    id = fields.String()
    tenant_id = fields.String()
    national = fields.Boolean(metadata={"description": "open to every member (the VGCL's topics)"})
    title = fields.String()
    description = fields.String()
    status = fields.String()
    status_label = Label(TOPIC_STATUS_LABELS)
    opens_on = fields.Date(
        allow_none=True, metadata={"description": "first day opinions are taken (None: from creation)"}
    )
    closes_on = fields.Date(allow_none=True)
    accepting = fields.Boolean(
        metadata={"description": "takes opinions today (open, opening day reached, closing day not passed)"}
    )
    upcoming = fields.Boolean(metadata={"description": "open, its opening day still to come"})
    opinion_counts = fields.Nested(
        OpinionCounts,
        allow_none=True,
        metadata={"description": "the topic tenant's staff only: its opinions by status (None for others)"},
    )
    created_at = fields.DateTime()


class OpinionRead(Schema):
    """An opinion as members see it (published ones)."""

    id = fields.String()
    topic_id = fields.String()
    body = fields.String()
    status = fields.String()
    status_label = Label(MODERATION_LABELS)
    answer = fields.String(allow_none=True)
    answered_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()


class OpinionStaffRead(OpinionRead):
    """An opinion as the topic tenant's staff see it: with its author."""

    author_id = fields.String()
    author_tenant_id = fields.String()


class CommentRead(Schema):
    """A comment as readers see it."""

    id = fields.String()
    article_id = fields.String()
    author_name = fields.String()
    guest = fields.Boolean()
    body = fields.String()
    status = fields.String()
    status_label = Label(MODERATION_LABELS)
    created_at = fields.DateTime()


class ReportRead(Schema):
    reason = fields.String(allow_none=True)
    at = fields.DateTime()


class CommentStaffRead(CommentRead):
    """A comment as its author and the moderators see it."""

    author_id = fields.String(allow_none=True)
    reports = fields.Integer(attribute="report_count", metadata={"description": "distinct users who reported it"})
    hidden_reason = fields.String(allow_none=True, metadata={"description": "reports, moderator, article_unpublished"})
    article_title = fields.String(allow_none=True, metadata={"description": "the article's title when commented on"})
    article_slug = fields.String(allow_none=True, metadata={"description": "the article's slug on its site"})
    article_site = fields.String(
        allow_none=True,
        metadata={"description": "the moderation queue only: its sub-site's tenant slug (None: the portal)"},
    )
    report_details = fields.List(
        fields.Nested(ReportRead),
        metadata={"description": "the moderation queue only: the reports, newest first (never who sent them)"},
    )


class CommentReported(Schema):
    id = fields.String()
    reports = fields.Integer(metadata={"description": "distinct users who reported the comment"})
    hidden = fields.Boolean()


class CommentSettingsRead(Schema):
    site_key = fields.String(metadata={"description": "portal, or the sub-site's tenant id"})
    section = fields.String()
    premoderated = fields.Boolean()
    guests_allowed = fields.Boolean()


class CommentSectionRead(CommentSettingsRead):
    """One section's comment settings as ``list_comment_settings`` shows them."""

    section_name = fields.String()
    scope = fields.String(metadata={"description": "central (the portal's) or component (a sub-site's)"})
    saved = fields.Boolean(metadata={"description": "False: the defaults (pre-moderated, no guests) apply"})
    may_change = fields.Boolean(metadata={"description": "the actor may change it (put_comment_settings)"})


class CommentSectionsRead(Schema):
    items = fields.List(fields.Nested(CommentSectionRead))


class WaitingModerationRead(Schema):
    """``count_waiting_moderation``: what waits for the actor; None where the role is not theirs."""

    comments_pending = fields.Integer(allow_none=True, metadata={"description": "comments waiting for approval"})
    comments_reported = fields.Integer(
        allow_none=True, metadata={"description": "reported comments no moderator decided on since"}
    )
    opinions_pending = fields.Integer(allow_none=True, metadata={"description": "opinions waiting for moderation"})


class CommentRulesRead(Schema):
    """What the comment form needs to know before it is sent, for this reader and article."""

    article_id = fields.String()
    section = fields.String()
    signed_in = fields.Boolean(metadata={"description": "the reader is signed in"})
    may_comment = fields.Boolean(metadata={"description": "this reader may comment (a guest: where allowed)"})
    guests_allowed = fields.Boolean(metadata={"description": "the section takes comments from guests"})
    guest_name_required = fields.Boolean(metadata={"description": "a guest must give guest_name"})
    premoderated = fields.Boolean(metadata={"description": "a new comment waits for a moderator"})
    status_after_posting = fields.String(metadata={"description": "pending (waits for a moderator) or published"})


QuestionPage = page_of(QuestionRead)
PublicQuestionPage = page_of(PublicQuestionRead)
TopicPage = page_of(TopicRead)
OpinionPage = page_of(OpinionRead)
OpinionStaffPage = page_of(OpinionStaffRead)
CommentPage = page_of(CommentRead)
CommentStaffPage = page_of(CommentStaffRead)
