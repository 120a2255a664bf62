"""Request shapes of the feedback API: workers' questions, members' opinions, article
comments, holidays and settings. The feedback service validates with these (authoritative);
the gateway uses them for the OpenAPI document."""

import re

from marshmallow import ValidationError, fields, validates, validates_schema

from platform_shared.schemas import PageArgs, StrictSchema, Text, in_range, length, one_of

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
MODERATION_STATUSES = ("pending", "published", "hidden")
MODERATION_LABELS = {"pending": "Chờ duyệt", "published": "Đã đăng", "hidden": "Đã ẩn"}

_PHONE = re.compile(r"^(\+84|0)[1-9][0-9]{8,9}$")
_TRACKING = re.compile(r"^HD-\d{8}-\d{6}-[0-9A-Z]{4}$")


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
    phone = fields.String(load_default=None, allow_none=True, validate=length(8, 20))
    email = fields.Email(load_default=None, allow_none=True, validate=length(5, 200))

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
    tenant = fields.String(
        load_default=None,
        allow_none=True,
        validate=length(1, 80),
        metadata={"description": "or the federation's slug (as in /public/sites/{slug})"},
    )
    guest = fields.Nested(
        Guest, load_default=None, allow_none=True, metadata={"description": "required when not signed in"}
    )


class QuestionRead(StrictSchema):
    id = fields.String()
    tracking_code = fields.String(metadata={"description": "only in the answer to the asker"})
    status = fields.String()
    due_at = fields.String()


class QuestionListArgs(PageArgs):
    status = fields.String(validate=one_of(QUESTION_STATUSES))
    category = fields.String(validate=one_of(CATEGORIES))
    overdue = fields.Boolean(metadata={"description": "only questions past their deadline and still open"})
    mine = fields.Boolean(metadata={"description": "assigned to me"})
    q = Text(validate=length(1, 200))


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
    tenant = fields.String(validate=length(1, 80), metadata={"description": "tenant slug"})


class FeedbackSettings(StrictSchema):
    answer_days = fields.Integer(required=True, validate=in_range(1, 60), metadata={"description": "working days"})


class HolidayWrite(StrictSchema):
    day = fields.Date(required=True)
    name = Text(required=True, validate=length(2, 120))
    working_day = fields.Boolean(load_default=False, metadata={"description": "a weekend day worked in exchange"})


class HolidayListArgs(StrictSchema):
    year = fields.Integer(validate=in_range(2000, 2100))


class TopicCreate(StrictSchema):
    title = Text(required=True, validate=length(5, 300))
    description = Text(required=True, validate=length(20, 10000))
    closes_on = fields.Date(load_default=None, allow_none=True)


class TopicListArgs(PageArgs):
    status = fields.String(validate=one_of(("open", "closed")))


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


class Report(StrictSchema):
    reason = Text(load_default=None, allow_none=True, validate=length(1, 500))


class CommentSettings(StrictSchema):
    section = fields.String(required=True, validate=length(1, 60))
    premoderated = fields.Boolean(required=True)
    guests_allowed = fields.Boolean(required=True)


class FiguresArgs(StrictSchema):
    tenant_id = fields.UUID(required=True)
    start = fields.Date(required=True)
    end = fields.Date(required=True)

    @validates_schema
    def _order(self, data, **kwargs):
        if data.get("start") and data.get("end") and data["end"] <= data["start"]:
            raise ValidationError("Ngày kết thúc phải sau ngày bắt đầu.", field_name="end")
