"""Request and response shapes of the content API (articles, sections, public reading,
documents, quotas)."""

from marshmallow import ValidationError, fields, validate, validates_schema

from platform_shared.schemas import PageArgs, Schema, StrictSchema, Text, in_range, length, one_of

GENRES = ("news", "article", "commentary", "reportage", "interview", "photo_story", "video", "reply_to_readers")
GENRE_LABELS = {
    "news": "Tin",
    "article": "Bài viết",
    "commentary": "Bình luận",
    "reportage": "Phóng sự",
    "interview": "Phỏng vấn",
    "photo_story": "Phóng sự ảnh",
    "video": "Video",
    "reply_to_readers": "Trả lời bạn đọc",
}
STATUSES = (
    "draft",
    "submitted",
    "in_review",
    "returned",
    "rejected",
    "approved",
    "scheduled",
    "published",
    "unpublished",
)
STATUS_LABELS = {
    "draft": "Bản nháp",
    "submitted": "Đã gửi",
    "in_review": "Đang biên tập",
    "returned": "Trả lại",
    "rejected": "Từ chối",
    "approved": "Đã duyệt",
    "scheduled": "Hẹn giờ đăng",
    "published": "Đã đăng",
    "unpublished": "Đã gỡ",
}
DOCUMENT_TYPES = ("resolution", "directive", "decision", "official_letter", "guidance", "plan", "notice", "report")
DOCUMENT_TYPE_LABELS = {
    "resolution": "Nghị quyết",
    "directive": "Chỉ thị",
    "decision": "Quyết định",
    "official_letter": "Công văn",
    "guidance": "Hướng dẫn",
    "plan": "Kế hoạch",
    "notice": "Thông báo",
    "report": "Báo cáo",
}


class AuthorShare(StrictSchema):
    user_id = fields.UUID(required=True)
    pen_name = Text(required=True, validate=length(1, 120), metadata={"description": "bút danh"})
    share = fields.Integer(required=True, validate=in_range(1, 100), metadata={"description": "percent"})


class _ArticleFields(StrictSchema):
    @validates_schema
    def _shares(self, data, **kwargs):
        authors = data.get("authors")
        if authors:
            if sum(a["share"] for a in authors) != 100:
                raise ValidationError("Tổng tỉ lệ của các tác giả phải bằng 100%.", field_name="authors")
            ids = [a["user_id"] for a in authors]
            if len(set(ids)) != len(ids):
                raise ValidationError("Mỗi tác giả chỉ được ghi một lần.", field_name="authors")


class ArticleCreate(_ArticleFields):
    section = fields.String(
        required=True,
        validate=length(1, 60),
        metadata={"description": "news, thematic, directives, or a key of the tenant's own site"},
    )
    genre = fields.String(required=True, validate=one_of(GENRES))
    title = Text(required=True, validate=length(5, 300))
    summary = Text(load_default=None, allow_none=True, validate=length(1, 1000))
    body = fields.String(required=True)
    authors = fields.List(
        fields.Nested(AuthorShare),
        load_default=None,
        allow_none=True,
        validate=length(1, 20),
        metadata={"description": "default: the writer, 100%"},
    )
    asset_ids = fields.List(fields.UUID(), load_default=list, validate=length(max=50))
    topic = Text(load_default=None, allow_none=True, validate=length(1, 200))
    tags = fields.List(Text(validate=length(1, 60)), load_default=list, validate=length(max=20))


class ArticleUpdate(_ArticleFields):
    genre = fields.String(validate=one_of(GENRES))
    title = Text(validate=length(5, 300))
    summary = Text(allow_none=True, validate=length(1, 1000))
    body = fields.String()
    authors = fields.List(fields.Nested(AuthorShare), validate=length(1, 20))
    asset_ids = fields.List(fields.UUID(), validate=length(max=50))
    topic = Text(allow_none=True, validate=length(1, 200))
    tags = fields.List(Text(validate=length(1, 60)), validate=length(max=20))


class Correction(ArticleUpdate):
    note = Text(required=True, validate=length(5, 1000), metadata={"description": "what was corrected and why"})
    new_work = fields.Boolean(load_default=False, metadata={"description": "the desk counts it as a new work"})


class Comment(StrictSchema):
    comment = Text(required=True, validate=length(2, 4000))


class Reason(StrictSchema):
    reason = Text(required=True, validate=length(2, 2000))


class Schedule(StrictSchema):
    publish_at = fields.AwareDateTime(required=True, metadata={"description": "ISO 8601 with offset"})


class Empty(StrictSchema):
    pass


class ArticleListArgs(PageArgs):
    status = fields.String(validate=one_of(STATUSES))
    section = fields.String(validate=length(1, 60))
    mine = fields.Boolean(metadata={"description": "only articles I created or co-author"})
    q = Text(validate=length(1, 200))


class RevisionDiffArgs(StrictSchema):
    from_ = fields.Integer(required=True, data_key="from", validate=in_range(1, 100000))
    to = fields.Integer(required=True, validate=in_range(1, 100000))


class PublicArticleArgs(PageArgs):
    section = fields.String(validate=length(1, 60))
    tenant = fields.String(validate=length(1, 80), metadata={"description": "tenant slug"})
    q = Text(validate=length(1, 200))
    since = fields.Date()
    until = fields.Date()


class PublicArticleRef(StrictSchema):
    site = fields.String(validate=length(1, 80), metadata={"description": "tenant slug of a component site"})


class SectionCreate(StrictSchema):
    key = fields.String(
        required=True,
        validate=[
            length(2, 60),
            validate.Regexp(
                r"^[a-z0-9]+(?:-[a-z0-9]+)*$", error="Mã chuyên mục chỉ gồm chữ thường không dấu, số và dấu '-'."
            ),
        ],
    )
    name = Text(required=True, validate=length(2, 120))
    menu_order = fields.Integer(load_default=0, validate=in_range(0, 1000))


class SectionUpdate(StrictSchema):
    name = Text(validate=length(2, 120))
    menu_order = fields.Integer(validate=in_range(0, 1000))
    status = fields.String(validate=one_of(("active", "archived")))


class DocumentCreate(StrictSchema):
    number = Text(required=True, validate=length(1, 60), metadata={"description": "số/ký hiệu, e.g. 1197/TLĐ"})
    doc_type = fields.String(required=True, validate=one_of(DOCUMENT_TYPES))
    issuer = Text(load_default=None, allow_none=True, validate=length(2, 255))
    abstract = Text(required=True, validate=length(5, 4000), metadata={"description": "trích yếu"})
    issued_on = fields.Date(required=True)
    effective_on = fields.Date(load_default=None, allow_none=True)
    asset_id = fields.UUID(load_default=None, allow_none=True)
    recipients = fields.List(fields.UUID(), load_default=list, validate=length(max=500))
    all_tenants = fields.Boolean(load_default=False)

    @validates_schema
    def _dates_and_recipients(self, data, **kwargs):
        if data.get("effective_on") and data["effective_on"] < data["issued_on"]:
            raise ValidationError("Ngày hiệu lực không được trước ngày ban hành.", field_name="effective_on")
        if not data.get("recipients") and not data.get("all_tenants"):
            raise ValidationError("Chọn đơn vị nhận hoặc gửi tất cả các đơn vị.", field_name="recipients")


class DocumentListArgs(PageArgs):
    doc_type = fields.String(validate=one_of(DOCUMENT_TYPES))
    year = fields.Integer(validate=in_range(1950, 2100))
    q = Text(validate=length(1, 200))
    unread = fields.Boolean()
    issued_by_me = fields.Boolean()


class ComplianceArgs(StrictSchema):
    week = fields.String(
        validate=length(7, 8), metadata={"description": "ISO week, e.g. 2026-W48 (default: this week)"}
    )
    tenant_id = fields.UUID()


class ArticleRead(Schema):
    id = fields.UUID()
    tenant_id = fields.UUID()
    section = fields.String()
    section_name = fields.String()
    site = fields.String()
    genre = fields.String()
    genre_label = fields.String()
    title = fields.String()
    slug = fields.String()
    summary = fields.String(allow_none=True)
    body = fields.String()
    topic = fields.String(allow_none=True)
    tags = fields.List(fields.String())
    authors = fields.List(fields.Nested(AuthorShare))
    asset_ids = fields.List(fields.String())
    status = fields.String()
    status_label = fields.String()
    allowed_actions = fields.List(fields.String())
    revision = fields.Integer()
    published_revision = fields.Integer(allow_none=True)
    locked_by = fields.UUID(allow_none=True)
    locked_until = fields.DateTime(allow_none=True)
    publish_at = fields.DateTime(allow_none=True)
    published_at = fields.DateTime(allow_none=True)
    word_count = fields.Integer()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
