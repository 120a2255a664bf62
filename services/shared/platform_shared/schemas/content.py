"""Request and response shapes of the content API (articles, sections, public reading,
documents, quotas)."""

import re
from datetime import date

from marshmallow import ValidationError, fields, validate, validates_schema

from platform_shared.schemas import (  # noqa: F401 (content API names)
    UNSTORABLE_MESSAGE,
    PageArgs,
    Schema,
    StrictSchema,
    in_range,
    is_storable,
    length,
    one_of,
    page_of,
    storable,
    years_pattern,
)
from platform_shared.schemas import Storable as _Storable
from platform_shared.schemas import Text as _Text

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
# The tenants with a component sub-site on the portal (``public_sites``), in the portal's order.
SITE_KINDS = ("provincial_federation", "sectoral_union", "corporate_union")
SITE_KIND_LABELS = {
    "provincial_federation": "Liên đoàn Lao động tỉnh, thành phố",
    "sectoral_union": "Công đoàn ngành Trung ương",
    "corporate_union": "Công đoàn Tổng công ty",
}


# -- what the content API accepts -------------------------------------------------------------
#
# Every string is stored or searched in PostgreSQL, which refuses a NUL character and text
# that is not UTF-8 (a lone surrogate, sent as "\\ud800") with an error, where SQLite would
# store them; the other C0 control characters have no place in a title or a body either.
# ``storable`` refuses them all (tab, line feed and carriage return excepted), naming the
# field, and every string field of these schemas uses it. Every date, moment and week lies
# between ``FIRST_DAY`` and ``LAST_DAY``: year 0, year 9999 or week 54 is a 422 naming the
# field, never an overflow (a 500) further on.

FIRST_DAY, LAST_DAY = date(1950, 1, 1), date(2100, 12, 31)
"""The days content's dates may name (documents from 1950 on; weeks, periods, publication times)."""
_DAYS = f"{FIRST_DAY:%d/%m/%Y} đến {LAST_DAY:%d/%m/%Y}"
_WEEK = re.compile(r"([0-9]{4})-W([0-9]{2})")
WEEK_MESSAGE = "Tuần không hợp lệ, dùng dạng 2026-W48."


def in_days(day):
    """The validator of every date: between ``FIRST_DAY`` and ``LAST_DAY``."""
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValidationError(f"Ngày phải trong khoảng {_DAYS}.")
    return True


def in_weeks(year, week):
    """``(year, week)`` of an existing ISO week of a year between ``FIRST_DAY``'s and ``LAST_DAY``'s,
    or ValidationError."""
    try:
        date.fromisocalendar(year, week, 1)
    except ValueError:
        raise ValidationError(WEEK_MESSAGE) from None
    if not FIRST_DAY.year <= year <= LAST_DAY.year:
        raise ValidationError(f"Tuần phải thuộc các năm {FIRST_DAY.year}–{LAST_DAY.year}.")
    return year, week


class Text(_Storable, _Text):
    """Text a person writes: NFC, blanks trimmed, nothing content does not store."""


class Plain(_Storable, fields.String):
    """A string taken as sent (an HTML body, a section key, a slug): nothing content does not store."""


class Day(fields.Date):
    """An ISO date between ``FIRST_DAY`` and ``LAST_DAY``."""

    document_pattern = f"^{years_pattern(FIRST_DAY.year, LAST_DAY.year)}-"

    def _deserialize(self, value, attr, data, **kwargs):
        day = super()._deserialize(value, attr, data, **kwargs)
        in_days(day)
        return day


class Moment(fields.AwareDateTime):
    """An ISO 8601 moment with its offset, on a day between ``FIRST_DAY`` and ``LAST_DAY``
    (its own day, before any conversion: converting year 9999 to UTC overflows)."""

    document_pattern = f"^{years_pattern(FIRST_DAY.year, LAST_DAY.year)}-"

    def _deserialize(self, value, attr, data, **kwargs):
        moment = super()._deserialize(value, attr, data, **kwargs)
        if not FIRST_DAY <= moment.date() <= LAST_DAY:
            raise ValidationError(f"Thời điểm phải trong khoảng {_DAYS}.")
        return moment


class Week(fields.String):
    """An ISO week, ``2026-W48``, of a year between ``FIRST_DAY``'s and ``LAST_DAY``'s; loads as its label."""

    document_pattern = f"^{years_pattern(FIRST_DAY.year, LAST_DAY.year)}-W(0[1-9]|[1-4][0-9]|5[0-3])$"

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        match = _WEEK.fullmatch(text.strip())
        if not match:
            raise ValidationError(WEEK_MESSAGE)
        year, week = in_weeks(int(match.group(1)), int(match.group(2)))
        return f"{year:04d}-W{week:02d}"


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
    section = Plain(
        required=True,
        validate=length(1, 60),
        metadata={"description": "news, thematic, directives, or a key of the tenant's own site"},
    )
    genre = fields.String(required=True, validate=one_of(GENRES))
    title = Text(required=True, validate=length(5, 300))
    summary = Text(load_default=None, allow_none=True, validate=length(1, 1000))
    body = Plain(required=True)
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
    body = Plain()
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
    publish_at = Moment(required=True, metadata={"description": "ISO 8601 with offset"})


class Empty(StrictSchema):
    pass


class ArticleListArgs(PageArgs):
    status = fields.String(validate=one_of(STATUSES))
    section = Plain(validate=length(1, 60))
    mine = fields.Boolean(metadata={"description": "only articles I created or co-author"})
    q = Text(validate=length(1, 200))
    tenant_id = fields.UUID(metadata={"description": "only this federation's articles (of those the actor sees)"})
    waiting_days = fields.Integer(
        validate=in_range(1, 365), metadata={"description": "only those unchanged for at least this many days"}
    )
    order = fields.String(
        load_default="changed",
        validate=one_of(("changed", "waiting")),
        metadata={"description": "changed: most recently changed first; waiting: longest unchanged first (a queue)"},
    )


class RevisionDiffArgs(StrictSchema):
    from_ = fields.Integer(required=True, data_key="from", validate=in_range(1, 100000))
    to = fields.Integer(required=True, validate=in_range(1, 100000))


class PublicArticleArgs(PageArgs):
    section = Plain(
        validate=length(1, 60),
        metadata={"description": "news, thematic, directives; with tenant, also a key of the tenant's own site"},
    )
    tenant = Plain(validate=length(1, 80), metadata={"description": "tenant slug"})
    q = Text(validate=length(1, 200))
    since = Day()
    until = Day()


class PublicArticleRef(StrictSchema):
    site = Plain(validate=length(1, 80), metadata={"description": "tenant slug of a component site"})


class PublicSitesArgs(StrictSchema):
    kind = fields.String(validate=one_of(SITE_KINDS))


class SectionCreate(StrictSchema):
    key = Plain(
        required=True,
        validate=[
            length(2, 60),
            validate.Regexp(
                r"^[a-z0-9]+(?:-[a-z0-9]+)*$", error="Mã chuyên mục chỉ gồm chữ thường không dấu, số và dấu '-'."
            ),
        ],
    )
    name = Text(required=True, validate=length(2, 120))
    description = Text(
        load_default=None, allow_none=True, validate=length(2, 500), metadata={"description": "shown under its title"}
    )
    menu_order = fields.Integer(load_default=0, validate=in_range(0, 1000))


SECTION_MOVES = ("up", "down")


class SectionUpdate(StrictSchema):
    name = Text(validate=length(2, 120))
    description = Text(allow_none=True, validate=length(2, 500))
    menu_order = fields.Integer(validate=in_range(0, 1000))
    move = fields.String(
        validate=one_of(SECTION_MOVES),
        metadata={"description": "one place earlier (up) or later (down) in the sub-site's menu"},
    )
    status = fields.String(
        validate=one_of(("active", "archived")), metadata={"description": "archived: hidden from the sub-site"}
    )

    @validates_schema
    def _one_order(self, data, **kwargs):
        if "move" in data and "menu_order" in data:
            raise ValidationError("Chỉ gửi một trong hai: move hoặc menu_order.", field_name="move")


class DocumentCreate(StrictSchema):
    number = Text(required=True, validate=length(1, 60), metadata={"description": "số/ký hiệu, e.g. 1197/TLĐ"})
    doc_type = fields.String(required=True, validate=one_of(DOCUMENT_TYPES))
    issuer = Text(load_default=None, allow_none=True, validate=length(2, 255))
    abstract = Text(required=True, validate=length(5, 4000), metadata={"description": "trích yếu"})
    issued_on = Day(required=True)
    effective_on = Day(load_default=None, allow_none=True)
    asset_id = fields.UUID(load_default=None, allow_none=True)
    recipients = fields.List(fields.UUID(), load_default=list, validate=length(max=500))
    all_tenants = fields.Boolean(load_default=False)
    public = fields.Boolean(
        load_default=False,
        metadata={"description": "published in the portal's public library: anyone reads it and downloads its file"},
    )

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


class PublicDocumentArgs(PageArgs):
    q = Text(validate=length(1, 200), metadata={"description": "number, abstract, issuer; with or without diacritics"})
    doc_type = fields.String(validate=one_of(DOCUMENT_TYPES))
    issuer = Text(validate=length(2, 255), metadata={"description": "the issuing body as written (see issuers)"})
    tenant = Plain(validate=length(1, 80), metadata={"description": "issuing tenant's slug"})
    year = fields.Integer(validate=in_range(FIRST_DAY.year, LAST_DAY.year), metadata={"description": "year issued"})


class ComplianceArgs(StrictSchema):
    week = Week(
        validate=length(7, 8),
        metadata={"description": "ISO week, e.g. 2026-W48 (default: this week)"},
    )
    tenant_id = fields.UUID()


QUARTER_MESSAGE = "Quý không hợp lệ, dùng dạng 2026-Q4."
MAX_WEEKS = 14
"""The most weeks one ``quota_compliance_weeks`` answers (a quarter has 13 or 14 Mondays)."""


class Quarter(fields.String):
    """A quarter, ``2026-Q4``, of a year between ``FIRST_DAY``'s and ``LAST_DAY``'s; loads as ``(year, quarter)``."""

    document_pattern = f"^{years_pattern(FIRST_DAY.year, LAST_DAY.year)}-Q[1-4]$"

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        match = re.fullmatch(r"([0-9]{4})-Q([1-4])", text.strip())
        if not match:
            raise ValidationError(QUARTER_MESSAGE)
        year = int(match.group(1))
        if not FIRST_DAY.year <= year <= LAST_DAY.year:
            raise ValidationError(f"Quý phải thuộc các năm {FIRST_DAY.year}–{LAST_DAY.year}.")
        return year, int(match.group(2))


class ComplianceWeeksArgs(StrictSchema):
    """Several weeks at once: ``first`` to ``last`` (at most ``MAX_WEEKS``), or a ``quarter``."""

    first = Week(validate=length(7, 8), metadata={"description": "ISO week, e.g. 2026-W45"})
    last = Week(validate=length(7, 8), metadata={"description": "ISO week, e.g. 2026-W48 (≥ first)"})
    quarter = Quarter(
        metadata={"description": "e.g. 2026-Q4: the weeks whose Monday is in the quarter, up to this week"},
    )
    tenant_id = fields.UUID()

    @validates_schema
    def _one_span(self, data, **kwargs):
        if "quarter" in data:
            if "first" in data or "last" in data:
                raise ValidationError("Chọn một quý, hoặc tuần đầu và tuần cuối, không chọn cả hai.", "quarter")
            return
        for name in ("first", "last"):
            if name not in data:
                raise ValidationError("Cần nêu tuần đầu và tuần cuối (hoặc một quý).", name)
        first, last = (date.fromisocalendar(*map(int, data[n].split("-W")), 1) for n in ("first", "last"))
        if last < first:
            raise ValidationError("Tuần cuối phải sau tuần đầu.", "last")
        if (last - first).days // 7 + 1 > MAX_WEEKS:
            raise ValidationError(f"Tối đa {MAX_WEEKS} tuần mỗi lần.", "last")


class ReportPeriod(StrictSchema):
    """The Vietnam days ``[start, end)`` of a report's figures (``report_figures``)."""

    start = Day(required=True)
    end = Day(required=True)

    @validates_schema
    def _order(self, data, **kwargs):
        if data["end"] <= data["start"]:
            raise ValidationError("Ngày kết thúc phải sau ngày bắt đầu.", field_name="end")


class ActivityRead(Schema):
    """One step of an article's workflow history."""

    action = fields.String()
    from_ = fields.String(data_key="from")
    to = fields.String()
    comment = fields.String(allow_none=True)
    actor_id = fields.UUID(allow_none=True, metadata={"description": "None for the publication timer"})
    at = fields.DateTime()


class ArticleRead(Schema):
    """An article as its writers and desk see it (``get_article`` adds ``activity`` for those who may
    read its revisions; lists leave out ``body`` and add ``last_comment``)."""

    id = fields.UUID()
    tenant_id = fields.UUID()
    tenant_name = fields.String(allow_none=True, metadata={"description": "the writing tenant's name"})
    section = fields.String()
    section_name = fields.String()
    site = fields.String(metadata={"description": "portal or component"})
    genre = fields.String()
    genre_label = fields.String()
    title = fields.String()
    slug = fields.String()
    summary = fields.String(allow_none=True)
    topic = fields.String(allow_none=True)
    tags = fields.List(fields.String())
    authors = fields.List(fields.Nested(AuthorShare))
    asset_ids = fields.List(fields.String())
    photo_count = fields.Integer(metadata={"description": "photos among the assets (quota rules count them)"})
    status = fields.String()
    status_label = fields.String()
    allowed_actions = fields.List(fields.String())
    revision = fields.Integer()
    published_revision = fields.Integer(allow_none=True)
    locked_by = fields.UUID(allow_none=True)
    locked_until = fields.DateTime(allow_none=True)
    locked_by_name = fields.String(
        allow_none=True, metadata={"description": "the review lock's holder, as other editors see them"}
    )
    publish_at = fields.DateTime(allow_none=True)
    published_at = fields.DateTime(allow_none=True)
    reject_reason = fields.String(allow_none=True)
    unpublish_reason = fields.String(allow_none=True)
    word_count = fields.Integer()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    body = fields.String()
    activity = fields.List(
        fields.Nested(ActivityRead),
        metadata={"description": "one article only, for those who may read its revisions (not a member)"},
    )
    last_comment = fields.Nested(
        ActivityRead,
        metadata={
            "description": "lists only: the latest step with a comment (a return, a rejection…), "
            "for those who may read the article's revisions; absent when there is none"
        },
    )


ArticlePage = page_of(ArticleRead)


class WaitingArticle(Schema):
    """The item of a kind of work that has waited longest: unchanged since ``updated_at``."""

    id = fields.UUID()
    title = fields.String()
    status = fields.String()
    updated_at = fields.DateTime()


class WaitingCount(Schema):
    total = fields.Integer()
    oldest = fields.Nested(WaitingArticle, allow_none=True, metadata={"description": "None when there is none"})


class MyWaitingArticles(Schema):
    """The actor's own articles (created or co-authored, as ``list_articles`` ``mine``) to act on."""

    returned = fields.Nested(WaitingCount)
    draft = fields.Nested(WaitingCount)


class DeskWaitingArticles(Schema):
    """An editor's queue: what ``list_articles`` of that status lists for them."""

    submitted = fields.Nested(WaitingCount)
    in_review = fields.Nested(WaitingCount)
    approved = fields.Nested(WaitingCount)


class WaitingArticlesRead(Schema):
    """``count_waiting_articles``: how many items wait for the actor, and the oldest, per kind."""

    mine = fields.Nested(MyWaitingArticles, allow_none=True, metadata={"description": "None for a non-writer"})
    desk = fields.Nested(DeskWaitingArticles, allow_none=True, metadata={"description": "None for a non-editor"})


class RevisionRead(Schema):
    number = fields.Integer()
    kind = fields.String(metadata={"description": "created, edit or correction"})
    title = fields.String()
    note = fields.String(allow_none=True)
    new_work = fields.Boolean()
    created_by = fields.UUID(allow_none=True)
    created_at = fields.DateTime()
    published = fields.Boolean(metadata={"description": "the revision the public sees"})


class FieldChanges(Schema):
    field = fields.String()
    changes = fields.List(fields.String(), metadata={"description": "unified diff lines"})


class RevisionDiffRead(Schema):
    from_ = fields.Integer(data_key="from")
    to = fields.Integer()
    changes = fields.List(fields.Nested(FieldChanges))


class PublicTenant(Schema):
    id = fields.UUID()
    slug = fields.String(allow_none=True)
    name = fields.String(allow_none=True)


class PublicAuthor(Schema):
    pen_name = fields.String()


class PublicCorrection(Schema):
    """A correction of a published article, as its readers are told of it."""

    revision = fields.Integer(metadata={"description": "the revision the correction published"})
    note = fields.String(metadata={"description": "what was corrected and why"})
    corrected_at = fields.DateTime()


class RelatedArticle(Schema):
    """Another published item of the same section and site (links: its slug, and its tenant's
    slug for a sub-site item)."""

    id = fields.UUID()
    slug = fields.String()
    title = fields.String()
    site = fields.String(metadata={"description": "portal or component"})
    tenant = fields.Nested(PublicTenant)
    published_at = fields.DateTime()


class PublicArticleRead(Schema):
    """A published article as everyone sees it (one article adds ``body``, ``corrections`` and
    ``related``)."""

    id = fields.UUID()
    slug = fields.String()
    title = fields.String()
    summary = fields.String(allow_none=True)
    genre = fields.String()
    genre_label = fields.String()
    section = fields.String()
    section_name = fields.String()
    site = fields.String()
    tenant = fields.Nested(PublicTenant)
    authors = fields.List(fields.Nested(PublicAuthor))
    asset_ids = fields.List(fields.String())
    tags = fields.List(fields.String())
    word_count = fields.Integer()
    revision = fields.Integer(metadata={"description": "the published revision"})
    published_at = fields.DateTime()
    body = fields.String()
    corrections = fields.List(
        fields.Nested(PublicCorrection), metadata={"description": "one article only: its corrections, newest first"}
    )
    related = fields.List(
        fields.Nested(RelatedArticle),
        metadata={"description": "one article only: up to 5 other items of its section and site, newest first"},
    )


PublicArticlePage = page_of(PublicArticleRead)


class SiteTenant(PublicTenant):
    kind = fields.String(allow_none=True)


class MenuEntry(Schema):
    key = fields.String()
    name = fields.String()
    description = fields.String(allow_none=True)
    menu_order = fields.Integer()


class MergedFrom(PublicTenant):
    merged_at = fields.DateTime(allow_none=True)


class SiteRead(Schema):
    """A tenant's component sub-site; a merged tenant's slug answers with the surviving tenant."""

    tenant = fields.Nested(SiteTenant)
    menu = fields.List(fields.Nested(MenuEntry))
    used_in_central_sections = fields.Integer(metadata={"description": "its items published in central sections"})
    articles = fields.Nested(PublicArticlePage)
    merged_from = fields.Nested(MergedFrom, metadata={"description": "only when the slug is a merged tenant's"})
    notice = fields.String(metadata={"description": "only when the slug is a merged tenant's"})


class PublicSite(Schema):
    """A tenant with a component sub-site (``/don-vi/{slug}``) and where it sits in the tree."""

    id = fields.UUID()
    slug = fields.String()
    name = fields.String()
    kind = fields.String()
    kind_label = fields.String()
    parent = fields.Nested(
        PublicTenant,
        allow_none=True,
        metadata={"description": "the parent tenant (the confederation for most); null when it has none"},
    )


class PublicSitesRead(Schema):
    """The sub-sites: active tenants of ``SITE_KINDS``, by kind in that order, then by name."""

    items = fields.List(fields.Nested(PublicSite))
    total = fields.Integer()


class SectionRead(Schema):
    id = fields.UUID()
    key = fields.String()
    name = fields.String()
    description = fields.String(allow_none=True)
    scope = fields.String(metadata={"description": "central or component"})
    tenant_id = fields.UUID(allow_none=True)
    desk_code = fields.String(allow_none=True)
    menu_order = fields.Integer()
    status = fields.String()


class ReceiptRead(Schema):
    tenant_id = fields.UUID()
    tenant_name = fields.String(allow_none=True)
    read_at = fields.DateTime(allow_none=True)


class DocumentRead(Schema):
    """A document of the library (``receipts`` only for its issuer and platform admins, one document)."""

    id = fields.UUID()
    tenant_id = fields.UUID()
    number = fields.String()
    doc_type = fields.String()
    doc_type_label = fields.String()
    issuer = fields.String()
    abstract = fields.String()
    issued_on = fields.Date()
    effective_on = fields.Date(allow_none=True)
    asset_id = fields.UUID(allow_none=True)
    all_tenants = fields.Boolean()
    public = fields.Boolean(metadata={"description": "in the portal's public library"})
    created_at = fields.DateTime()
    receipts = fields.List(fields.Nested(ReceiptRead))


DocumentPage = page_of(DocumentRead)


class PublicDocumentRead(Schema):
    """A document of the portal's public library, as everyone sees it."""

    id = fields.UUID()
    number = fields.String()
    doc_type = fields.String()
    doc_type_label = fields.String()
    issuer = fields.String()
    abstract = fields.String()
    issued_on = fields.Date()
    effective_on = fields.Date(allow_none=True)
    asset_id = fields.UUID(allow_none=True, metadata={"description": "its file: GET /api/v1/media/{asset_id}/content"})
    tenant = fields.Nested(PublicTenant, metadata={"description": "the issuing tenant"})


class PublicDocumentPage(page_of(PublicDocumentRead)):
    issuers = fields.List(
        fields.String(), metadata={"description": "every issuer of the public library, A to Z (the issuer filter)"}
    )


class QuotaRuleRead(Schema):
    id = fields.String()
    tenant_kinds = fields.List(fields.String())
    section = fields.String()
    min_items = fields.Integer()
    min_photos_per_item = fields.Integer()
    effective_from = fields.Date()
    effective_to = fields.Date(allow_none=True)
    label = fields.String()


class ComplianceItem(Schema):
    tenant_id = fields.UUID()
    tenant_name = fields.String()
    tenant_code = fields.String()
    tenant_status = fields.String()
    rule = fields.String()
    section = fields.String()
    label = fields.String()
    required = fields.Integer()
    submitted = fields.Integer(metadata={"description": "items first submitted that week with enough photos"})
    used = fields.Integer(metadata={"description": "of those, published"})
    status = fields.String(metadata={"description": "met, at_risk or missed"})
    week = fields.String()


class ComplianceTotals(Schema):
    met = fields.Integer()
    at_risk = fields.Integer()
    missed = fields.Integer()


class ComplianceRead(Schema):
    week = fields.String()
    starts = fields.DateTime()
    ends = fields.DateTime()
    items = fields.List(fields.Nested(ComplianceItem))
    totals = fields.Nested(ComplianceTotals, allow_none=True, metadata={"description": "desks and the VGCL only"})


class TenantWeeks(Schema):
    """One tenant's record over the weeks of a ``ComplianceWeeksRead``."""

    tenant_id = fields.UUID()
    tenant_name = fields.String()
    tenant_code = fields.String()
    weeks = fields.Integer(metadata={"description": "rule-weeks judged (a rule in force, the tenant existing)"})
    met = fields.Integer()
    missed = fields.Integer()


class ComplianceWeeksRead(Schema):
    """``quota_compliance_weeks``: each week as ``quota_compliance`` answers it, oldest first, and per tenant
    the count of rule-weeks met and missed."""

    first = fields.String()
    last = fields.String()
    quarter = fields.String(allow_none=True)
    weeks = fields.List(fields.Nested(ComplianceRead))
    desk_sections = fields.List(
        fields.String(), metadata={"description": "the central sections whose desk is the actor's tenant"}
    )
    tenants = fields.List(fields.Nested(TenantWeeks))


class SectionFigures(Schema):
    section = fields.String()
    name = fields.String()
    submitted = fields.Integer()
    used = fields.Integer()


class QuotaWeeks(Schema):
    total = fields.Integer()
    met = fields.Integer()


class ReportFiguresRead(Schema):
    """The content part of a tenant's semiannual report (``report_figures``, for the polls service)."""

    sections = fields.List(fields.Nested(SectionFigures))
    quota_weeks = fields.Nested(QuotaWeeks)
